// A local HTTP server that answers snowflake-sdk's REST protocol, so the
// Snowflake connector is tested through the real driver: login, query-request
// with bindings and statement parameters, 333334 "still running" answers and
// result polling, statement abort, large results delivered as separate chunks,
// heartbeats and session delete. It never pretends to be a SQL engine: tests
// register the answer for each SQL text (see `on`), and a few built-ins cover
// what the connector itself sends (CURRENT_VERSION, INFORMATION_SCHEMA and SHOW
// KEYS over a small catalog, SYSTEM$WAIT for long queries).
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomUUID } from 'node:crypto'

/** A column as Snowflake describes it in `rowtype`. */
export interface SfColumn {
  name: string
  type: 'fixed' | 'real' | 'text' | 'boolean' | 'date' | 'time' | 'timestamp_ntz' | 'timestamp_ltz' | 'timestamp_tz' | 'variant' | 'object' | 'array' | 'binary'
  precision?: number
  scale?: number
  nullable?: boolean
}
/** Rows as they travel on the wire: every value a string (or null). */
export interface SfResult { columns: SfColumn[]; rows: Array<Array<string | null>> }
export interface SfError { code: string; message: string; sqlState: string }
export type SfAnswer = SfResult | SfError | { delayMs: number; then: SfResult | SfError }

export interface SfQueryContext { sql: string; binds: Array<string | null>; parameters: Record<string, unknown>; session: SfSession }
export type SfHandler = (ctx: SfQueryContext) => SfAnswer | undefined

export interface SfSession { token: string; username: string; database?: string; warehouse?: string; role?: string; schema?: string; sessionParameters: Record<string, unknown>; closed: boolean }

export interface SfQueryRecord {
  queryId: string
  requestId: string
  sql: string
  binds: Array<string | null>
  bindTypes: string[]
  parameters: Record<string, unknown>
  status: 'running' | 'success' | 'failed' | 'cancelled' | 'timed_out'
  errorCode?: string
}

export interface SfCatalogTable {
  schema: string
  name: string
  kind?: 'BASE TABLE' | 'VIEW'
  columns: Array<{ name: string; dataType: string; nullable?: boolean; precision?: number; scale?: number }>
  primaryKey?: string[]
  foreignKeys?: Array<{ columns: string[]; references: { schema: string; table: string; columns: string[] } }>
}

export interface SnowflakeTestServerOptions {
  users?: Record<string, string>
  /** Rows per result chunk; larger results are split into downloadable chunks. */
  chunkRows?: number
  /** How long a query-request or result poll is held before answering 333334. */
  holdMs?: number
  catalog?: { database: string; tables: SfCatalogTable[] }
  version?: string
  /**
   * The logged-in role has SELECT-only grants (default true), as the README
   * tells admins to set up: writes and DDL fail with 003001 like in Snowflake.
   */
  selectOnlyRole?: boolean
}

/** First keyword of statements a SELECT-only role may not run. */
const WRITE_STATEMENT = /^\s*(insert|update|delete|merge|create|drop|alter|truncate|grant|revoke|copy|put|remove|call|undrop|use)\b/i

const NOT_FOUND: SfError = { code: '002003', sqlState: '02000', message: 'SQL compilation error:\nObject does not exist or not authorized.' }

export class SnowflakeTestServer {
  readonly sessions = new Map<string, SfSession>()
  readonly queries: SfQueryRecord[] = []
  readonly logins: Array<{ username: string; query: Record<string, string>; sessionParameters: Record<string, unknown>; application?: string }> = []
  readonly aborts: Array<{ queryId?: string; requestId?: string }> = []
  readonly deletedSessions: string[] = []
  /** Path + method of every HTTP request, for protocol assertions. */
  readonly requests: string[] = []
  private handlers: SfHandler[] = []
  private server?: http.Server
  private running = new Map<string, { record: SfQueryRecord; done: Promise<SfResult | SfError>; cancel: () => void }>()
  private chunkStore = new Map<string, string>()
  private readonly users: Record<string, string>
  private readonly chunkRows: number
  private readonly holdMs: number
  private readonly catalog: { database: string; tables: SfCatalogTable[] }
  private readonly version: string
  private readonly selectOnlyRole: boolean

  constructor(opts: SnowflakeTestServerOptions = {}) {
    this.users = opts.users ?? { nexatron: 'secret' }
    this.chunkRows = opts.chunkRows ?? 1000
    this.holdMs = opts.holdMs ?? 100
    this.catalog = opts.catalog ?? { database: 'ANALYTICS', tables: [] }
    this.version = opts.version ?? '9.12.1'
    this.selectOnlyRole = opts.selectOnlyRole ?? true
  }

  get url(): string {
    const a = this.server?.address() as AddressInfo | null
    if (!a) throw new Error('server not started')
    return `http://127.0.0.1:${a.port}`
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.route(req, res))
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    return this
  }

  async stop(): Promise<void> {
    for (const q of this.running.values()) q.cancel()
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve())
  }

  /** Registers an answer for queries; the most recently added matching handler wins. */
  on(match: string | RegExp | ((sql: string) => boolean), answer: SfAnswer | ((ctx: SfQueryContext) => SfAnswer)): this {
    const test = typeof match === 'string' ? (s: string) => normalizeSql(s) === normalizeSql(match) : match instanceof RegExp ? (s: string) => match.test(s) : match
    this.handlers.unshift((ctx) => (test(ctx.sql) ? (typeof answer === 'function' ? answer(ctx) : answer) : undefined))
    return this
  }

  /** Queries that were still running when the server was asked to abort them. */
  cancelledQueries(): SfQueryRecord[] {
    return this.queries.filter((q) => q.status === 'cancelled')
  }

  // --- HTTP routing -------------------------------------------------------

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const body = await readBody(req)
    this.requests.push(`${req.method} ${url.pathname}`)
    const send = (status: number, payload: unknown) => {
      if (res.destroyed) return
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(payload))
    }
    try {
      if (url.pathname === '/session/v1/login-request') return send(200, this.login(url, body))
      if (url.pathname.startsWith('/chunks/')) {
        const chunk = this.chunkStore.get(url.pathname)
        if (!chunk) return send(404, { message: 'no such chunk' })
        res.writeHead(200, { 'content-type': 'application/octet-stream' })
        return void res.end(chunk)
      }
      const session = this.authenticate(req)
      if (!session) return send(401, { success: false, code: '390104', message: 'User must login again to access the service.', data: null })
      if (url.pathname === '/telemetry/send') return send(200, { success: true, data: null })
      if (url.pathname === '/session/heartbeat') return send(200, { success: true, data: null })
      if (url.pathname === '/session' && url.searchParams.get('delete') === 'true') {
        session.closed = true
        this.deletedSessions.push(session.token)
        return send(200, { success: true, data: null })
      }
      if (url.pathname === '/queries/v1/query-request') return send(200, await this.queryRequest(session, url, body))
      let m = /^\/queries\/([^/]+)\/result$/.exec(url.pathname)
      if (m) return send(200, await this.poll(m[1]))
      // Before the query id is known, the SDK cancels by request id.
      if (url.pathname === '/queries/v1/abort-request') return send(200, this.abort({ requestId: (body as { requestId?: string })?.requestId }))
      m = /^\/queries\/([^/]+)\/abort-request$/.exec(url.pathname)
      if (m) return send(200, this.abort({ queryId: m[1] }))
      send(404, { success: false, code: '390400', message: `unknown endpoint ${url.pathname}`, data: null })
    } catch (err) {
      send(500, { success: false, message: (err as Error).message })
    }
  }

  private login(url: URL, body: unknown) {
    const data = (body as { data?: Record<string, unknown> })?.data ?? {}
    const username = String(data.LOGIN_NAME ?? '')
    const sessionParameters = (data.SESSION_PARAMETERS as Record<string, unknown>) ?? {}
    const env = (data.CLIENT_ENVIRONMENT as Record<string, unknown>) ?? {}
    this.logins.push({ username, query: Object.fromEntries(url.searchParams), sessionParameters, application: env.APPLICATION as string | undefined })
    if (!(username in this.users) || this.users[username] !== data.PASSWORD) {
      return { success: false, code: '390100', message: 'Incorrect username or password was specified.', data: { nextAction: 'RETRY_LOGIN', authnMethod: 'USERNAME_PASSWORD' } }
    }
    const token = randomUUID()
    this.sessions.set(token, {
      token,
      username,
      database: url.searchParams.get('databaseName') ?? undefined,
      warehouse: url.searchParams.get('warehouse') ?? undefined,
      role: url.searchParams.get('roleName') ?? undefined,
      schema: url.searchParams.get('schemaName') ?? undefined,
      sessionParameters,
      closed: false,
    })
    return {
      success: true,
      data: {
        token,
        masterToken: `master-${token}`,
        validityInSeconds: 3600,
        masterValidityInSeconds: 14400,
        parameters: [{ name: 'TIMEZONE', value: 'UTC' }],
        sessionInfo: { databaseName: url.searchParams.get('databaseName'), warehouseName: url.searchParams.get('warehouse'), roleName: url.searchParams.get('roleName') },
      },
    }
  }

  private authenticate(req: http.IncomingMessage): SfSession | undefined {
    const m = /Snowflake Token="([^"]+)"/.exec(req.headers.authorization ?? '')
    const s = m ? this.sessions.get(m[1]) : undefined
    return s && !s.closed ? s : undefined
  }

  private async queryRequest(session: SfSession, url: URL, body: unknown) {
    const b = (body ?? {}) as { sqlText?: string; bindings?: Record<string, { type: string; value: string | null }>; parameters?: Record<string, unknown> }
    const sql = b.sqlText ?? ''
    const bindEntries = Object.entries(b.bindings ?? {}).sort((x, y) => Number(x[0]) - Number(y[0]))
    const record: SfQueryRecord = {
      queryId: randomUUID(),
      requestId: url.searchParams.get('requestId') ?? '',
      sql,
      binds: bindEntries.map(([, v]) => v.value),
      bindTypes: bindEntries.map(([, v]) => v.type),
      parameters: b.parameters ?? {},
      status: 'running',
    }
    this.queries.push(record)

    // Snowflake refuses a request whose statement count differs from
    // MULTI_STATEMENT_COUNT (session default 1); 0 means "any number".
    const wanted = Number(record.parameters.MULTI_STATEMENT_COUNT ?? session.sessionParameters.MULTI_STATEMENT_COUNT ?? 1)
    const count = countStatements(sql)
    if (wanted !== 0 && count !== wanted) {
      return this.finish(record, { code: '000008', sqlState: '0A000', message: `Actual statement count ${count} did not match the desired statement count ${wanted}.` })
    }

    if (this.selectOnlyRole && splitStatements(sql).some((st) => WRITE_STATEMENT.test(st))) {
      return this.finish(record, { code: '003001', sqlState: '42501', message: `SQL access control error:\nInsufficient privileges to operate on schema '${session.schema ?? 'PUBLIC'}'` })
    }
    const answer = this.answer({ sql, binds: record.binds, parameters: record.parameters, session })
    if (!('delayMs' in answer)) return this.finish(record, answer)

    // A long query: run it "in the background" and answer 333334 while it runs.
    const timeoutS = Number(record.parameters.STATEMENT_TIMEOUT_IN_SECONDS ?? session.sessionParameters.STATEMENT_TIMEOUT_IN_SECONDS ?? 0)
    let cancel!: () => void
    const done = new Promise<SfResult | SfError>((resolve) => {
      const timers: NodeJS.Timeout[] = []
      timers.push(setTimeout(() => resolve(answer.then), answer.delayMs))
      if (timeoutS > 0 && timeoutS * 1000 < answer.delayMs) {
        timers.push(setTimeout(() => {
          record.status = 'timed_out'
          resolve({ code: '000630', sqlState: '57014', message: `Statement reached its statement or warehouse timeout of ${timeoutS} second(s) and was canceled.` })
        }, timeoutS * 1000))
      }
      cancel = () => {
        timers.forEach(clearTimeout)
        resolve({ code: '000604', sqlState: '57014', message: 'SQL execution canceled' })
      }
    })
    this.running.set(record.queryId, { record, done, cancel })
    return this.poll(record.queryId)
  }

  /** Holds a result request up to holdMs; answers the result or 333334. */
  private async poll(queryId: string) {
    const run = this.running.get(queryId)
    if (!run) {
      const rec = this.queries.find((q) => q.queryId === queryId)
      return rec ? { success: false, code: '000709', message: `Statement ${queryId} not found`, data: { queryId } } : { success: false, code: '000709', message: 'Statement not found', data: null }
    }
    const hold = new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), this.holdMs))
    const outcome = await Promise.race([run.done, hold])
    if (outcome === 'pending') {
      return { success: true, code: '333334', message: 'Asynchronous execution in progress. Use provided query id to perform query monitoring and management.', data: { queryId, getResultUrl: `/queries/${queryId}/result` } }
    }
    this.running.delete(queryId)
    return this.finish(run.record, outcome)
  }

  private abort(ref: { queryId?: string; requestId?: string }) {
    this.aborts.push(ref)
    const rec = this.queries.find((q) => (ref.queryId && q.queryId === ref.queryId) || (ref.requestId && q.requestId === ref.requestId))
    const run = rec && this.running.get(rec.queryId)
    if (rec && run && rec.status === 'running') {
      rec.status = 'cancelled'
      run.cancel()
    }
    return { success: true, data: null }
  }

  private answer(ctx: SfQueryContext): SfAnswer {
    for (const h of this.handlers) {
      const a = h(ctx)
      if (a) return a
    }
    return this.builtin(ctx) ?? NOT_FOUND
  }

  private finish(record: SfQueryRecord, outcome: SfResult | SfError) {
    if ('code' in outcome) {
      if (record.status === 'running') record.status = 'failed'
      record.errorCode = outcome.code
      return { success: false, code: outcome.code, message: outcome.message, data: { queryId: record.queryId, sqlState: outcome.sqlState, errorCode: outcome.code } }
    }
    record.status = 'success'
    const rowtype = outcome.columns.map((c) => ({
      name: c.name,
      type: c.type,
      precision: c.type === 'fixed' ? (c.precision ?? 38) : null,
      scale: c.type === 'fixed' || c.type.startsWith('time') ? (c.scale ?? (c.type === 'fixed' ? 0 : 9)) : null,
      nullable: c.nullable ?? true,
      length: c.type === 'text' ? 16777216 : null,
      byteLength: c.type === 'text' ? 16777216 : null,
      database: '', schema: '', table: '', collation: null,
    }))
    const data: Record<string, unknown> = {
      queryId: record.queryId,
      rowtype,
      total: outcome.rows.length,
      returned: outcome.rows.length,
      queryResultFormat: 'json',
      statementTypeId: 4096,
      parameters: [
        { name: 'TIMEZONE', value: 'UTC' },
        { name: 'DATE_OUTPUT_FORMAT', value: 'YYYY-MM-DD' },
        { name: 'TIMESTAMP_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM' },
        { name: 'BINARY_OUTPUT_FORMAT', value: 'HEX' },
      ],
    }
    if (outcome.rows.length <= this.chunkRows) {
      data.rowset = outcome.rows
    } else {
      // Like Snowflake: the first rows inline is optional; we send none and
      // deliver everything as chunks the driver downloads one by one.
      data.rowset = []
      const chunks: Array<{ url: string; rowCount: number; uncompressedSize: number; compressedSize: number }> = []
      for (let i = 0; i < outcome.rows.length; i += this.chunkRows) {
        const slice = outcome.rows.slice(i, i + this.chunkRows)
        const path: string = `/chunks/${record.queryId}/${chunks.length}`
        const text = slice.map((r) => JSON.stringify(r)).join(',')
        this.chunkStore.set(path, text)
        chunks.push({ url: `${this.url}${path}`, rowCount: slice.length, uncompressedSize: text.length, compressedSize: text.length })
      }
      data.chunks = chunks
      data.chunkHeaders = { 'x-test-chunk': '1' }
    }
    return { success: true, data, code: null, message: null }
  }

  // --- built-in answers for what the connector itself asks ------------------

  private builtin(ctx: SfQueryContext): SfAnswer | undefined {
    const sql = normalizeSql(ctx.sql)
    if (/^select current_version\(\)/.test(sql)) return result([{ name: 'CURRENT_VERSION()', type: 'text' }], [[this.version]])
    const wait = /system\$wait\((\d+(?:\.\d+)?)\)/.exec(sql)
    if (wait) return { delayMs: Number(wait[1]) * 1000, then: result([{ name: 'SYSTEM$WAIT', type: 'text' }], [[`waited ${wait[1]} seconds`]]) }
    if (sql.includes('information_schema.tables')) return this.infoTables(ctx)
    if (sql.includes('information_schema.columns')) return this.infoColumns(ctx)
    if (sql.startsWith('show primary keys')) return this.showPrimaryKeys()
    if (sql.startsWith('show imported keys')) return this.showImportedKeys()
    return undefined
  }

  /** The schema filter the connector binds (`IN (?, ?)`), if any. */
  private schemaFilter(ctx: SfQueryContext): (s: string) => boolean {
    if (!/table_schema\s+in\s*\(/i.test(ctx.sql)) return () => true
    const wanted = new Set(ctx.binds.map((b) => String(b).toUpperCase()))
    return (s) => wanted.has(s.toUpperCase())
  }

  private infoTables(ctx: SfQueryContext): SfResult {
    const keep = this.schemaFilter(ctx)
    return result(
      [{ name: 'TABLE_SCHEMA', type: 'text' }, { name: 'TABLE_NAME', type: 'text' }, { name: 'TABLE_TYPE', type: 'text' }],
      this.catalog.tables.filter((t) => keep(t.schema)).map((t) => [t.schema, t.name, t.kind ?? 'BASE TABLE']),
    )
  }

  private infoColumns(ctx: SfQueryContext): SfResult {
    const keep = this.schemaFilter(ctx)
    const rows: Array<Array<string | null>> = []
    for (const t of this.catalog.tables.filter((x) => keep(x.schema))) {
      t.columns.forEach((c, i) => rows.push([t.schema, t.name, c.name, c.dataType, c.nullable === false ? 'NO' : 'YES', c.precision == null ? null : String(c.precision), c.scale == null ? null : String(c.scale), String(i + 1)]))
    }
    return result(
      [
        { name: 'TABLE_SCHEMA', type: 'text' }, { name: 'TABLE_NAME', type: 'text' }, { name: 'COLUMN_NAME', type: 'text' }, { name: 'DATA_TYPE', type: 'text' },
        { name: 'IS_NULLABLE', type: 'text' }, { name: 'NUMERIC_PRECISION', type: 'fixed', precision: 9 }, { name: 'NUMERIC_SCALE', type: 'fixed', precision: 9 }, { name: 'ORDINAL_POSITION', type: 'fixed', precision: 9 },
      ],
      rows,
    )
  }

  private showPrimaryKeys(): SfResult {
    const rows: Array<Array<string | null>> = []
    for (const t of this.catalog.tables) {
      ;(t.primaryKey ?? []).forEach((col, i) => rows.push(['1700000000.000', this.catalog.database, t.schema, t.name, col, String(i + 1), `PK_${t.name}`, 'false', null]))
    }
    return result(
      [
        { name: 'created_on', type: 'timestamp_ltz' }, { name: 'database_name', type: 'text' }, { name: 'schema_name', type: 'text' }, { name: 'table_name', type: 'text' },
        { name: 'column_name', type: 'text' }, { name: 'key_sequence', type: 'fixed', precision: 9 }, { name: 'constraint_name', type: 'text' }, { name: 'rely', type: 'text' }, { name: 'comment', type: 'text' },
      ],
      rows,
    )
  }

  private showImportedKeys(): SfResult {
    const rows: Array<Array<string | null>> = []
    for (const t of this.catalog.tables) {
      for (const fk of t.foreignKeys ?? []) {
        fk.columns.forEach((col, i) => rows.push([
          '1700000000.000', this.catalog.database, fk.references.schema, fk.references.table, fk.references.columns[i],
          this.catalog.database, t.schema, t.name, col, String(i + 1), 'NO ACTION', 'NO ACTION', `FK_${t.name}_${fk.references.table}`, `PK_${fk.references.table}`, 'NOT DEFERRABLE', 'false', null,
        ]))
      }
    }
    return result(
      [
        { name: 'created_on', type: 'timestamp_ltz' }, { name: 'pk_database_name', type: 'text' }, { name: 'pk_schema_name', type: 'text' }, { name: 'pk_table_name', type: 'text' },
        { name: 'pk_column_name', type: 'text' }, { name: 'fk_database_name', type: 'text' }, { name: 'fk_schema_name', type: 'text' }, { name: 'fk_table_name', type: 'text' },
        { name: 'fk_column_name', type: 'text' }, { name: 'key_sequence', type: 'fixed', precision: 9 }, { name: 'update_rule', type: 'text' }, { name: 'delete_rule', type: 'text' },
        { name: 'fk_name', type: 'text' }, { name: 'pk_name', type: 'text' }, { name: 'deferrability', type: 'text' }, { name: 'rely', type: 'text' }, { name: 'comment', type: 'text' },
      ],
      rows,
    )
  }
}

/** Builds a result from wire values. */
export function result(columns: SfColumn[], rows: Array<Array<string | null>>): SfResult {
  return { columns, rows }
}

export function sfError(code: string, message: string, sqlState = '42000'): SfError {
  return { code, message, sqlState }
}

export function normalizeSql(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim().replace(/;$/, '').trim().toLowerCase()
}

/** Statements separated by `;` outside quotes and comments (comments dropped). */
export function splitStatements(sql: string): string[] {
  const out: string[] = []
  let current = ''
  let i = 0
  const flush = () => { if (current.trim()) out.push(current.trim()); current = '' }
  while (i < sql.length) {
    const ch = sql[i]
    if (ch === "'" || ch === '"') {
      const end = sql.indexOf(ch, i + 1)
      const stop = end === -1 ? sql.length : end + 1
      current += sql.slice(i, stop)
      i = stop
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i)
      i = end === -1 ? sql.length : end
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2)
      i = end === -1 ? sql.length : end + 2
    } else if (ch === ';') {
      flush()
      i++
    } else {
      current += ch
      i++
    }
  }
  flush()
  return out
}

export function countStatements(sql: string): number {
  return splitStatements(sql).length
}

function readBody(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      if (!text) return resolve(undefined)
      try {
        resolve(JSON.parse(text))
      } catch {
        resolve(text)
      }
    })
    req.on('error', reject)
  })
}
