// SQL Server / Azure SQL through `mssql` (tedious). Queries go as RPC
// sp_executesql with typed parameters @p1, @p2..., and stream with
// `request.stream = true` through mssql's toReadableStream: rows are pushed
// into a Readable, the request is paused when it is full and resumed as the
// consumer pulls (backpressure down to the socket). Stopping (our own timer,
// the caller's signal, early return, row cap) calls request.cancel(), which
// sends a TDS ATTENTION so the server stops the query. By default every query
// runs inside a transaction that is always rolled back (config.rollback_only),
// a second read-only layer under the login's SELECT-only grants. The streaming
// rules (batches, row cap, time limit, pool slot) are the shared ones in
// connectors/shared.
import { createRequire } from 'node:module'
import type net from 'node:net'
import sql from 'mssql'
import { ConnectorError, type Connector, type ConnectorConfig, type HostResolver, type RowBatch, type SchemaInfo, type StreamOptions } from '../connector'
import { streamBatches, type RowSource } from '../shared/batches'
import { Gate } from '../shared/gate'
import { connectResolved, lookupVia } from '../shared/network'
import { resolveOptions, type ResolvedOptions } from '../shared/options'
import { parseConnection } from '../shared/parse-config'
import { ChunkReader } from '../shared/readable'
import { mssqlConfigSchema, mssqlCredentialsSchema, type MssqlConfig, type MssqlCredentials } from './config'
import { toConnectorError } from './errors'
import { introspectMssql } from './introspect'
import { mssqlPrivileges } from './privileges'
import { paramOf } from './params'
import { failOnParseErrors } from './parse-errors'
import { convertRow, planColumn, type ColumnPlan, type MssqlColumn } from './values'

/** Catalog queries get at least this long, whatever the query time limit. */
const INTROSPECT_TIMEOUT_MS = 120_000
/** How long we wait for a cancelled request to end before giving its connection back anyway. */
const SETTLE_MS = 2_000

/** tedious's SQL Server Browser client (UDP 1434), which takes a `lookup`; not in its typed exports. */
type InstanceLookup = (o: { server: string; instanceName: string; timeout: number; signal: AbortSignal; lookup?: net.LookupFunction }) => Promise<number>
const loadInstanceLookup = () => (createRequire(import.meta.url)('tedious/lib/instance-lookup') as { instanceLookup: InstanceLookup }).instanceLookup

export function createMssqlConnector(cfg: ConnectorConfig): Connector {
  const { config, credentials } = parseConnection('mssql', cfg, { config: mssqlConfigSchema, credentials: mssqlCredentialsSchema })
  const options = resolveOptions(cfg.options)
  const resolveHost = cfg.resolveHost
  // Built on first use: with a resolver and a named instance, the Browser
  // lookup (which picks the port) goes through the resolver first.
  let pool: sql.ConnectionPool | undefined
  // At most pool_max queries at once, each waiting at most acquire_timeout_ms:
  // the driver's own pool queues without bound.
  const gate = new Gate(options.poolMax, 'mssql')
  let connecting: Promise<sql.ConnectionPool> | undefined
  let closed = false

  async function openPool(): Promise<sql.ConnectionPool> {
    if (!pool) {
      let port: number | undefined
      if (resolveHost && config.instance_name) {
        // The UDP probe goes only to addresses the policy allows.
        try {
          port = await loadInstanceLookup()({
            server: config.host, instanceName: config.instance_name, timeout: Math.min(options.connectTimeoutMs, 5_000),
            signal: AbortSignal.timeout(options.connectTimeoutMs), lookup: lookupVia(resolveHost),
          })
        } catch (err) {
          throw Object.assign(new Error(`instance lookup failed: ${(err as Error).message}`), { code: 'EINSTLOOKUP', cause: err })
        }
      }
      if (closed) throw new ConnectorError('invalid_config', 'mssql', 'this connector has been closed')
      pool = new sql.ConnectionPool(poolConfig(config, credentials, options, resolveHost, port))
      // mssql emits pool-level errors (e.g. a broken idle connection); they
      // surface on the next query, so an unhandled 'error' must not crash us.
      pool.on('error', () => {})
    }
    return pool.connect()
  }

  /** Connects lazily; a failed connect is retried on the next call. */
  function ready(): Promise<sql.ConnectionPool> {
    if (closed) return Promise.reject(new ConnectorError('invalid_config', 'mssql', 'this connector has been closed'))
    connecting ??= openPool().catch((err: unknown) => {
      connecting = undefined
      throw err
    })
    return connecting
  }

  async function open(q: { sql: string; params: unknown[] }, o: StreamOptions): Promise<RowSource> {
    const params = q.params.map(paramOf)
    const connected = await ready()
    let tx: sql.Transaction | undefined
    if (config.rollback_only) {
      tx = new sql.Transaction(connected)
      await tx.begin(sql.ISOLATION_LEVEL.READ_COMMITTED)
    }
    const request = tx ? new sql.Request(tx) : new sql.Request(connected)
    request.arrayRowMode = true
    params.forEach((p, i) => request.input(`p${i + 1}`, p.type, p.value))

    let plans: ColumnPlan[] = []
    let resultSets = 0
    request.on('recordset', (columns: MssqlColumn[]) => {
      resultSets++
      if (resultSets === 1) plans = columns.map(planColumn)
    })
    const rows = request.toReadableStream({ highWaterMark: Math.max(16, o.batchSize ?? 500) })
    // Errors are read through ChunkReader; this listener keeps one raised while
    // nobody reads from being an uncaught exception.
    rows.on('error', () => {})
    const reader = new ChunkReader<unknown[]>(rows)
    let ended = false
    const finished = new Promise<void>((resolve) => {
      request.query(q.sql, () => {
        ended = true
        resolve()
      })
    })
    const settle = () => withTimeout(finished, SETTLE_MS)
    let closedSource = false

    return {
      columns: () => plans.map((p) => p.column),
      async read(max) {
        const chunk = await reader.read(max)
        if (resultSets > 1) throw new ConnectorError('query_failed', 'mssql', 'the query returned more than one result set; send a single SELECT')
        return chunk && chunk.map((r) => convertRow(plans, r))
      },
      // TDS ATTENTION; SQL Server acknowledges once the statement has stopped.
      async cancel() {
        if (!ended) request.cancel()
        await settle()
      },
      async close() {
        if (closedSource) return
        closedSource = true
        // Rows still coming (row cap reached, consumer left): stop the server.
        if (!ended) request.cancel()
        rows.destroy()
        await settle()
        // Roll back, which also gives the connection back to the pool.
        if (tx) await tx.rollback().catch(() => {})
      },
    }
  }

  function stream(q: { sql: string; params: unknown[] }, o: StreamOptions): AsyncIterable<RowBatch> {
    return streamBatches({
      dialect: 'mssql',
      options: o,
      gate,
      acquireTimeoutMs: options.acquireTimeoutMs,
      // SQL Server has no per-statement time limit; our timer is the limit.
      backstopMs: 0,
      open: () => open(q, o),
      mapError: (err) => toConnectorError(err),
    })
  }

  async function collect(text: string, params: unknown[], timeoutMs: number): Promise<unknown[][]> {
    const out: unknown[][] = []
    for await (const b of stream({ sql: text, params }, { signal: new AbortController().signal, maxRows: 10_000_000, timeoutMs })) out.push(...b.rows)
    return out
  }

  return {
    type: 'mssql',
    dialect: 'mssql',
    pool: gate,
    async test() {
      const started = performance.now()
      const rows = await collect('SELECT @@VERSION', [], options.connectTimeoutMs + 10_000)
      const version = String(rows[0]?.[0] ?? 'unknown').split('\n')[0].trim()
      return { ok: true as const, version, latency_ms: Math.round(performance.now() - started) }
    },
    introspect(opts?: { schemas?: string[] }): Promise<SchemaInfo> {
      return introspectMssql({ schemas: opts?.schemas, query: (text, params) => collect(text, params, Math.max(options.timeoutMs, INTROSPECT_TIMEOUT_MS)) })
    },
    stream,
    privileges: () => mssqlPrivileges((text) => collect(text, [], Math.max(options.timeoutMs, INTROSPECT_TIMEOUT_MS))),
    async close() {
      if (closed) return
      closed = true
      await pool?.close().catch(() => {})
    },
  }
}

function poolConfig(config: MssqlConfig, credentials: MssqlCredentials, options: ResolvedOptions, resolveHost?: HostResolver, browserPort?: number): sql.config {
  // A named instance's port, when we looked it up ourselves (through the resolver).
  const instance = browserPort === undefined ? config.instance_name : undefined
  return {
    server: config.host,
    ...(browserPort !== undefined ? { port: browserPort } : config.port && !config.instance_name && { port: config.port }),
    database: config.database,
    user: credentials.username,
    password: credentials.password,
    ...(credentials.domain && { domain: credentials.domain }),
    connectionTimeout: options.connectTimeoutMs,
    // Our own timer cancels queries (ATTENTION); tedious's would race it.
    requestTimeout: 0,
    // An answer tedious cannot parse fails its connection, not the process (parse-errors.ts).
    beforeConnect: failOnParseErrors,
    pool: {
      max: options.poolMax,
      min: 0,
      idleTimeoutMillis: options.idleMs,
      // The Gate in front bounds the wait; this only covers opening a connection.
      acquireTimeoutMillis: options.connectTimeoutMs + 5_000,
    },
    options: {
      encrypt: config.encrypt,
      trustServerCertificate: config.trust_server_certificate,
      readOnlyIntent: config.read_only_intent,
      ...(instance && { instanceName: instance }),
      // Every new connection (and a redirect to another server) resolves the
      // host through the resolver and connects to a checked address; TLS
      // still verifies the configured name.
      ...(resolveHost && {
        connector: ((o: { host: string; port: number; localAddress?: string }, _lookup: unknown, signal?: AbortSignal) =>
          connectResolved(o, resolveHost, signal)) as unknown as () => Promise<net.Socket>,
      }),
      appName: 'Nexatron',
      useUTC: true,
      enableArithAbort: true,
    },
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms)
  })
  try {
    return await Promise.race([p, timeout])
  } finally {
    clearTimeout(timer)
  }
}
