// The one place that runs SQL. Every caller — questions, structured semantic
// queries, async jobs, sample-value refreshes, validation probes — hands its
// statement here; the executor guards it against the connection's semantic
// layer, bounds it by the server-wide caps, and streams it through the
// connector with a timeout and the caller's cancellation signal. A test fails
// if anything else in the service calls `connector.stream`.
import type { SemanticManifest } from '../../semantic/types'
import type { RowBatch } from '../../connectors/connector'
import type { ConnectionRow, ConnectionService } from '../connections/connection-service'
import { createHash } from 'node:crypto'
import { createGuard, type GuardOptions } from '../security/sql-guard'
import { defaultSchemaOf, dialectOf } from '../../connectors/registry'
import { allowedRelations } from './allowed-relations'
import { dbSystemOf, withSpanSync } from '../ops/spans'

export interface ExecutorLimits {
  defaultMaxRows: number
  /** Server-wide cap: a connection's own max_rows can lower it, never raise it. */
  maxRowsLimit: number
  defaultTimeoutMs: number
  /** Server-wide cap on statement time: a connection's own timeout_ms can lower it, never raise it. */
  maxTimeoutMs: number
  allowFunctions: string[]
}

export interface Statement { sql: string; params: unknown[] }

export interface ExecuteOptions {
  /** Rows the caller wants; bounded by the connection's and the server's caps. */
  maxRows?: number
  /** A tighter statement timeout than the connection's (e.g. sample values). */
  timeoutMs?: number
  batchSize?: number
}

/** Statements the guard passed, remembered (oldest forgotten first). */
const MAX_PASSED = 500

export class SqlExecutor {
  /** Guard verdicts: dialect, default schema, allowed relations and the statement (allowFunctions is the executor's own, fixed). */
  private readonly passed = new Set<string>()

  constructor(private readonly deps: { connections: ConnectionService; limits: ExecutorLimits }) {}

  /** The guard's settings for statements on this connection: only its semantic layer's tables. */
  guardOptions(conn: ConnectionRow, manifest: SemanticManifest): GuardOptions {
    const dialect = dialectOf(conn.type)
    return {
      dialect, allowedRelations: allowedRelations(manifest, dialect), defaultSchema: defaultSchemaOf(conn),
      allowFunctions: this.deps.limits.allowFunctions,
    }
  }

  /**
   * Throws SqlGuardError unless `sql` is one read-only SELECT over the layer's
   * tables. The guard is a pure function of the statement and its options, so
   * a statement it passed is remembered under exactly those (the same question
   * asked again parses nothing); refusals are not remembered.
   */
  guard(conn: ConnectionRow, manifest: SemanticManifest, sql: string): void {
    this.guardFor(conn, manifest)(sql)
  }

  /**
   * `guard` for many statements against one layer: its allow list is built
   * and parsed once, not once per statement (an import probes every model,
   * and a layer may have thousands). Verdicts are remembered under a digest
   * of the list, so a key stays small however many tables the layer has.
   */
  guardFor(conn: ConnectionRow, manifest: SemanticManifest): (sql: string) => void {
    const opts = this.guardOptions(conn, manifest)
    const relations = createHash('sha256').update(opts.allowedRelations.join('\u0001')).digest('base64url')
    const prefix = `${opts.dialect}\u0000${opts.defaultSchema ?? ''}\u0000${relations}\u0000`
    let check: ((sql: string) => unknown) | undefined
    return (sql) => {
      const key = prefix + sql
      if (this.passed.has(key)) return
      check ??= createGuard(opts)
      check(sql)
      if (this.passed.size >= MAX_PASSED) this.passed.delete(this.passed.values().next().value!)
      this.passed.add(key)
    }
  }

  /** Row cap and statement timeout for a run: the request, then the connection, then the server bound each other. */
  bounds(conn: ConnectionRow, requested: { maxRows?: number; timeoutMs?: number } = {}): { maxRows: number; timeoutMs: number } {
    const { limits } = this.deps
    const options = this.deps.connections.options(conn)
    const rowCap = Math.min(options.max_rows ?? limits.maxRowsLimit, limits.maxRowsLimit)
    const maxRows = Math.min(requested.maxRows ?? Math.min(limits.defaultMaxRows, rowCap), rowCap)
    const timeCap = Math.min(options.timeout_ms ?? limits.defaultTimeoutMs, limits.maxTimeoutMs)
    const timeoutMs = Math.min(requested.timeoutMs ?? timeCap, timeCap)
    return { maxRows, timeoutMs }
  }

  /**
   * Guards `statement` and returns it ready to run: the only way to reach a
   * connector. Guarding happens here, once, so callers can report the SQL
   * before the first row is read.
   */
  prepare(conn: ConnectionRow, manifest: SemanticManifest, statement: Statement, opts: ExecuteOptions = {}): GuardedStatement {
    return this.forLayer(conn, manifest).prepare(statement, opts)
  }

  /**
   * `prepare` for many statements on one layer (validation probes every
   * model): the guard is built once for the layer, so n statements cost n,
   * not n times the layer's tables.
   */
  forLayer(conn: ConnectionRow, manifest: SemanticManifest): { prepare(statement: Statement, opts?: ExecuteOptions): GuardedStatement } {
    const guard = this.guardFor(conn, manifest)
    return { prepare: (statement, opts = {}) => this.prepareGuarded(conn, guard, statement, opts) }
  }

  private prepareGuarded(conn: ConnectionRow, guard: (sql: string) => void, statement: Statement, opts: ExecuteOptions): GuardedStatement {
    withSpanSync('guard', () => guard(statement.sql), { attributes: { 'db.system': dbSystemOf(conn.type) } })
    const { maxRows, timeoutMs } = this.bounds(conn, opts)
    const connections = this.deps.connections
    return {
      sql: statement.sql, maxRows, timeoutMs,
      async *rows(signal: AbortSignal): AsyncGenerator<RowBatch> {
        const connector = await connections.connector(conn)
        yield* connector.stream({ sql: statement.sql, params: statement.params }, { signal, maxRows, timeoutMs, batchSize: opts.batchSize })
      },
    }
  }
}

export interface GuardedStatement {
  readonly sql: string
  readonly maxRows: number
  readonly timeoutMs: number
  /** Streams the rows; aborting `signal` cancels the statement in the database. */
  rows(signal: AbortSignal): AsyncGenerator<RowBatch>
}
