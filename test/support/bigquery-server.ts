// A local HTTP server that answers the BigQuery REST API v2 the way
// @google-cloud/bigquery uses it, so the BigQuery connector is tested through
// the real client: jobs.insert (with maximumBytesBilled, jobTimeoutMs, typed
// query parameters), getQueryResults with `jobComplete: false` while a job
// runs, pageToken paging, jobs.cancel, datasets.list and error bodies in
// Google's format. It is not a SQL engine: tests register the answer for each
// SQL text (`on`), and built-ins cover what the connector itself sends
// (`SELECT 1`, the INFORMATION_SCHEMA views of a small catalog).
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomUUID } from 'node:crypto'

export interface BqField { name: string; type: string; mode?: 'NULLABLE' | 'REQUIRED' | 'REPEATED'; fields?: BqField[]; /** Parameterized NUMERIC/BIGNUMERIC/STRING types. */ precision?: string; scale?: string }
/** Wire cell values: strings (TIMESTAMP as microseconds), null, arrays for REPEATED, arrays of cells for RECORD. */
export type BqCell = string | null | BqCell[] | { record: BqCell[] }
export interface BqResult { fields: BqField[]; rows: BqCell[][]; bytesProcessed?: number }
export interface BqError { status: number; reason: string; message: string }
export type BqAnswer = BqResult | BqError | { delayMs: number; then: BqResult | BqError }

export interface BqJobRecord {
  jobId: string
  location?: string
  sql: string
  configuration: Record<string, unknown>
  queryParameters: Array<{ name?: string; parameterType: { type: string }; parameterValue: { value?: string } }>
  parameterMode?: string
  state: 'RUNNING' | 'DONE'
  outcome?: BqResult | BqError
  cancelled: boolean
  timedOut: boolean
}

export interface BqCatalogTable {
  dataset: string
  name: string
  kind?: 'BASE TABLE' | 'VIEW'
  columns: Array<{ name: string; dataType: string; nullable?: boolean }>
  primaryKey?: string[]
  foreignKeys?: Array<{ columns: string[]; references: { dataset: string; table: string; columns: string[] } }>
}

export interface BigQueryTestServerOptions {
  projectId?: string
  /** Bearer tokens the server accepts. */
  tokens?: string[]
  /** How long getQueryResults holds a request for a running job before `jobComplete: false`. */
  holdMs?: number
  catalog?: BqCatalogTable[]
}

export class BigQueryTestServer {
  readonly jobs: BqJobRecord[] = []
  readonly cancels: string[] = []
  /** `METHOD path?query` of every request. */
  readonly requests: string[] = []
  private handlers: Array<(sql: string, job: BqJobRecord) => BqAnswer | undefined> = []
  private server?: http.Server
  private waits = new Map<string, { done: Promise<void>; finish: (o: BqResult | BqError) => void }>()
  readonly projectId: string
  private readonly tokens: Set<string>
  private readonly holdMs: number
  private readonly catalog: BqCatalogTable[]

  constructor(opts: BigQueryTestServerOptions = {}) {
    this.projectId = opts.projectId ?? 'nexatron-test'
    this.tokens = new Set(opts.tokens ?? ['test-access-token'])
    this.holdMs = opts.holdMs ?? 100
    this.catalog = opts.catalog ?? []
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
    for (const w of this.waits.values()) w.finish({ status: 400, reason: 'stopped', message: 'server stopped' })
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve())
  }

  on(match: string | RegExp | ((sql: string) => boolean), answer: BqAnswer | ((sql: string, job: BqJobRecord) => BqAnswer)): this {
    const test = typeof match === 'string' ? (s: string) => norm(s) === norm(match) : match instanceof RegExp ? (s: string) => match.test(s) : match
    this.handlers.unshift((sql, job) => (test(sql) ? (typeof answer === 'function' ? answer(sql, job) : answer) : undefined))
    return this
  }

  // --- HTTP ------------------------------------------------------------------

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const body = await readJson(req)
    this.requests.push(`${req.method} ${url.pathname}${url.search}`)
    const send = (status: number, payload: unknown) => {
      if (res.destroyed) return
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' })
      res.end(JSON.stringify(payload))
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    if (!token || !this.tokens.has(token)) {
      return send(401, googleError(401, 'authError', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', 'UNAUTHENTICATED'))
    }
    const prefix = `/bigquery/v2/projects/${this.projectId}/`
    if (!url.pathname.startsWith(prefix)) return send(404, googleError(404, 'notFound', `Not found: Project ${url.pathname.split('/')[4] ?? ''}`, 'NOT_FOUND'))
    const rest = url.pathname.slice(prefix.length)
    try {
      if (req.method === 'POST' && rest === 'jobs') return send(200, this.insertJob(body as Record<string, unknown>))
      let m = /^jobs\/([^/]+)\/cancel$/.exec(rest)
      if (req.method === 'POST' && m) return send(200, this.cancelJob(m[1]))
      m = /^queries\/([^/]+)$/.exec(rest)
      if (req.method === 'GET' && m) {
        const [status, payload] = await this.getQueryResults(m[1], url.searchParams)
        return send(status, payload)
      }
      if (req.method === 'GET' && rest === 'datasets') return send(200, this.listDatasets())
      send(404, googleError(404, 'notFound', `Unknown endpoint ${rest}`, 'NOT_FOUND'))
    } catch (err) {
      send(500, googleError(500, 'backendError', (err as Error).message, 'INTERNAL'))
    }
  }

  private insertJob(body: Record<string, unknown>) {
    const configuration = (body.configuration ?? {}) as Record<string, unknown>
    const query = (configuration.query ?? {}) as Record<string, unknown>
    const ref = (body.jobReference ?? {}) as { jobId?: string; location?: string }
    const job: BqJobRecord = {
      jobId: ref.jobId ?? randomUUID(),
      location: ref.location,
      sql: String(query.query ?? ''),
      configuration,
      queryParameters: (query.queryParameters as BqJobRecord['queryParameters']) ?? [],
      parameterMode: query.parameterMode as string | undefined,
      state: 'RUNNING',
      cancelled: false,
      timedOut: false,
    }
    this.jobs.push(job)
    const answer = this.answer(job)
    const max = query.maximumBytesBilled === undefined ? Infinity : Number(query.maximumBytesBilled)
    const immediate = 'delayMs' in answer ? undefined : answer
    if (immediate) {
      this.complete(job, this.billingCheck(immediate, max))
    } else if ('delayMs' in answer) {
      // A long job: it finishes later, unless cancelled or past jobTimeoutMs.
      let finish!: (o: BqResult | BqError) => void
      const done = new Promise<void>((resolve) => {
        const timers: NodeJS.Timeout[] = []
        finish = (o) => {
          timers.forEach(clearTimeout)
          if (job.state === 'RUNNING') this.complete(job, o)
          this.waits.delete(job.jobId)
          resolve()
        }
        timers.push(setTimeout(() => finish(this.billingCheck(answer.then, max)), answer.delayMs))
        const jobTimeout = Number(configuration.jobTimeoutMs ?? 0)
        if (jobTimeout > 0 && jobTimeout < answer.delayMs) {
          timers.push(setTimeout(() => {
            job.timedOut = true
            finish({ status: 400, reason: 'timeout', message: `Job execution was cancelled: Job timed out after ${Math.round(jobTimeout / 1000)} sec` })
          }, jobTimeout))
        }
      })
      this.waits.set(job.jobId, { done, finish })
    }
    return this.jobResource(job)
  }

  private billingCheck(o: BqResult | BqError, max: number): BqResult | BqError {
    if ('fields' in o && (o.bytesProcessed ?? 0) > max) {
      return { status: 400, reason: 'bytesBilledLimitExceeded', message: `Query exceeded limit for bytes billed: ${max}. ${o.bytesProcessed} or higher required.` }
    }
    return o
  }

  private complete(job: BqJobRecord, outcome: BqResult | BqError) {
    job.state = 'DONE'
    job.outcome = outcome
  }

  private jobResource(job: BqJobRecord) {
    const err = job.outcome && 'reason' in job.outcome ? job.outcome : undefined
    return {
      kind: 'bigquery#job',
      id: `${this.projectId}:${job.location ?? 'US'}.${job.jobId}`,
      jobReference: { projectId: this.projectId, jobId: job.jobId, location: job.location ?? 'US' },
      configuration: job.configuration,
      status: {
        state: job.state,
        ...(err && { errorResult: { reason: err.reason, message: err.message }, errors: [{ reason: err.reason, message: err.message }] }),
      },
      statistics: { creationTime: String(Date.now()) },
    }
  }

  private cancelJob(jobId: string) {
    this.cancels.push(jobId)
    const job = this.jobs.find((j) => j.jobId === jobId)
    if (!job) return googleError(404, 'notFound', `Not found: Job ${this.projectId}:${jobId}`, 'NOT_FOUND')
    if (job.state === 'RUNNING') {
      job.cancelled = true
      this.waits.get(jobId)?.finish({ status: 400, reason: 'stopped', message: 'Job execution was cancelled: User requested cancellation' })
    }
    return { kind: 'bigquery#jobCancelResponse', job: this.jobResource(job) }
  }

  private async getQueryResults(jobId: string, qs: URLSearchParams): Promise<[number, unknown]> {
    const job = this.jobs.find((j) => j.jobId === jobId)
    if (!job) return [404, googleError(404, 'notFound', `Not found: Job ${this.projectId}:${jobId}`, 'NOT_FOUND')]
    if (job.state === 'RUNNING') {
      const wait = this.waits.get(jobId)
      const hold = Math.min(this.holdMs, Number(qs.get('timeoutMs') ?? this.holdMs))
      await Promise.race([wait?.done, new Promise((r) => setTimeout(r, hold))])
    }
    const ref = { projectId: this.projectId, jobId, location: job.location ?? 'US' }
    if (job.state === 'RUNNING') return [200, { kind: 'bigquery#getQueryResultsResponse', jobReference: ref, jobComplete: false }]
    const outcome = job.outcome!
    if ('reason' in outcome) return [outcome.status, googleError(outcome.status, outcome.reason, outcome.message, outcome.status === 403 ? 'PERMISSION_DENIED' : 'INVALID_ARGUMENT')]
    const start = Number(qs.get('pageToken') ?? qs.get('startIndex') ?? 0)
    const max = qs.has('maxResults') ? Number(qs.get('maxResults')) : 100_000
    const slice = outcome.rows.slice(start, start + max)
    const int64Timestamps = qs.get('formatOptions.useInt64Timestamp') === 'true'
    const next = start + slice.length < outcome.rows.length ? String(start + slice.length) : undefined
    return [200, {
      kind: 'bigquery#getQueryResultsResponse',
      jobReference: ref,
      schema: { fields: outcome.fields },
      totalRows: String(outcome.rows.length),
      rows: slice.map((r) => encodeRow(outcome.fields, r, int64Timestamps)),
      ...(next && { pageToken: next }),
      totalBytesProcessed: String(outcome.bytesProcessed ?? 0),
      jobComplete: true,
      cacheHit: false,
    }]
  }

  private listDatasets() {
    const names = [...new Set(this.catalog.map((t) => t.dataset))].sort()
    return {
      kind: 'bigquery#datasetList',
      datasets: names.map((d) => ({ kind: 'bigquery#dataset', id: `${this.projectId}:${d}`, datasetReference: { projectId: this.projectId, datasetId: d }, location: 'US' })),
    }
  }

  private answer(job: BqJobRecord): BqAnswer {
    for (const h of this.handlers) {
      const a = h(job.sql, job)
      if (a) return a
    }
    return this.builtin(job.sql) ?? { status: 400, reason: 'invalidQuery', message: `Syntax error: Unexpected query for this test server: ${job.sql.slice(0, 60)}` }
  }

  // --- built-ins -------------------------------------------------------------

  private builtin(sql: string): BqAnswer | undefined {
    if (norm(sql) === 'select 1') return { fields: [{ name: 'f0_', type: 'INTEGER', mode: 'NULLABLE' }], rows: [['1']] }
    const m = /`([^`]+)\.([^`.]+)`\.INFORMATION_SCHEMA\.(\w+)/i.exec(sql)
    if (!m || m[1] !== this.projectId) return undefined
    const dataset = m[2]
    const tables = this.catalog.filter((t) => t.dataset === dataset)
    const s = (name: string, type = 'STRING'): BqField => ({ name, type, mode: 'NULLABLE' })
    switch (m[3].toUpperCase()) {
      case 'TABLES':
        return { fields: [s('table_name'), s('table_type')], rows: tables.map((t) => [t.name, t.kind ?? 'BASE TABLE']) }
      case 'COLUMNS':
        return { fields: [s('table_name'), s('column_name'), s('data_type'), s('is_nullable')], rows: tables.flatMap((t) => t.columns.map((c) => [t.name, c.name, c.dataType, c.nullable === false ? 'NO' : 'YES'])) }
      case 'KEY_COLUMN_USAGE': {
        const rows: BqCell[][] = []
        for (const t of tables) {
          ;(t.primaryKey ?? []).forEach((c, i) => rows.push([t.name, `${t.name}.pk$`, 'PRIMARY KEY', c, String(i + 1), null]))
          ;(t.foreignKeys ?? []).forEach((fk, n) => {
            const target = this.catalog.find((x) => x.dataset === fk.references.dataset && x.name === fk.references.table)
            fk.columns.forEach((c, i) => rows.push([t.name, `${t.name}.fk${n}`, 'FOREIGN KEY', c, String(i + 1), String((target?.primaryKey ?? fk.references.columns).indexOf(fk.references.columns[i]) + 1)]))
          })
        }
        return { fields: [s('table_name'), s('constraint_name'), s('constraint_type'), s('column_name'), s('ordinal_position', 'INTEGER'), s('position_in_unique_constraint', 'INTEGER')], rows }
      }
      case 'CONSTRAINT_COLUMN_USAGE': {
        const rows: BqCell[][] = []
        for (const t of tables) {
          ;(t.primaryKey ?? []).forEach((c) => rows.push([`${t.name}.pk$`, dataset, t.name, c]))
          ;(t.foreignKeys ?? []).forEach((fk, n) => fk.references.columns.forEach((c) => rows.push([`${t.name}.fk${n}`, fk.references.dataset, fk.references.table, c])))
        }
        return { fields: [s('constraint_name'), s('table_schema'), s('table_name'), s('column_name')], rows }
      }
      default:
        return undefined
    }
  }
}

/** Builds a result from wire values. */
export function bqResult(fields: BqField[], rows: BqCell[][], bytesProcessed?: number): BqResult {
  return { fields, rows, bytesProcessed }
}

export function bqError(status: number, reason: string, message: string): BqError {
  return { status, reason, message }
}

function googleError(code: number, reason: string, message: string, status: string) {
  return { error: { code, message, errors: [{ message, domain: 'global', reason }], status } }
}

/** Cells in REST form: {v}, REPEATED as [{v}], RECORD as {f:[{v}]}; TIMESTAMP per format options. */
function encodeRow(fields: BqField[], row: BqCell[], int64Timestamps: boolean): { f: Array<{ v: unknown }> } {
  return { f: fields.map((field, i) => ({ v: encodeValue(field, row[i], int64Timestamps, field.mode === 'REPEATED') })) }
}

function encodeValue(field: BqField, value: BqCell, int64Timestamps: boolean, repeated: boolean): unknown {
  if (value === null || value === undefined) return null
  if (repeated) return (value as BqCell[]).map((x) => ({ v: encodeValue(field, x, int64Timestamps, false) }))
  if (field.type === 'RECORD' || field.type === 'STRUCT') return encodeRow(field.fields ?? [], (value as { record: BqCell[] }).record, int64Timestamps)
  if (field.type === 'TIMESTAMP' && !int64Timestamps) return (Number(value) / 1e6).toExponential()
  return value
}

function norm(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim().replace(/;$/, '').trim().toLowerCase()
}

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      try {
        resolve(text ? JSON.parse(text) : undefined)
      } catch {
        resolve(undefined)
      }
    })
    req.on('error', reject)
  })
}
