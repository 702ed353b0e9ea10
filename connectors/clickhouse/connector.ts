// The ClickHouse connector (@clickhouse/client over HTTP). Works with
// ClickHouse 18.16 and newer: results as TabSeparatedWithNamesAndTypes
// streamed with backpressure; parameters bound client-side (old servers have
// no query parameters); every query is tagged with a query_id so it can be
// stopped with KILL QUERY — closing the HTTP request alone does not stop it.
import { randomUUID } from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import { pipeline } from 'node:stream'
import { ClickHouseLogLevel, createClient, ResultSet, type ClickHouseClient, type ClickHouseSettings, type Row } from '@clickhouse/client'
import { ConnectorError, type Column, type Connector, type ConnectorConfig, type RowBatch, type SchemaInfo, type StreamOptions } from '../connector'
import { streamBatches, type RowSource } from '../shared/batches'
import type { QueryLifetime } from '../shared/lifetime'
import { Gate } from '../shared/gate'
import { lookupVia } from '../shared/network'
import { resolveOptions } from '../shared/options'
import { parseConnection } from '../shared/parse-config'
import { bindPlaceholders, PlaceholderError, utcDateTime } from '../shared/placeholders'
import { ChunkReader } from '../shared/readable'
import { clickhouseConfigSchema, clickhouseCredentialsSchema } from './config'
import { chErrorCode, mapChError } from './errors'
import { introspectClickhouse } from './introspect'
import { LineCap } from './line-cap'
import { clickhousePrivileges } from './privileges'
import { chCodec, exceptionLine, unescapeTsv, type ChColumnCodec } from './types'

/** Extra time for max_execution_time (whole seconds, checked between blocks) before our own timer kills. */
const BACKSTOP_MS = 1_500
const INTROSPECT_TIMEOUT_MS = 120_000
const FORMAT = 'TabSeparatedWithNamesAndTypes'

/** A ClickHouse string literal: backslash escapes, single quotes. */
export function chString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t').replace(/\0/g, '\\0')}'`
}

/** A ClickHouse literal for client-side parameter binding. */
export function chLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'NULL'
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new PlaceholderError('NaN and Infinity cannot be bound as parameters')
    return String(v)
  }
  if (typeof v === 'bigint') return v.toString()
  // 18.x has no Bool type: booleans are UInt8.
  if (typeof v === 'boolean') return v ? '1' : '0'
  if (typeof v === 'string') return chString(v)
  if (v instanceof Date) return `toDateTime(${chString(utcDateTime(v).slice(0, 19))}, 'UTC')`
  if (Array.isArray(v)) return `[${v.map(chLiteral).join(', ')}]`
  throw new PlaceholderError(`a ${typeof v} cannot be bound as a parameter`)
}

const CH_RULES = { doubleQuotes: true, hashComments: false, backslashEscapes: true }

/** What the server lets us do about settings, from the user's `readonly` profile setting. */
export type ReadonlyLevel = '0' | '1' | '2'

/**
 * Per-query settings, by the user's profile:
 * - readonly=0: we send readonly=1 with our limits (the server applies request
 *   settings together, so the limits still take). readonly=1 refuses writes,
 *   DDL, SET/SETTINGS (the query cannot lift it) and table functions such as
 *   url() and file(), which readonly=2 would allow.
 * - readonly=2: `readonly` cannot be changed any more; we send only limits.
 * - readonly=1: no setting may be sent; the profile's own max_execution_time,
 *   our timer and KILL QUERY bound the query, our reader cuts the rows.
 */
export function chQuerySettings(level: ReadonlyLevel, timeoutMs: number, maxRows?: number): ClickHouseSettings {
  if (level === '1') return {}
  const s: ClickHouseSettings = {
    max_execution_time: Math.max(1, Math.ceil(timeoutMs / 1000)),
    timeout_overflow_mode: 'throw',
  }
  if (maxRows !== undefined) {
    // Lets the server stop early; block granularity may overshoot, we cut exactly.
    s.max_result_rows = String(maxRows + 1)
    s.result_overflow_mode = 'break'
  }
  if (level === '0') s.readonly = '1'
  return s
}

export interface ClickhouseInternals {
  /** Settings sent with every request, as a user profile would set them (tests simulate profiles with it). */
  profileSettings?: ClickHouseSettings
}

export function createClickhouseConnector(cfg: ConnectorConfig, internals: ClickhouseInternals = {}): Connector {
  const { config, credentials } = parseConnection('clickhouse', cfg, { config: clickhouseConfigSchema, credentials: clickhouseCredentialsSchema })
  const options = resolveOptions(cfg.options)
  const tls = config.ssl !== 'disable'
  const port = config.port ?? (tls ? 8443 : 8123)
  const hostPart = config.host.includes(':') && !config.host.startsWith('[') ? `[${config.host}]` : config.host
  const url = new URL(`${tls ? 'https' : 'http'}://${hostPart}:${port}`)
  // With a resolver (the service's network policy), sockets come from our own
  // agent whose lookup resolves and checks the host for every new socket;
  // the URL keeps the name, so TLS verifies it and sends it as SNI.
  const lookup = cfg.resolveHost && lookupVia(cfg.resolveHost)
  const agent = (maxSockets: number) => !lookup ? undefined : tls
    ? new https.Agent({ keepAlive: true, maxSockets, lookup, ...(config.ssl_ca && { ca: config.ssl_ca }) })
    : new http.Agent({ keepAlive: true, maxSockets, lookup })
  const mainAgent = agent(options.poolMax)
  const client: ClickHouseClient = createClient({
    url,
    pathname: config.path,
    username: config.user,
    password: credentials.password ?? '',
    database: config.database,
    application: 'nexatron',
    max_open_connections: options.poolMax,
    // Our own timers bound every request; this is only a last resort.
    request_timeout: 24 * 3_600_000,
    // Idle sockets must close before the server's keep-alive timeout (3 s by default).
    keep_alive: { enabled: true, idle_socket_ttl: Math.min(options.idleMs, 2_500) },
    compression: { response: false, request: false },
    log: { level: ClickHouseLogLevel.OFF },
    tls: tls && config.ssl_ca ? { ca_cert: Buffer.from(config.ssl_ca) } : undefined,
    clickhouse_settings: internals.profileSettings,
    ...(mainAgent && { http_agent: mainAgent }),
  })
  // KILL QUERY goes through its own small client: the main one's sockets may
  // all be busy with the very queries we need to stop.
  let control: ClickHouseClient | undefined
  let controlAgent: http.Agent | undefined
  const controlClient = () => (control ??= createClient({
    url, pathname: config.path, username: config.user, password: credentials.password ?? '', database: config.database,
    application: 'nexatron-control', max_open_connections: 2, request_timeout: 10_000,
    keep_alive: { enabled: true, idle_socket_ttl: 1_000 }, log: { level: ClickHouseLogLevel.OFF },
    tls: tls && config.ssl_ca ? { ca_cert: Buffer.from(config.ssl_ca) } : undefined,
    ...((controlAgent = agent(2)) && { http_agent: controlAgent }),
  }))
  const gate = new Gate(options.poolMax, 'clickhouse')
  let readonlyLevel: Promise<ReadonlyLevel> | undefined
  let closed = false

  /** A query of our own with a hard deadline (the client has no connect timeout). */
  async function tsv(sql: string, timeoutMs: number, settings: ClickHouseSettings = {}): Promise<string[][]> {
    const ac = new AbortController()
    const timer = setTimeout(() => ac.abort(), timeoutMs)
    try {
      const rs = await client.query({ query: sql, format: 'TabSeparated', abort_signal: ac.signal, clickhouse_settings: settings })
      const text = await rs.text()
      return text.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t').map(unescapeTsv))
    } catch (err) {
      if (ac.signal.aborted) throw new ConnectorError('unreachable', 'clickhouse', 'cannot reach the database server (timed out)', err)
      throw err
    } finally {
      clearTimeout(timer)
    }
  }

  const detectReadonly = (): Promise<ReadonlyLevel> => {
    readonlyLevel ??= tsv(`SELECT value FROM system.settings WHERE name = 'readonly'`, options.connectTimeoutMs + 2_000)
      .then((rows) => (['1', '2'].includes(rows[0]?.[0]) ? rows[0][0] : '0') as ReadonlyLevel)
    readonlyLevel.catch(() => { readonlyLevel = undefined })
    return readonlyLevel
  }

  async function kill(queryId: string): Promise<void> {
    const ac = new AbortController()
    const timer = setTimeout(() => ac.abort(), Math.min(options.connectTimeoutMs, 5_000))
    try {
      await controlClient().command({ query: `KILL QUERY WHERE query_id = ${chString(queryId)} ASYNC`, abort_signal: ac.signal })
    } catch {
      // Best effort: the request is aborted as well.
    } finally {
      clearTimeout(timer)
    }
  }

  const ensureOpen = () => {
    if (closed) throw new ConnectorError('invalid_config', 'clickhouse', 'this connector has been closed')
  }

  async function withSlot<T>(timeoutMs: number, fn: () => Promise<T>, testing = false): Promise<T> {
    ensureOpen()
    const release = await gate.acquire(options.acquireTimeoutMs)
    try {
      return await fn()
    } catch (err) {
      throw mapChError('clickhouse', err, timeoutMs, undefined, testing)
    } finally {
      release()
    }
  }

  async function test() {
    const started = performance.now()
    const version = await withSlot(options.connectTimeoutMs, async () => {
      const rows = await tsv('SELECT version()', options.connectTimeoutMs + 2_000)
      await detectReadonly()
      return rows[0]?.[0] ?? ''
    }, true)
    return { ok: true as const, version: `ClickHouse ${version}`, latency_ms: Math.round(performance.now() - started) }
  }

  async function introspect(o?: { schemas?: string[] }): Promise<SchemaInfo> {
    const databases = o?.schemas ?? config.schemas ?? [config.database]
    return withSlot(INTROSPECT_TIMEOUT_MS, async () => {
      const level = await detectReadonly()
      return introspectClickhouse((sql) => tsv(sql, INTROSPECT_TIMEOUT_MS, chQuerySettings(level, INTROSPECT_TIMEOUT_MS)), databases, chString)
    })
  }

  /** The profile's readonly level and, where the server has SQL access control, SHOW GRANTS. */
  async function privileges() {
    return withSlot(INTROSPECT_TIMEOUT_MS, async () => {
      const level = await detectReadonly()
      const settings = chQuerySettings(level, INTROSPECT_TIMEOUT_MS)
      return clickhousePrivileges(level, async (role) => {
        try {
          return (await tsv(role ? `SHOW GRANTS FOR ${role}` : 'SHOW GRANTS', INTROSPECT_TIMEOUT_MS, settings)).map((r) => r[0] ?? '')
        } catch (err) {
          // 62 SYNTAX_ERROR: a server without SQL access control (before 20.x) has no SHOW GRANTS.
          if (!role && chErrorCode(err) === 62) return null
          throw err
        }
      })
    }, true)
  }

  async function open(sql: string, params: unknown[], o: StreamOptions, life: QueryLifetime): Promise<RowSource> {
    ensureOpen()
    let text = sql.replace(/[\s;]+$/, '')
    if (params.length > 0) {
      try { text = bindPlaceholders(text, params, chLiteral, CH_RULES) } catch (err) {
        throw new ConnectorError('query_failed', 'clickhouse', `cannot bind the query parameters: ${(err as Error).message}`, err)
      }
    }
    const level = await detectReadonly()
    const queryId = `nexatron-${randomUUID()}`
    const ac = new AbortController()
    // The server sends response headers only with its first output buffer, so
    // a slow query can be stopped while we still wait for them: kill it by id.
    const offStop = life.onStop(() => { void kill(queryId).finally(() => ac.abort()) })
    let rs: ResultSet<typeof FORMAT>
    try {
      // exec, not query: the raw response passes the line cap (line-cap.ts) before the client splits it into rows.
      const res = await client.exec({
        query: `${text}\nFORMAT ${FORMAT}`,
        query_id: queryId,
        abort_signal: ac.signal,
        clickhouse_settings: chQuerySettings(level, o.timeoutMs, o.maxRows),
      })
      const capped = pipeline(res.stream, new LineCap(), () => {})
      // Errors reach the caller through the reader; the client's own logging of them (console.error) stays off, as in createClient.
      rs = ResultSet.instance({ stream: capped, format: FORMAT, query_id: queryId, response_headers: res.response_headers, log_error: () => {} })
    } finally {
      offStop()
    }
    const reader = new ChunkReader<Row[]>(rs.stream())
    let codecs: ChColumnCodec[] | null = null
    let names: string[] | null = null
    let ended = false
    let failed = false
    let done = false

    // Lines received but not yet returned (the header arrives with the first rows).
    const pending: string[] = []
    const header = async (): Promise<string[] | null> => {
      while (pending.length === 0) {
        const chunk = await reader.read(1)
        if (chunk === null) return null
        for (const line of chunk[0]) pending.push(line.text)
      }
      return pending.shift()!.split('\t').map(unescapeTsv)
    }

    return {
      columns: (): Column[] => (codecs ?? []).map((c) => c.column),
      async read(max) {
        try {
          if (!codecs) {
            names = await header()
            const types = names ? await header() : null
            if (!names || !types) throw new ConnectorError('query_failed', 'clickhouse', 'the server returned no result header')
            codecs = names.map((n, i) => chCodec(n, types[i] ?? 'String'))
          }
          const cs = codecs
          const lines: string[] = pending.splice(0, pending.length)
          if (lines.length === 0) {
            const chunk = await reader.read(Math.max(1, Math.ceil(max / 100)))
            if (chunk === null) { ended = true; return null }
            for (const rows of chunk) for (const r of rows) lines.push(r.text)
          }
          const out: unknown[][] = []
          for (const line of lines) {
            if (exceptionLine(line, cs.length)) {
              throw Object.assign(new Error(line), { code: String(chErrorCode(line) ?? '') })
            }
            const fields = line.split('\t')
            const row = new Array<unknown>(cs.length)
            for (let i = 0; i < cs.length; i++) row[i] = cs[i].parse(fields[i] ?? '\\N')
            out.push(row)
          }
          return out
        } catch (err) {
          failed = true
          throw err
        }
      },
      cancel: () => kill(queryId),
      async close(discard) {
        if (done) return
        done = true
        // Dropping the response matters as much as KILL: a query blocked on
        // writing to a paused socket only notices the kill once the socket goes.
        const drop = () => { ac.abort(); rs.close() }
        if (discard || (!ended && !failed)) {
          // Still running (or unknown): stop it in the server, then drop the HTTP response.
          if (!discard) await kill(queryId)
          drop()
          return
        }
        if (failed) drop()
      },
    }
  }

  function stream(q: { sql: string; params: unknown[] }, o: StreamOptions): AsyncIterable<RowBatch> {
    return streamBatches({
      dialect: 'clickhouse',
      options: o,
      gate,
      acquireTimeoutMs: options.acquireTimeoutMs,
      backstopMs: BACKSTOP_MS,
      open: (life) => open(q.sql, q.params ?? [], o, life),
      mapError: (err, life) => mapChError('clickhouse', err, o.timeoutMs, life),
    })
  }

  return {
    type: 'clickhouse',
    dialect: 'clickhouse',
    pool: gate,
    test,
    introspect,
    stream,
    privileges,
    async close() {
      if (closed) return
      closed = true
      await client.close().catch(() => {})
      await control?.close().catch(() => {})
      mainAgent?.destroy()
      controlAgent?.destroy()
    },
  }
}
