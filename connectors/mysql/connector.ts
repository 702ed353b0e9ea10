// The MySQL / MariaDB connector (mysql2, text protocol, streamed rows).
// Each query: one SET that makes the session read-only and sets the server's
// own time limit and row cap, START TRANSACTION READ ONLY, the statement
// (multi-statements are off at the protocol level), ROLLBACK.
import net from 'node:net'
import mysql from 'mysql2'
import type { FieldPacket, PoolConnection, PoolOptions, SslOptions, TypeCast } from 'mysql2'
import { ConnectorError, type Column, type Connector, type ConnectorConfig, type RowBatch, type SchemaInfo, type StreamOptions } from '../connector'
import { streamBatches, type RowSource } from '../shared/batches'
import { Gate } from '../shared/gate'
import { lookupVia } from '../shared/network'
import { resolveOptions } from '../shared/options'
import { parseConnection } from '../shared/parse-config'
import { bindPlaceholders, PlaceholderError, utcDateTime } from '../shared/placeholders'
import { ChunkReader } from '../shared/readable'
import { plainTcpAuthPlugins } from './auth'
import { mysqlConfigSchema, mysqlCredentialsSchema } from './config'
import { mapMysqlError } from './errors'
import { introspectMysql } from './introspect'
import { mysqlPrivileges } from './privileges'
import { capPackets } from './capped-connection'
import { mysqlCodec, type MysqlColumnCodec } from './types'

/** Every value arrives as raw bytes; types.ts decides per column. */
const RAW: TypeCast = (field) => field.buffer()
const INTROSPECT_TIMEOUT_MS = 120_000
/** Extra time for max_statement_time to trip before our own timer kills the query. */
const BACKSTOP_MS = 500

interface Flavor {
  mariadb: boolean
  /** Display form, e.g. `MariaDB 10.11.19`, `MySQL 8.0.36`. */
  version: string
  readOnlyVar: string
  timeoutSet(ms: number): string
}

export function mysqlFlavor(versionText: string): Flavor {
  const mariadb = /mariadb/i.test(versionText)
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(versionText)
  const [major, minor] = m ? [Number(m[1]), Number(m[2])] : [0, 0]
  const version = `${mariadb ? 'MariaDB' : 'MySQL'} ${m ? m[0] : versionText}`
  if (mariadb) {
    return {
      mariadb, version,
      // Renamed to transaction_read_only in MariaDB 11.1.
      readOnlyVar: major > 11 || (major === 11 && minor >= 1) ? 'transaction_read_only' : 'tx_read_only',
      timeoutSet: (ms) => `SESSION max_statement_time = ${(Math.ceil(ms) / 1000).toFixed(3)}`,
    }
  }
  return {
    mariadb, version,
    readOnlyVar: 'transaction_read_only',
    // MySQL's limit applies to read-only SELECTs, which is all we run.
    timeoutSet: (ms) => `SESSION max_execution_time = ${Math.ceil(ms)}`,
  }
}

/** A MySQL literal for client-side binding (NO_BACKSLASH_ESCAPES is cleared per query). */
export function mysqlLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'NULL'
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new PlaceholderError('NaN and Infinity cannot be bound as parameters')
    return String(v)
  }
  if (typeof v === 'bigint') return v.toString()
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE'
  if (typeof v === 'string') return mysql.escape(v)
  if (v instanceof Date) return `'${utcDateTime(v)}'`
  if (v instanceof Uint8Array) return `X'${Buffer.from(v).toString('hex')}'`
  if (Array.isArray(v)) {
    if (v.length === 0) throw new PlaceholderError('an empty array cannot be bound as a parameter')
    return v.map((x) => { if (Array.isArray(x)) throw new PlaceholderError('nested arrays cannot be bound'); return mysqlLiteral(x) }).join(', ')
  }
  throw new PlaceholderError(`a ${typeof v} cannot be bound as a parameter`)
}

const MYSQL_RULES = { doubleQuotes: true, hashComments: true, backslashEscapes: true }

export function createMysqlConnector(cfg: ConnectorConfig): Connector {
  const { config, credentials } = parseConnection('mysql', cfg, { config: mysqlConfigSchema, credentials: mysqlCredentialsSchema })
  const options = resolveOptions(cfg.options)
  // mysql2 takes its own TLS shape: verifyIdentity is the host-name check of verify-full.
  const ssl: SslOptions | undefined = config.ssl === 'disable' ? undefined : {
    ca: config.ssl_ca,
    cert: config.ssl_cert,
    key: credentials.ssl_key,
    passphrase: credentials.ssl_key_passphrase,
    rejectUnauthorized: config.ssl !== 'require',
    verifyIdentity: config.ssl === 'verify-full',
  }
  const lookup = cfg.resolveHost && lookupVia(cfg.resolveHost)
  const connection: PoolOptions = {
    host: config.host,
    port: config.port,
    user: config.user,
    password: credentials.password ?? '',
    database: config.database,
    ssl,
    connectTimeout: options.connectTimeoutMs,
    // One statement per call, and no LOAD DATA LOCAL (a hostile server could ask for our files).
    multipleStatements: false,
    flags: ['-MULTI_STATEMENTS', '-LOCAL_FILES'],
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    charset: 'UTF8MB4_UNICODE_CI',
    enableKeepAlive: true,
    connectAttributes: { program_name: 'nexatron' },
    // Without TLS, never send the password encrypted with a key the server supplies (see auth.ts).
    ...(!ssl && { authPlugins: plainTcpAuthPlugins() }),
    // Each new connection resolves the host through the policy and connects to
    // the checked address; TLS still verifies the configured name (mysql2 uses
    // config.host for servername).
    ...(lookup && {
      stream: () => {
        const socket = net.connect({ host: config.host, port: config.port, lookup })
        socket.setNoDelay(true)
        socket.once('connect', () => socket.setKeepAlive(true))
        return socket
      },
    }),
  }
  const pool = mysql.createPool({
    ...connection,
    // mysql2 runs its idle sweep only when maxIdle < connectionLimit. The gate
    // below never lets more than poolMax out at once, so the extra slot is never
    // used; it only switches on eviction after idleTimeout.
    connectionLimit: options.poolMax + 1,
    maxIdle: options.poolMax,
    idleTimeout: options.idleMs,
    waitForConnections: true,
    queueLimit: 0,
  })
  // A pooled connection that dies while idle must not crash the process, nor
  // may a server make it buffer an unbounded packet (packet-cap.ts).
  pool.on('connection', (c) => { c.on('error', () => {}); capPackets(c) })
  const gate = new Gate(options.poolMax, 'mysql')
  let flavor: Promise<Flavor> | undefined
  let closed = false

  const getConnection = (): Promise<PoolConnection> => new Promise((resolve, reject) => {
    if (closed) { reject(new ConnectorError('invalid_config', 'mysql', 'this connector has been closed')); return }
    pool.getConnection((err, conn) => (err ? reject(mapMysqlError('mysql', err, options.timeoutMs, undefined, true)) : resolve(conn)))
  })
  const run = <T = unknown>(conn: PoolConnection, sql: string, values?: unknown[], objects = false): Promise<T> =>
    new Promise((resolve, reject) => {
      conn.query({ sql, values, rowsAsArray: !objects, typeCast: true }, (err, rows) => (err ? reject(err) : resolve(rows as T)))
    })
  const detect = (conn: PoolConnection): Promise<Flavor> => {
    flavor ??= run<unknown[][]>(conn, 'SELECT VERSION()').then((rows) => mysqlFlavor(String(rows[0][0])))
    flavor.catch(() => { flavor = undefined })
    return flavor
  }

  /** KILL QUERY from a fresh, unpooled connection (the pool may be the thing that is full). */
  const kill = (threadId: number | null): Promise<void> => new Promise((resolve) => {
    if (threadId === null) { resolve(); return }
    const c = mysql.createConnection({ ...connection, database: undefined, connectTimeout: Math.min(options.connectTimeoutMs, 5_000) })
    c.on('error', () => {})
    capPackets(c)
    c.query(`KILL QUERY ${Math.trunc(threadId)}`, () => { c.destroy(); resolve() })
  })

  async function withConnection<T>(fn: (conn: PoolConnection) => Promise<T>): Promise<T> {
    const release = await gate.acquire(options.acquireTimeoutMs)
    let conn: PoolConnection | undefined
    try {
      conn = await getConnection()
      const out = await fn(conn)
      conn.release()
      return out
    } catch (err) {
      conn?.destroy()
      throw mapMysqlError('mysql', err, INTROSPECT_TIMEOUT_MS)
    } finally {
      release()
    }
  }

  async function test() {
    const started = performance.now()
    const f = await withConnection((conn) => detect(conn))
    return { ok: true as const, version: f.version, latency_ms: Math.round(performance.now() - started) }
  }

  async function introspect(o?: { schemas?: string[] }): Promise<SchemaInfo> {
    const schemas = o?.schemas ?? config.schemas ?? [config.database]
    return withConnection(async (conn) => {
      const f = await detect(conn)
      // Pooled sessions keep the last query's row cap: reset it for catalog reads.
      await run(conn, `SET ${f.timeoutSet(INTROSPECT_TIMEOUT_MS)}, SESSION sql_select_limit = DEFAULT`)
      return introspectMysql((sql, params) => run<Record<string, unknown>[]>(conn, sql, params, true), schemas, f.mariadb)
    })
  }

  /** SHOW GRANTS (and SHOW GRANTS FOR the login's roles) in a read-only session. */
  async function privileges() {
    return withConnection(async (conn) => {
      const f = await detect(conn)
      await run(conn, `SET SESSION ${f.readOnlyVar} = 1, ${f.timeoutSet(INTROSPECT_TIMEOUT_MS)}`)
      return mysqlPrivileges(async (sql) => (await run<unknown[][]>(conn, sql)).map((r) => String(r[0])))
    })
  }

  async function open(sql: string, params: unknown[], o: StreamOptions): Promise<RowSource> {
    let text = sql
    if (params.length > 0) {
      try { text = bindPlaceholders(sql, params, mysqlLiteral, MYSQL_RULES) } catch (err) {
        throw new ConnectorError('query_failed', 'mysql', `cannot bind the query parameters: ${(err as Error).message}`, err)
      }
    }
    const conn = await getConnection()
    try {
      const f = await detect(conn)
      await run(conn, `SET SESSION ${f.readOnlyVar} = 1, ${f.timeoutSet(o.timeoutMs)}, SESSION sql_select_limit = ${o.maxRows + 1},
        SESSION net_write_timeout = ${Math.ceil(o.timeoutMs / 1000) + 30},
        SESSION sql_mode = TRIM(BOTH ',' FROM REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', ''))`)
      await run(conn, 'START TRANSACTION READ ONLY')
    } catch (err) {
      conn.destroy()
      throw err
    }
    const threadId = conn.threadId
    const query = conn.query({ sql: text, rowsAsArray: true, typeCast: RAW })
    let codecs: MysqlColumnCodec[] | null = null
    let resultSets = 0
    query.on('fields', (fields: FieldPacket[] | undefined) => {
      // mysql2 also announces statements without a result set, with no fields.
      if (!fields) return
      resultSets++
      if (!codecs) codecs = fields.map((fp) => mysqlCodec(fp))
    })
    const rowStream = query.stream({ highWaterMark: 1_000 })
    // A connection that breaks under a streamed query (a reset, the packet cap) reports it on the
    // connection, not the query, which has no callback: fail the rows, or the read waits for the timeout.
    const broken = (err: Error) => { rowStream.destroy(err) }
    conn.on('error', broken)
    const reader = new ChunkReader<unknown>(rowStream)
    let ended = false
    let failed = false
    let released = false

    return {
      columns: (): Column[] => (codecs ?? []).map((c) => c.column),
      async read(max) {
        let chunk: unknown[] | null
        try { chunk = await reader.read(max) } catch (err) { failed = true; throw err }
        if (resultSets > 1) throw new ConnectorError('query_failed', 'mysql', 'the statement returned more than one result set (CALL is not supported)')
        if (chunk === null) { ended = true; return null }
        const cs = codecs ?? []
        const rows: unknown[][] = []
        // Statements without a result set push an OK packet instead of rows.
        for (const raw of chunk) {
          if (!Array.isArray(raw)) continue
          const row = new Array<unknown>(cs.length)
          for (let i = 0; i < cs.length; i++) row[i] = cs[i].parse(raw[i] as Buffer | null)
          rows.push(row)
        }
        return rows
      },
      cancel: () => kill(threadId),
      async close(discard) {
        if (released) return
        released = true
        conn.off('error', broken)
        if (discard) { conn.destroy(); return }
        if (!ended && !failed) {
          // Rows still flowing: stop the statement, drop the half-read connection.
          await kill(threadId)
          conn.destroy()
          return
        }
        try {
          await run(conn, 'ROLLBACK')
          conn.release()
        } catch {
          conn.destroy()
        }
      },
    }
  }

  function stream(q: { sql: string; params: unknown[] }, o: StreamOptions): AsyncIterable<RowBatch> {
    return streamBatches({
      dialect: 'mysql',
      options: o,
      gate,
      acquireTimeoutMs: options.acquireTimeoutMs,
      backstopMs: BACKSTOP_MS,
      open: () => open(q.sql, q.params ?? [], o),
      mapError: (err, life) => mapMysqlError('mysql', err, o.timeoutMs, life),
    })
  }

  return {
    type: 'mysql',
    dialect: 'mysql',
    pool: gate,
    test,
    introspect,
    stream,
    privileges,
    async close() {
      if (closed) return
      closed = true
      await new Promise<void>((resolve) => pool.end(() => resolve()))
    },
  }
}
