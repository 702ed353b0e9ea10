// The PGlite connector. PGlite is one Postgres session in WebAssembly on our
// own thread, so:
// - there is exactly one session: streams take it in turn (pool size 1), and a
//   stream holds PGlite's transaction lock until it ends or hits its limit;
// - a statement cannot be interrupted while it runs (no statement_timeout, no
//   cancel): rows are fetched through a server-side cursor in batches, and the
//   time limit and the AbortSignal are checked between batches.
// Reads run in a READ ONLY transaction; the query is wrapped in DECLARE CURSOR,
// which accepts only SELECT/VALUES and a single statement.
import { PGlite, type Transaction } from '@electric-sql/pglite'
import { ConnectorError, type Column, type Connector, type ConnectorConfig, type ConnectorOptions, type RowBatch, type SchemaInfo, type StreamOptions } from '../connector'
import { introspectPostgres } from '../postgres/introspect'
import { mapPgError } from '../postgres/errors'
import { pgVersion } from '../postgres/pg-family'
import { KNOWN_OIDS, pgColumn, pgParser } from '../postgres/types'
import { streamBatches, type RowSource } from '../shared/batches'
import { Gate } from '../shared/gate'
import { resolveOptions } from '../shared/options'
import { parseConnection } from '../shared/parse-config'
import { pgliteConfigSchema, pgliteCredentialsSchema } from './config'

export interface PgliteConnectorInit {
  /** An open instance (e.g. the demo warehouse). The caller owns it: close() leaves it open. */
  db?: PGlite
  /** Otherwise a data directory (`memory://` by default), opened on first use and closed by close(). */
  data_dir?: string
  /** Default schemas for introspect(). */
  schemas?: string[]
  options?: ConnectorOptions
}

/** Identity parsers for every type types.ts handles, so PGlite hands us text. */
const RAW_PARSERS: Record<number, (v: string) => string> = Object.fromEntries(KNOWN_OIDS.map((oid) => [oid, (v: string) => v]))
const CURSOR = 'nexatron_cursor'

interface Session { tx: Transaction; end(): Promise<void> }

/** Opens a transaction that stays open (holding PGlite's lock) until end(); it always rolls back. */
function openSession(db: PGlite): Promise<Session> {
  return new Promise((resolve, reject) => {
    let finish!: () => void
    const finished = new Promise<void>((r) => { finish = r })
    let opened = false
    const done: Promise<void> = db.transaction(async (tx) => {
      opened = true
      resolve({ tx, end: async () => { finish(); await done.catch(() => {}) } })
      await finished
      if (!tx.closed) await tx.rollback()
    })
    done.catch((err) => { if (!opened) reject(err) })
  })
}

function isConnectorConfig(x: PgliteConnectorInit | ConnectorConfig): x is ConnectorConfig {
  return 'type' in x && (x as ConnectorConfig).type === 'pglite'
}

export function createPgliteConnector(init: PgliteConnectorInit | ConnectorConfig): Connector {
  let opts: PgliteConnectorInit
  if (isConnectorConfig(init)) {
    const { config } = parseConnection('pglite', init, { config: pgliteConfigSchema, credentials: pgliteCredentialsSchema })
    opts = { data_dir: config.data_dir, schemas: config.schemas, options: init.options }
  } else {
    opts = init
  }
  const options = resolveOptions(opts.options)
  // One WebAssembly session: a single slot, whatever pool_max says.
  const gate = new Gate(1, 'pglite')
  const owned = !opts.db
  let dbPromise: Promise<PGlite> | undefined = opts.db ? Promise.resolve(opts.db) : undefined
  let closed = false

  const database = (): Promise<PGlite> => {
    if (closed) return Promise.reject(new ConnectorError('invalid_config', 'pglite', 'this connector has been closed'))
    dbPromise ??= PGlite.create(opts.data_dir ?? 'memory://').catch((err: unknown) => {
      dbPromise = undefined
      throw new ConnectorError('unreachable', 'pglite', 'could not open the embedded database', err)
    })
    return dbPromise
  }

  async function withSession<T>(timeoutMs: number, fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const release = await gate.acquire(options.acquireTimeoutMs)
    try {
      const session = await openSession(await database())
      try {
        await session.tx.query('SET TRANSACTION READ ONLY')
        return await fn(session.tx)
      } finally {
        await session.end()
      }
    } catch (err) {
      throw mapPgError('pglite', err, timeoutMs)
    } finally {
      release()
    }
  }

  async function test() {
    const started = performance.now()
    const version = await withSession(options.timeoutMs, async (tx) => String((await tx.query<{ v: string }>('SELECT version() AS v')).rows[0]?.v ?? ''))
    return { ok: true as const, version: pgVersion(version), latency_ms: Math.round(performance.now() - started) }
  }

  async function introspect(o?: { schemas?: string[] }): Promise<SchemaInfo> {
    return withSession(options.timeoutMs, (tx) =>
      introspectPostgres(async (sql, params) => (await tx.query<Record<string, unknown>>(sql, params)).rows, o?.schemas ?? opts.schemas))
  }

  async function open(sql: string, params: unknown[]): Promise<RowSource> {
    const session = await openSession(await database())
    const { tx } = session
    try {
      await tx.query('SET TRANSACTION READ ONLY')
      await tx.query(`DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${sql}`, params)
    } catch (err) {
      await session.end()
      throw err
    }
    let columns: Column[] = []
    let parsers: Array<(v: unknown) => unknown> = []
    let described = false
    let ended = false
    let closedSession = false
    return {
      columns: () => columns,
      async read(max) {
        if (ended) return null
        // PGlite answers without touching the event loop; yield a macrotask so
        // timers (our time limit) and I/O (an abort from the client) can run.
        await new Promise<void>((r) => setImmediate(r))
        const r = await tx.query<unknown[]>(`FETCH FORWARD ${Math.max(1, Math.floor(max))} FROM ${CURSOR}`, [], { rowMode: 'array', parsers: RAW_PARSERS })
        if (!described) {
          described = true
          columns = r.fields.map((f) => pgColumn(f.name, f.dataTypeID))
          parsers = r.fields.map((f) => pgParser(f.dataTypeID))
        }
        if (r.rows.length < max) ended = true
        if (r.rows.length === 0) return null
        const rows = r.rows as unknown[][]
        for (const row of rows) for (let i = 0; i < parsers.length; i++) row[i] = parsers[i](row[i])
        return rows
      },
      // A running WebAssembly statement cannot be interrupted; stopping between batches is all there is.
      cancel: async () => {},
      async close() {
        if (closedSession) return
        closedSession = true
        await session.end()
      },
    }
  }

  function stream(q: { sql: string; params: unknown[] }, o: StreamOptions): AsyncIterable<RowBatch> {
    return streamBatches({
      dialect: 'pglite',
      options: o,
      gate,
      acquireTimeoutMs: options.acquireTimeoutMs,
      backstopMs: 0,
      open: () => open(q.sql, q.params ?? []),
      mapError: (err, life) => mapPgError('pglite', err, o.timeoutMs, life),
    })
  }

  return {
    type: 'pglite',
    dialect: 'postgres',
    pool: gate,
    test,
    introspect,
    stream,
    // The embedded database is Nexatron's own (the demo warehouse, rebuilt at
    // start) and every session is read-only: there is no customer login to vet.
    privileges: async () => ({ level: 'read_only' as const, findings: [] }),
    async close() {
      if (closed) return
      closed = true
      if (owned && dbPromise) {
        const db = await dbPromise.catch(() => undefined)
        await db?.close().catch(() => {})
      }
    },
  }
}
