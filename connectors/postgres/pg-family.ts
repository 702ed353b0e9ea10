// The node-postgres engine behind the `postgres` and `redshift` connectors.
// Each query runs in its own read-only transaction with a server-side
// statement_timeout, through a pg-cursor portal (extended protocol: one
// statement only, rows fetched batch by batch as the consumer pulls).
import pg from 'pg'
import { ConnectorError, type Column, type ConnectionType, type Connector, type HostResolver, type LoginPrivileges, type RowBatch, type SchemaInfo, type StreamOptions } from '../connector'
import type { DialectName } from '../../semantic/types'
import { streamBatches, type RowSource } from '../shared/batches'
import { Gate } from '../shared/gate'
import type { QueryLifetime } from '../shared/lifetime'
import { lookupVia, pinnedSocket } from '../shared/network'
import type { ResolvedOptions } from '../shared/options'
import type { SqlRunner } from '../shared/schema-info'
import { cancelBackend } from './cancel'
import { CorkedCursor } from './corked-cursor'
import { PG_DEFAULT_SCHEMA } from './config'
import { mapPgError } from './errors'
import { StrictClient } from './strict-client'
import { pgColumn, pgTextParser } from './types'

export interface PgFamilySpec {
  type: ConnectionType
  dialect: DialectName
  /** Connection fields (host, port, database, user, password, ssl). */
  client: pg.ClientConfig
  options: ResolvedOptions
  introspect(run: SqlRunner, schemas: string[] | undefined): Promise<SchemaInfo>
  /** What the login may do beyond reading, from the engine's catalogs (see privileges.ts). */
  privileges(run: SqlRunner): Promise<LoginPrivileges>
  /** Default schemas for introspect() when the caller names none. */
  defaultSchemas?: string[]
  /** Human version from `SELECT version()`. */
  version(versionText: string): string
  /** Resolves (and checks) the host for every new connection; see ConnectorConfig.resolveHost. */
  resolveHost?: HostResolver
}

/**
 * Every value reaches us as the server's text and types.ts parses it, by OID:
 * node-postgres calls our parser itself as it builds each row (NULLs stay
 * null), so a row is walked once, not twice.
 */
const PG_TYPES = { getTypeParser: (oid: number) => pgTextParser(oid) }
/** Time a catalog query may take, whatever the query time limit. */
const INTROSPECT_TIMEOUT_MS = 120_000
/** Extra time for statement_timeout to trip before our own timer cancels. */
const BACKSTOP_MS = 500

interface CursorResult { fields: Array<{ name: string; dataTypeID: number }> }

export function pgVersion(text: string): string {
  const m = /^(PostgreSQL [\d.]+\w*(?: \([^)]*\))?)/.exec(text)
  return m ? m[1] : text.split(' on ')[0]
}

export function createPgFamilyConnector(spec: PgFamilySpec): Connector {
  const { type, options } = spec
  const lookup = spec.resolveHost && lookupVia(spec.resolveHost)
  const clientConfig: pg.ClientConfig = {
    ...spec.client,
    application_name: 'nexatron',
    connectionTimeoutMillis: options.connectTimeoutMs,
    keepAlive: true,
    // Each new connection resolves the host through the policy and connects
    // to the checked address; TLS still verifies the configured name.
    ...(lookup && { stream: () => pinnedSocket(lookup) }),
  }
  const pool = new pg.Pool({
    ...clientConfig,
    Client: StrictClient,
    max: options.poolMax,
    idleTimeoutMillis: options.idleMs,
    allowExitOnIdle: true,
  })
  // An idle client that loses its connection must not crash the process.
  pool.on('error', () => {})
  const gate = new Gate(options.poolMax, type)
  let closed = false

  const ensureOpen = () => {
    if (closed) throw new ConnectorError('invalid_config', type, 'this connector has been closed')
  }

  /** A pooled client for our own (catalog) queries, inside a read-only transaction. */
  async function withReadOnlyClient<T>(timeoutMs: number, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    ensureOpen()
    const release = await gate.acquire(options.acquireTimeoutMs)
    let client: pg.PoolClient | undefined
    try {
      client = await pool.connect()
      await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${Math.ceil(timeoutMs)}`)
      const out = await fn(client)
      await client.query('ROLLBACK')
      client.release()
      return out
    } catch (err) {
      client?.release(true)
      throw mapPgError(type, err, timeoutMs)
    } finally {
      release()
    }
  }

  async function test() {
    const started = performance.now()
    const version = await withReadOnlyClient(options.connectTimeoutMs + 5_000, async (c) => {
      const r = await c.query<{ v: string }>('SELECT version() AS v')
      return String(r.rows[0]?.v ?? '')
    })
    return { ok: true as const, version: spec.version(version), latency_ms: Math.round(performance.now() - started) }
  }

  async function introspect(opts?: { schemas?: string[] }): Promise<SchemaInfo> {
    const schemas = opts?.schemas ?? spec.defaultSchemas
    return withReadOnlyClient(INTROSPECT_TIMEOUT_MS, (c) =>
      spec.introspect(async (sql, params) => (await c.query(sql, params)).rows as Record<string, unknown>[], schemas))
  }

  async function privileges(): Promise<LoginPrivileges> {
    return withReadOnlyClient(INTROSPECT_TIMEOUT_MS, (c) =>
      spec.privileges(async (sql, params) => (await c.query(sql, params)).rows as Record<string, unknown>[]))
  }

  async function open(sql: string, params: unknown[], o: StreamOptions): Promise<RowSource> {
    ensureOpen()
    const client = await pool.connect()
    const key = { processID: (client as unknown as { processID: number }).processID, secretKey: (client as unknown as { secretKey: number }).secretKey }
    let cursor: CorkedCursor
    try {
      // Unqualified names resolve where the guard checked them (PG_DEFAULT_SCHEMA), not in a "$user" schema.
      await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${Math.ceil(o.timeoutMs)}; SET LOCAL search_path TO ${PG_DEFAULT_SCHEMA}`)
      cursor = client.query(new CorkedCursor(sql, params, { rowMode: 'array', types: PG_TYPES }))
    } catch (err) {
      client.release(true)
      throw err
    }
    let columns: Column[] = []
    let described = false
    let finished = false
    let failed = false
    let released = false

    const describe = (result: CursorResult | undefined) => {
      if (described) return
      described = true
      const fields = result?.fields ?? []
      columns = fields.map((f) => pgColumn(f.name, f.dataTypeID))
    }

    // One fetch from the portal: `max` rows, already parsed by column type (PG_TYPES).
    const fetchRows = (max: number) => new Promise<unknown[][] | null>((resolve, reject) => {
      cursor.read(max, (err: Error | undefined, rows: unknown[][], result?: CursorResult) => {
        if (err) { failed = true; reject(err); return }
        describe(result)
        if (rows.length === 0) { finished = true; resolve(null); return }
        resolve(rows)
      })
    })
    // Read-ahead: once a batch arrives, the next one is asked for at once, so
    // the database and the network work while the consumer encodes and sends
    // this one (one round trip per batch otherwise sits idle on the critical
    // path). At most one batch is held ahead: memory stays flat. Only rows the
    // consumer will surely want are asked for (never past maxRows + 1, the
    // row that tells `truncated`), so a capped query does no extra work.
    let ahead: Promise<unknown[][] | null> | undefined
    let delivered = 0
    const read = async (max: number): Promise<unknown[][] | null> => {
      const pending = ahead ?? fetchRows(max)
      ahead = undefined
      const rows = await pending
      if (rows === null) return null
      delivered += rows.length
      const next = Math.min(max, o.maxRows + 1 - delivered)
      // A short batch means the portal is complete: nothing to read ahead.
      if (next > 0 && rows.length >= max && !finished && !failed && !released) {
        ahead = fetchRows(next)
        ahead.catch(() => {}) // surfaced by the read that takes it
      }
      return rows
    }

    return {
      columns: () => columns,
      read,
      cancel: () => cancelBackend(clientConfig, key, Math.min(options.connectTimeoutMs, 5_000), lookup),
      close: async (discard) => {
        if (released) return
        released = true
        if (discard) { client.release(true); return }
        try {
          // A batch read ahead must land before the portal closes (one message flow at a time).
          if (ahead) await ahead.catch(() => {})
          // Closing the portal stops a statement that still has rows to give.
          if (!finished && !failed) await cursor.close()
          await client.query('ROLLBACK')
          client.release()
        } catch {
          client.release(true)
        }
      },
    }
  }

  function stream(q: { sql: string; params: unknown[] }, o: StreamOptions): AsyncIterable<RowBatch> {
    return streamBatches({
      dialect: type,
      options: o,
      gate,
      acquireTimeoutMs: options.acquireTimeoutMs,
      backstopMs: BACKSTOP_MS,
      open: () => open(q.sql, q.params ?? [], o),
      mapError: (err, life: QueryLifetime) => mapPgError(type, err, o.timeoutMs, life),
    })
  }

  return {
    type,
    dialect: spec.dialect,
    pool: gate,
    test,
    introspect,
    stream,
    privileges,
    async close() {
      if (closed) return
      closed = true
      await pool.end().catch(() => {})
    },
  }
}
