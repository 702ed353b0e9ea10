// Sending fuzzed requests through `app.request()` and judging the answers.
//
// Every answer must: be below 500; carry X-Request-Id and the rate-limit
// headers; on 4xx be exactly the error envelope whose request_id equals the
// X-Request-Id header; never contain a stack trace, an internal path or a
// secret; and, for event streams, never carry an `internal_error` event.
// Problems are collected (not thrown) so one run reports every distinct bug.
import fc from 'fast-check'

export interface FuzzRequest {
  method: string
  /** Path with query string, as sent. */
  path: string
  headers: Array<[string, string]>
  body?: Uint8Array
  /** Which generator made it and for which operation (shown in reports). */
  source: string
}

export interface Violation { key: string; problem: string; request: FuzzRequest; status: number; excerpt: string; count: number }

export interface FuzzRules {
  /** Strings that must never appear in a response (keys, master secrets, stored credentials). */
  secrets: string[]
  timeoutMs: number
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/
// Stack frames ("at fn (/path/file.ts:1:2)", "at /path/file.js:1:2") and internal locations.
const INTERNALS: Array<[RegExp, string]> = [
  [/\bat (?:async )?[\w$.<>\[\] ]+ \((?:file:\/\/|node:|\/)[^)]*\)/, 'a stack frame'],
  [/\bat (?:file:\/\/|node:internal|\/)[^\s]+:\d+:\d+/, 'a stack frame'],
  [/\.(?:ts|js|mjs|cjs):\d+:\d+/, 'a source location'],
  [/\/work\//, 'an internal path (/work/)'],
  [/node_modules/, 'an internal path (node_modules)'],
  // Errors of the metadata store (never the user's warehouse, whose errors are the user's to see).
  [/violates (?:not-null|unique|foreign key|check) constraint|invalid byte sequence for encoding|unsupported Unicode escape sequence/i, 'a raw metadata-store error'],
]

export class FuzzLog {
  requests = 0
  unsendable = 0
  readonly byStatus = new Map<number, number>()
  readonly bySource = new Map<string, number>()
  /** Milliseconds spent per source, to tune numRuns. */
  readonly msBySource = new Map<string, number>()
  private readonly violations = new Map<string, Violation>()

  constructor(private readonly rules: FuzzRules) {}

  get serverErrors() { return [...this.violations.values()].filter((v) => v.key.startsWith('5xx')).reduce((n, v) => n + v.count, 0) }

  list(): Violation[] { return [...this.violations.values()] }

  private add(problem: string, req: FuzzRequest, status: number, excerpt: string) {
    // One entry per kind of problem, operation and status: the first example is kept.
    const kind = problem.replace(/:.*$/, '')
    const key = `${kind} | ${req.source} | ${status}`
    const v = this.violations.get(key)
    if (v) v.count++
    else this.violations.set(key, { key, problem, request: req, status, excerpt, count: 1 })
  }

  /** Sends one request and records every rule it breaks. */
  async send(app: { request(input: Request): Response | Promise<Response> }, req: FuzzRequest): Promise<{ status: number; text: string } | undefined> {
    let request: Request
    const abort = new AbortController()
    try {
      const headers = new Headers()
      for (const [k, v] of req.headers) headers.append(k, v)
      const withBody = req.body !== undefined && req.method !== 'GET' && req.method !== 'HEAD'
      request = new Request(`http://localhost${req.path}`, { method: req.method, headers, body: withBody ? req.body : undefined, signal: abort.signal })
    } catch {
      this.unsendable++ // not expressible as an HTTP request (bad header byte, forbidden method)
      return undefined
    }
    this.requests++
    this.bySource.set(req.source, (this.bySource.get(req.source) ?? 0) + 1)
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), this.rules.timeoutMs) })
    let outcome: { res: Response; text: string } | 'timeout'
    const started = performance.now()
    try {
      outcome = await Promise.race([
        (async () => { const res = await app.request(request); return { res, text: await res.text() } })(),
        timeout,
      ])
    } catch (err) {
      this.add(`crash: app.request threw ${(err as Error)?.name}`, req, 0, String((err as Error)?.message).slice(0, 300))
      return undefined
    } finally {
      clearTimeout(timer)
      this.msBySource.set(req.source, (this.msBySource.get(req.source) ?? 0) + performance.now() - started)
    }
    if (outcome === 'timeout') {
      abort.abort()
      this.add(`timeout: no complete answer within ${this.rules.timeoutMs} ms`, req, 0, '')
      return undefined
    }
    const { res, text } = outcome
    this.byStatus.set(res.status, (this.byStatus.get(res.status) ?? 0) + 1)
    for (const p of this.judge(req, res, text)) this.add(p, req, res.status, text.slice(0, 400))
    return { status: res.status, text }
  }

  private judge(req: FuzzRequest, res: Response, text: string): string[] {
    const problems: string[] = []
    const requestId = res.headers.get('x-request-id')
    if (res.status >= 500) problems.push(`5xx: answered ${res.status}`)
    if (!requestId) problems.push('headers: no X-Request-Id')
    const incoming = req.headers.find(([k]) => k.toLowerCase() === 'x-request-id')?.[1]
    // The fuzzed app trusts no proxy: a caller's id is never taken as the request's (it could name someone else's request).
    if (incoming && requestId === incoming) problems.push(`headers: a direct caller's X-Request-Id (${incoming}) was kept`)
    if (requestId && !SAFE_REQUEST_ID.test(requestId)) problems.push(`headers: X-Request-Id ${requestId} is not a safe id`)
    for (const h of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) if (!/^\d+$/.test(res.headers.get(h) ?? '')) problems.push(`headers: ${h} missing`)
    if (res.status >= 400 && req.method !== 'HEAD') problems.push(...envelopeProblems(text, res, requestId))
    // Error answers never echo the input in bulk (60,000 unknown fields once came back as 2.5 MB).
    if (res.status >= 400 && text.length > MAX_ERROR_ANSWER_CHARS) problems.push(`echo: a ${res.status} answer of ${text.length} characters`)
    if ((res.headers.get('content-type') ?? '').startsWith('text/csv')) problems.push(...csvProblems(text, res))
    if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) problems.push(...streamProblems(text, requestId))
    // Leaks: secrets anywhere; internals unless the request itself carried them (echoed input is not a leak).
    const sent = `${safeDecode(req.path)}\n${req.body ? Buffer.from(req.body).toString('utf8') : ''}`
    const headerText = [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')
    for (const s of this.rules.secrets) if (s && (text.includes(s) || headerText.includes(s))) problems.push(`leak: a secret (${s.slice(0, 6)}…) in the response`)
    for (const [re, what] of INTERNALS) {
      const m = re.exec(text)
      if (m && !sent.includes(m[0])) problems.push(`leak: ${what} in the response (${m[0].slice(0, 80)})`)
    }
    return problems
  }

  /** A readable report of every violation, for assertion messages. */
  report(violations = this.list(), limit = 25): string {
    return violations.slice(0, limit).map((v) => {
      const body = v.request.body ? Buffer.from(v.request.body).toString('utf8') : ''
      const headers = v.request.headers.map(([k, val]) => `${k}: ${redact(val, this.rules.secrets).slice(0, 120)}`).join(' | ')
      return [
        `- ${v.problem} (x${v.count}) [${v.key}]`,
        `    request: ${v.request.method} ${v.request.path.slice(0, 300)}`,
        `    headers: ${headers}`,
        `    body (${v.request.body?.length ?? 0} bytes): ${JSON.stringify(body.slice(0, 300))}`,
        `    answer: ${v.excerpt.slice(0, 300)}`,
      ].join('\n')
    }).join('\n')
  }

  /** The sources that took longest, e.g. "body:runQuery 5.2s/40". */
  slowest(n = 8): string {
    return [...this.msBySource.entries()].sort(([, a], [, b]) => b - a).slice(0, n)
      .map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)}s/${this.bySource.get(k)}`).join(', ')
  }

  summary(): string {
    const statuses = [...this.byStatus.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}:${n}`).join(' ')
    return `${this.requests} requests, ${this.serverErrors} 5xx, ${this.list().length} distinct violations (statuses ${statuses}; ${this.unsendable} unsendable skipped)`
  }
}

const redact = (v: string, secrets: string[]) => secrets.reduce((s, x) => (x ? s.split(x).join('<secret>') : s), v)

function safeDecode(p: string): string {
  try { return decodeURIComponent(p) } catch { return p }
}

const MAX_ERROR_ANSWER_CHARS = 32_000

/** A CSV download: an attachment, and no unquoted cell a spreadsheet would run as a formula. */
function csvProblems(text: string, res: Response): string[] {
  const problems: string[] = []
  if (!/^attachment; filename="qry_[A-Za-z0-9]+\.csv"$/.test(res.headers.get('content-disposition') ?? '')) problems.push('csv: no attachment Content-Disposition')
  const bad = unquotedCells(text).find((cell) => /^[=+@\t\r]|^-(?![\d.])/.test(cell))
  if (bad !== undefined) problems.push(`csv: a formula cell (${bad.slice(0, 80)})`)
  return problems
}

/** The cells of an RFC 4180 text that are not quoted. */
function unquotedCells(text: string): string[] {
  const cells: string[] = []
  let i = 0
  while (i < text.length) {
    if (text[i] === '"') {
      // Skip a quoted cell ("" is an escaped quote).
      i++
      while (i < text.length && !(text[i] === '"' && text[i + 1] !== '"')) i += text[i] === '"' ? 2 : 1
      i++
    } else {
      let j = i
      while (j < text.length && text[j] !== ',' && !(text[j] === '\r' && text[j + 1] === '\n')) j++
      cells.push(text.slice(i, j))
      i = j
    }
    if (text[i] === ',') i++
    else if (text[i] === '\r' && text[i + 1] === '\n') i += 2
  }
  return cells
}

function envelopeProblems(text: string, res: Response, requestId: string | null): string[] {
  if (!(res.headers.get('content-type') ?? '').startsWith('application/json')) return [`envelope: ${res.status} with content-type ${res.headers.get('content-type')}`]
  let body: unknown
  try { body = JSON.parse(text) } catch { return [`envelope: ${res.status} body is not JSON`] }
  const e = (body as { error?: Record<string, unknown> })?.error
  const problems: string[] = []
  if (!e || typeof e !== 'object') return [`envelope: ${res.status} without an error object`]
  if (Object.keys(body as object).length !== 1) problems.push('envelope: extra top-level fields')
  if (typeof e.code !== 'string' || !e.code) problems.push('envelope: error.code missing')
  if (typeof e.message !== 'string' || !e.message) problems.push('envelope: error.message missing')
  if (!Array.isArray(e.details)) problems.push('envelope: error.details is not an array')
  if (e.request_id !== requestId) problems.push('envelope: error.request_id differs from X-Request-Id')
  return problems
}

function streamProblems(text: string, requestId: string | null): string[] {
  const problems: string[] = []
  for (const block of text.split(/\n\n/)) {
    if (!/^event: error$/m.test(block)) continue
    const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n')
    try {
      const e = JSON.parse(data).error
      if (e?.code === 'internal_error') problems.push('5xx-in-stream: an internal_error event')
      if (e?.request_id !== requestId) problems.push('envelope: stream error event request_id differs from X-Request-Id')
    } catch {
      problems.push('envelope: stream error event is not the JSON envelope')
    }
  }
  return problems
}

// ---------------------------------------------------------------------------
// Headers, bodies, paths

export const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'))

export interface Credentials { admin: string; viewerToken: string; readOnlyKey: string }

/** Authorization headers: mostly the admin key, plus every way a header can be wrong. */
export function authorizationArb(c: Credentials): fc.Arbitrary<string[]> {
  return fc.oneof(
    { arbitrary: fc.constant<string[]>([`Bearer ${c.admin}`]), weight: 24 },
    { arbitrary: fc.constantFrom<string[]>([`Bearer ${c.viewerToken}`], [`Bearer ${c.readOnlyKey}`], [`bearer ${c.admin}`], [`Bearer   ${c.admin}   `]), weight: 3 },
    {
      arbitrary: fc.oneof(
        fc.constant([] as string[]),
        fc.constantFrom<string[]>(['Bearer'], ['Bearer '], ['Basic YWRtaW46YWRtaW4='], [c.admin], ['Bearer nxa_'], ['Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'],
          [`Bearer ${c.admin}`, `Bearer ${c.admin}`], [`Bearer ${c.admin}`, 'Bearer nxa_other'], [`Bearer ${c.admin}x`], [`Bearer ${c.admin.toUpperCase()}`],
          [`Bearer ${'A'.repeat(20_000)}`], [`Bearer nxa_${'a'.repeat(10_000)}`], ['Bearer \u00ff\u00fe'], [`Bearer ${c.viewerToken}.x`]),
        fc.string({ maxLength: 60 }).map((s) => [`Bearer ${s}`]),
        fc.stringMatching(/^[A-Za-z0-9]{43}$/).map((s) => [`Bearer nxa_${s}`]),
      ),
      weight: 3,
    },
  )
}

export const contentTypeArb: fc.Arbitrary<string[]> = fc.oneof(
  { arbitrary: fc.constant<string[]>(['application/json']), weight: 20 },
  {
    arbitrary: fc.constantFrom<string[]>(
      [], ['application/json; charset=utf-8'], ['APPLICATION/JSON'], ['application/json;charset=latin1'], ['application/vnd.api+json'],
      ['application/merge-patch+json'], ['text/plain'], ['application/x-www-form-urlencoded'], ['multipart/form-data; boundary=xyz'],
      ['application/xml'], [''], ['*/*'], ['application/json', 'text/plain'], ['application/json', 'application/json'], ['application/jsonx'],
      ['json'], ['application/json; boundary=";"'], ['text/event-stream'], ['application/json;;;'],
    ),
    weight: 4,
  },
)

export const requestIdArb: fc.Arbitrary<string[]> = fc.oneof(
  { arbitrary: fc.constant([] as string[]), weight: 8 },
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9._:-]{8,40}$/).map((s) => [s]), weight: 2 },
  { arbitrary: fc.constantFrom<string[]>(['short'], ['x'.repeat(500)], ['req id with spaces'], ['<script>'], ['a\u00ffb-c-d-e-f'], ['fuzz-0001', 'fuzz-0002'], ['../../etc']), weight: 1 },
)

/** Other headers a client might send: accept variants, forwarded-for spoofing, junk. */
export const extraHeadersArb: fc.Arbitrary<Array<[string, string]>> = fc.oneof(
  { arbitrary: fc.constant([] as Array<[string, string]>), weight: 6 },
  {
    arbitrary: fc.subarray<[string, string]>([
      ['accept', 'text/event-stream'], ['accept', 'text/csv'], ['accept', '*/*;q=0'], ['x-forwarded-for', '127.0.0.1, 10.0.0.1'],
      ['x-forwarded-for', 'not an ip'], ['x-real-ip', '::1'], ['origin', 'https://evil.example'], ['x-http-method-override', 'DELETE'],
      ['x-tenant-id', 'ten_other'], ['cookie', 'session=abc'], ['range', 'bytes=0-10'], ['if-none-match', '*'], ['expect', '100-continue'],
      ['content-encoding', 'gzip'], ['transfer-encoding', 'chunked'], ['content-length', '0'], ['content-length', '999999999'],
      ['x-long', 'v'.repeat(16_000)],
    ], { minLength: 1, maxLength: 3 }),
    weight: 1,
  },
)

/** How a JSON value is put on the wire: mostly faithfully, sometimes broken. */
export function encodedBodyArb(value: fc.Arbitrary<unknown>): fc.Arbitrary<{ how: string; bytes?: Uint8Array }> {
  const BAD_BYTES = [[0xff], [0xfe, 0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0x00]]
  return fc.tuple(value, fc.nat(), fc.constantFrom(...BAD_BYTES), fc.oneof(
    { arbitrary: fc.constant('json'), weight: 14 },
    { arbitrary: fc.constantFrom('invalid-utf8-in-string', 'invalid-utf8-anywhere', 'duplicate-key', 'truncated', 'trailing-garbage', 'bom', 'utf16', 'empty', 'whitespace', 'nan-literal', 'comment', 'single-quotes', 'padded-over-limit', 'none'), weight: 6 },
  )).map(([v, n, bad, how]) => {
    const json = JSON.stringify(v) ?? ''
    const bytes = Buffer.from(json, 'utf8')
    const splice = (at: number) => new Uint8Array(Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]))
    switch (how) {
      case 'none': return { how }
      case 'invalid-utf8-in-string': {
        // Inside the first string literal when there is one.
        const q = json.indexOf('"')
        return { how, bytes: splice(q >= 0 ? q + 1 : 0) }
      }
      case 'invalid-utf8-anywhere': return { how, bytes: splice(bytes.length ? n % bytes.length : 0) }
      case 'duplicate-key': {
        if (!json.startsWith('{') || json === '{}') return { how, bytes: utf8(json) }
        const key = json.slice(1, json.indexOf('":') + 1) || '"x"'
        return { how, bytes: utf8(`{${key}:${JSON.stringify(['dup', null][n % 2])},${json.slice(1)}`) }
      }
      case 'truncated': return { how, bytes: utf8(json.slice(0, json.length ? n % json.length : 0)) }
      case 'trailing-garbage': return { how, bytes: utf8(`${json}${['}', ',', ' x', '\u0000', ']]]', '{"a":1}'][n % 6]}`) }
      case 'bom': return { how, bytes: utf8(`\ufeff${json}`) }
      case 'utf16': return { how, bytes: new Uint8Array(Buffer.from(json, 'utf16le')) }
      case 'empty': return { how, bytes: new Uint8Array() }
      case 'whitespace': return { how, bytes: utf8(' \n\t ') }
      case 'nan-literal': return { how, bytes: utf8(json.replace(/:(\s*)("[^"]*"|\d+|true|false|null)/, ':NaN')) }
      case 'comment': return { how, bytes: utf8(`/* c */${json}// end`) }
      case 'single-quotes': return { how, bytes: utf8(json.replace(/"/g, "'")) }
      case 'padded-over-limit': return { how, bytes: utf8(' '.repeat(1_100_000) + json) }
      default: return { how, bytes: utf8(json) }
    }
  })
}

const SEGMENTS = [
  'api', 'v1', 'v2', 'query', 'stream', 'history', 'cancel', 'connections', 'test', 'schema', 'semantic', 'metrics', 'dimensions', 'models',
  'import', 'validate', 'sample-values', 'refresh', 'users', 'auth', 'login', 'logout', 'me', 'api-keys', 'webhook-secret', 'health',
  'openapi.json', 'docs', 'scim', 'Users', 'Groups', 'audit-log', 'analytics', 'usage', 'admin', '..', '.', '%2e%2e', '%2E%2E%2F', '%00',
  '%ff', '%c0%ae', '', '~', '*', '{id}', ':id', '%7Bid%7D', 'null', 'undefined', '0', '-1', 'qry_', 'conn_', '%20', '%0d%0aSet-Cookie:x=1',
  'x'.repeat(2_000), '%E2%80%AE', '%F0%9F%98%80', ';', '@', '$',
]

/** Random paths: mostly near the real API, sometimes anywhere. */
export function randomPathArb(realIds: string[]): fc.Arbitrary<string> {
  const segment = fc.oneof(
    { arbitrary: fc.constantFrom(...SEGMENTS), weight: 6 },
    { arbitrary: fc.constantFrom(...realIds), weight: 2 },
    { arbitrary: fc.string({ maxLength: 12 }).map(encodeURIComponent), weight: 2 },
  )
  const query = fc.oneof(
    { arbitrary: fc.constant(''), weight: 4 },
    { arbitrary: fc.array(fc.tuple(fc.constantFrom('limit', 'cursor', 'connection_id', 'status', 'refresh', 'format', 'x', ''), fc.oneof(fc.constantFrom('1', '0', '-1', '101', 'abc', '', '%00', 'true', '1e3', '[]'), fc.string({ maxLength: 10 }).map(encodeURIComponent))), { minLength: 1, maxLength: 4 })
      .map((kv) => `?${kv.map(([k, v]) => `${k}=${v}`).join('&')}`), weight: 1 },
  )
  return fc.tuple(fc.constantFrom('/api/v1/', '/', '//', '/api/v1//', '/API/V1/', '/api/v1/../'), fc.array(segment, { minLength: 0, maxLength: 5 }), fc.constantFrom('', '/', '//'), query)
    .map(([prefix, segs, end, q]) => `${prefix}${segs.join('/')}${end}${q}`)
}

export const methodArb = fc.oneof(
  { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), weight: 8 },
  { arbitrary: fc.constantFrom('HEAD', 'OPTIONS', 'PROPFIND', 'FOO', 'get', 'Post', 'M-SEARCH', 'PURGE'), weight: 2 },
)
