// Two compiled instances behind nginx, sharing one PostgreSQL store and one
// Redis, the way README "Production" deploys them. nginx runs the shipped
// docs/deploy/nginx.conf (only its ports and TLS lines swapped) and the
// instances the shipped docs/deploy/nexatron.env (only addresses, secret and
// data directory swapped), so the documents are what is tested:
// - an event stream passes through nginx as it is written, not at the end;
// - a client that disconnects at nginx gets its query cancelled in the database;
// - a body over the limit is refused by nginx in the API's JSON envelope;
// - a key's rate limit and the tenant's monthly query quota are one budget
//   across both instances, with requests spread over both;
// - an async job claimed by one instance is finished by the other after the
//   first is killed (SIGKILL: no drain, its lease lapses).
// nginx comes from Debian's package; missing, the suite is skipped locally
// and fails in CI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { promisify } from 'node:util'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { IN_CI, serviceAvailable, SERVICES } from '../support/services'
import { readSse, type SseEvent } from '../support/sse-client'

const run = promisify(execFile)
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')
const DEPLOY = path.join(ROOT, 'docs/deploy')

/** Debian installs nginx in /usr/sbin, which a non-root PATH may lack. */
function findNginx(): string | undefined {
  for (const bin of ['nginx', '/usr/sbin/nginx']) if (spawnSync(bin, ['-v']).status === 0) return bin
  if (IN_CI) throw new Error('nginx is not installed (CI=true: apt-get install -y nginx; tests needing it must not be skipped)')
  console.warn('[skip] nginx is not installed: skipping the proxy scale-out test (apt-get install -y nginx)')
  return undefined
}

const hasPg = await serviceAvailable('postgres')
const hasRedis = await serviceAvailable('redis')
const NGINX = findNginx()

const suffix = randomBytes(4).toString('hex')
const STORE_DB = `nexatron_proxy_store_${suffix}`
const WH_DB = `nexatron_proxy_wh_${suffix}`
const BUILD = `.tmp-build-proxy-${suffix}`
const KEY = `nxa_${randomBytes(24).toString('hex')}`
const SECRET = randomBytes(32).toString('base64')
const RATE_LIMIT = 40 // requests per key per hour
const QUOTA = 8 // queries per month on the plan "tiny"
const LEASE_MS = 3000
const PLANS = JSON.stringify({ tiny: { requests_per_hour: 100_000, queries_per_month: QUOTA, rows_per_month: null, llm_tokens_per_month: null, connections: null, seats: null } })
const dbUrl = (db: string) => SERVICES.postgres.url.replace(/\/[^/]*$/, `/${db}`)
const tmp = mkdtempSync(path.join(os.tmpdir(), 'nexatron-proxy-'))

// Rows cost 50 ms each in the database: quick_sales (60 rows) answers in
// about 3 s, slow_sales (5000 rows) in minutes; sales answers at once.
const model = (name: string, relation: string, measure: string, metric: string, label: string) => `
semantic_model:
  name: ${name}
  node_relation: { schema_name: shop, alias: ${relation} }
  defaults: { agg_time_dimension: sold_on }
  entities: [{ name: ${name}_id, type: primary, expr: id }]
  dimensions: [{ name: sold_on, type: time, type_params: { time_granularity: day } }]
  measures: [{ name: ${measure}, agg: sum, expr: amount }]
---
metrics:
  - { name: ${metric}, label: ${label}, type: simple, type_params: { measure: ${measure} } }
`
const SEMANTIC_FILES = [
  { path: 'slow.yml', content: model('slow_sale', 'slow_sales', 'slow_amount', 'slow_revenue', 'Slow revenue') },
  { path: 'quick.yml', content: model('quick_sale', 'quick_sales', 'quick_amount', 'quick_revenue', 'Quick revenue') },
  { path: 'plain.yml', content: model('plain_sale', 'sales', 'plain_amount', 'plain_revenue', 'Plain revenue') },
]

async function admin<T = Record<string, unknown>>(db: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: dbUrl(db) })
  await c.connect()
  try { return (await c.query(sql, params)).rows as T[] } finally { await c.end() }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await probe()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => { const { port } = s.address() as net.AddressInfo; s.close(() => resolve(port)) })
  })
}

/** KEY=VALUE lines of an EnvironmentFile (comments and blank lines skipped). */
function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line)
    if (m) out[m[1]] = m[2].trim()
  }
  return out
}

/** Replaces `from` in `text`; a document whose shape changed fails here, naming the line. */
function swap(text: string, from: string | RegExp, to: string): string {
  const hit = typeof from === 'string' ? text.includes(from) : from.test(text)
  if (!hit) throw new Error(`docs/deploy/nginx.conf no longer contains ${String(from)}: update the test's substitutions`)
  return text.replace(from, to)
}

interface Proc { proc: ChildProcess; out: () => string; exit: Promise<number | null> }
interface Instance extends Proc { port: number }

function track(proc: ChildProcess): Proc {
  let out = ''
  proc.stdout?.on('data', (d) => { out += d })
  proc.stderr?.on('data', (d) => { out += d })
  const exit = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)))
  return { proc, out: () => out, exit }
}

async function stop(p: Proc | undefined, signal: NodeJS.Signals = 'SIGKILL') {
  if (p && p.proc.exitCode === null && p.proc.signalCode === null) { p.proc.kill(signal); await p.exit }
}

let envFile: Record<string, string> = {}
const instances: Instance[] = []
let nginx: Proc | undefined
let proxy = ''
let connectionId = ''
let accessLog = ''

function startInstance(port: number, name: string): Instance {
  const dataDir = path.join(tmp, name)
  mkdirSync(dataDir)
  const proc = spawn(process.execPath, [path.join(BUILD, 'src/server.js')], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...envFile,
      PORT: String(port), DATABASE_URL: dbUrl(STORE_DB), NEXATRON_SECRET_KEY: SECRET, REDIS_URL: `redis://${SERVICES.redis.host}:${SERVICES.redis.port}`,
      NEXATRON_DATA_DIR: dataDir, NEXATRON_PUBLIC_URL: proxy,
      // What the test needs to see within seconds: small budgets, a short lease.
      NEXATRON_BOOTSTRAP_API_KEY: KEY, NEXATRON_RATE_LIMIT_PER_HOUR: String(RATE_LIMIT), NEXATRON_PLANS: PLANS,
      NEXATRON_JOB_LEASE_MS: String(LEASE_MS), LOG_LEVEL: 'warn',
    },
  })
  return { ...track(proc), port }
}

async function ready(i: Instance): Promise<void> {
  await until(`instance on ${i.port} to be ready`, async () => {
    if (i.proc.exitCode !== null) throw new Error(`instance on ${i.port} exited: ${i.out()}`)
    try { return (await fetch(`http://127.0.0.1:${i.port}/health/ready`)).status === 200 ? true : undefined } catch { return undefined }
  }, 90_000)
}

/** docs/deploy/nginx.conf inside a main config whose paths all live in the temp dir. */
function renderNginx(listen: number, upstreams: number[]): string {
  let site = readFileSync(path.join(DEPLOY, 'nginx.conf'), 'utf8')
  site = swap(site, 'server 127.0.0.1:3000 ', `server 127.0.0.1:${upstreams[0]} `)
  site = swap(site, 'server 127.0.0.1:3001 ', `server 127.0.0.1:${upstreams[1]} `)
  site = swap(site, 'listen 443 ssl;', `listen 127.0.0.1:${listen};`)
  site = swap(site, /^\s*ssl_certificate .*\n/m, '')
  site = swap(site, /^\s*ssl_certificate_key .*\n/m, '')
  writeFileSync(path.join(tmp, 'nexatron.conf'), site)
  accessLog = path.join(tmp, 'access.log')
  for (const d of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(tmp, d), { recursive: true, mode: 0o777 })
  // Workers run as nobody when the test runs as root: they must reach these paths.
  chmodSync(tmp, 0o755)
  return `
daemon off;
worker_processes 1;
pid ${tmp}/nginx.pid;
error_log ${tmp}/error.log warn;
events { worker_connections 256; }
http {
  log_format phases '$http_x_test_phase|$upstream_addr|$status|$request_id';
  access_log ${accessLog} phases;
  client_body_temp_path ${tmp}/client_body;
  proxy_temp_path ${tmp}/proxy;
  fastcgi_temp_path ${tmp}/fastcgi;
  uwsgi_temp_path ${tmp}/uwsgi;
  scgi_temp_path ${tmp}/scgi;
  include ${tmp}/nexatron.conf;
}
`
}

/** Upstream ports that answered each request of a phase, with the status nginx sent. */
function servedBy(phase: string): Array<{ port: number | undefined; status: number }> {
  if (!existsSync(accessLog)) return []
  return readFileSync(accessLog, 'utf8').split('\n').filter((l) => l.startsWith(`${phase}|`)).map((l) => {
    // "a:1, b:2" when nginx tried one instance, then the next: the last answered.
    const [, upstream, status] = l.split('|')
    // "-": nginx answered itself.
    return { port: upstream === '-' ? undefined : Number(upstream.split(':').at(-1)), status: Number(status) }
  })
}

/** servedBy once nginx has logged `n` requests of the phase (it logs after answering). */
const servedUntil = (phase: string, n: number) => until(`${n} ${phase} requests in the access log`, async () => {
  const s = servedBy(phase)
  return s.length >= n ? s : undefined
}, 5000, 50)

const headers = (key = KEY, phase = 'setup') => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-test-phase': phase })
async function api(method: string, p: string, body?: unknown, key = KEY, phase = 'setup') {
  const res = await fetch(`${proxy}${p}`, { method, headers: headers(key, phase), body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  let json: Record<string, unknown> = {}
  try { json = JSON.parse(text) } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, body: json }
}

async function createKey(name: string, scopes: string[]): Promise<string> {
  const r = await api('POST', '/api/v1/api-keys', { name, scopes })
  expect(r.status).toBe(201)
  return r.body.key as string
}

const activeQueriesOn = async (relation: string) =>
  (await admin<{ n: string }>(WH_DB, `SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1 AND pid <> pg_backend_pid()`, [`%${relation}%`]))[0].n

async function cli(...args: string[]) {
  return run(process.execPath, [path.join(BUILD, 'src/cli.js'), ...args], {
    cwd: ROOT, timeout: 60_000,
    env: { ...process.env, DATABASE_URL: dbUrl(STORE_DB), NEXATRON_SECRET_KEY: SECRET, NEXATRON_PLANS: PLANS, NEXATRON_DEMO: 'false', NEXATRON_DATA_DIR: path.join(tmp, 'cli'), LOG_LEVEL: 'warn' },
  })
}

const sumOf = async (table: string) => Number((await admin<{ s: string }>(WH_DB, `SELECT sum(amount) AS s FROM shop.${table}`))[0].s)

describe.skipIf(!hasPg || !hasRedis || !NGINX)('two instances behind nginx (docs/deploy)', () => {
  beforeAll(async () => {
    envFile = parseEnvFile(readFileSync(path.join(DEPLOY, 'nexatron.env'), 'utf8'))
    // The names the test replaces must be the ones the document sets.
    for (const name of ['DATABASE_URL', 'NEXATRON_SECRET_KEY', 'REDIS_URL', 'NEXATRON_DATA_DIR', 'NEXATRON_JOB_LEASE_MS', 'NEXATRON_TRUST_PROXY']) expect(envFile).toHaveProperty(name)
    await admin('postgres', `CREATE DATABASE ${STORE_DB}`)
    await admin('postgres', `CREATE DATABASE ${WH_DB}`)
    await admin(WH_DB, `CREATE SCHEMA shop;
      CREATE TABLE shop.sales (id int PRIMARY KEY, sold_on date NOT NULL, amount numeric(10,2) NOT NULL);
      INSERT INTO shop.sales SELECT g, date '2026-01-01' + (g % 300), g % 97 FROM generate_series(1, 5000) g;
      CREATE TABLE shop.few_sales AS SELECT * FROM shop.sales WHERE id <= 60;
      CREATE VIEW shop.slow_sales AS SELECT s.* FROM shop.sales s WHERE pg_sleep(0.05) IS NOT NULL;
      CREATE VIEW shop.quick_sales AS SELECT s.* FROM shop.few_sales s WHERE pg_sleep(0.05) IS NOT NULL;`)
    const { stdout } = await run(process.execPath, ['scripts/build-server.mjs', `${BUILD}/src`], { cwd: ROOT, timeout: 120_000 })
    expect(stdout).toMatch(/build:server/)

    const [a, b, listen] = [await freePort(), await freePort(), await freePort()]
    proxy = `http://127.0.0.1:${listen}`
    // Started together, as systemd starts nexatron@a and nexatron@b.
    instances.push(startInstance(a, 'a'), startInstance(b, 'b'))
    await Promise.all(instances.map(ready))

    writeFileSync(path.join(tmp, 'main.conf'), renderNginx(listen, [a, b]))
    const check = spawnSync(NGINX!, ['-t', '-p', tmp, '-e', path.join(tmp, 'error.log'), '-c', path.join(tmp, 'main.conf')], { encoding: 'utf8' })
    expect(check.status, check.stderr).toBe(0)
    nginx = track(spawn(NGINX!, ['-p', tmp, '-e', path.join(tmp, 'error.log'), '-c', path.join(tmp, 'main.conf')], { stdio: ['ignore', 'pipe', 'pipe'] }))
    await until('nginx to proxy /health', async () => {
      if (nginx!.proc.exitCode !== null) throw new Error(`nginx exited: ${nginx!.out()} ${readFileSync(path.join(tmp, 'error.log'), 'utf8')}`)
      try { return (await fetch(`${proxy}/health`)).status === 200 ? true : undefined } catch { return undefined }
    })

    const conn = await api('POST', '/api/v1/connections', {
      name: 'wh', type: 'postgres', config: { host: '127.0.0.1', port: SERVICES.postgres.port, database: WH_DB, user: 'postgres', ssl: 'disable' },
      // The test database's login is the local superuser: allowed here on purpose.
      options: { allow_elevated_login: true, timeout_ms: 600_000 },
    })
    expect(conn.status, JSON.stringify(conn.body)).toBe(201)
    connectionId = conn.body.id as string
    const imported = await api('POST', '/api/v1/semantic/import', { connection_id: connectionId, files: SEMANTIC_FILES, refresh_sample_values: false })
    expect(imported.status, JSON.stringify(imported.body)).toBe(200)
  }, 180_000)

  afterAll(async () => {
    await stop(nginx, 'SIGTERM')
    for (const i of instances) await stop(i)
    rmSync(path.join(ROOT, BUILD), { recursive: true, force: true })
    rmSync(tmp, { recursive: true, force: true })
    if (hasPg) for (const db of [STORE_DB, WH_DB]) await admin('postgres', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => {})
  })

  it('passes an event stream through as it is written, not when it ends', async () => {
    const seen: Array<{ event: string; at: number }> = []
    const res = await readSse(`${proxy}/api/v1/query/stream`, { headers: headers(KEY, 'sse'), body: { connection_id: connectionId, question: 'quick revenue in 2026' } },
      (e: SseEvent) => { seen.push({ event: e.event, at: Date.now() }) })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    expect(seen.map((e) => e.event)).toEqual(['plan', 'sql', 'columns', 'rows', 'summary', 'done'])
    // The query takes about 3 s in the database: its plan must arrive that long
    // before the end. A buffering proxy would hand every event over at once.
    expect(seen.at(-1)!.at - seen[0].at).toBeGreaterThanOrEqual(2000)
    const rows = JSON.parse(res.events.find((e) => e.event === 'rows')!.data) as unknown[][]
    expect(Number(rows[0][0])).toBe(await sumOf('few_sales'))
  }, 30_000)

  it('cancels the query in the database when the client disconnects at nginx', async () => {
    let queryId: string | null = null
    const res = await readSse(`${proxy}/api/v1/query/stream`, { headers: headers(KEY, 'disconnect'), body: { connection_id: connectionId, question: 'slow revenue' } },
      async (e) => {
        if (e.event !== 'sql') return
        await until('the slow query to run in the database', async () => (Number(await activeQueriesOn('slow_sales')) >= 1 ? true : undefined))
        return 'stop' // aborts the request: the client's connection to nginx closes
      })
    queryId = res.headers.get('x-nexatron-query-id')
    expect(queryId).toMatch(/^qry_/)
    // nginx closes its connection to the instance; the instance cancels the query.
    await until('the query to leave pg_stat_activity', async () => (Number(await activeQueriesOn('slow_sales')) === 0 ? true : undefined), 10_000)
    const status = await until('the run to be recorded as cancelled', async () => {
      const [row] = await admin<{ status: string }>(STORE_DB, 'SELECT status FROM queries WHERE id = $1', [queryId])
      return row && row.status !== 'running' ? row.status : undefined
    })
    expect(status).toBe('cancelled')
  }, 30_000)

  it('names each request by nginx\'s id in the response and in nginx\'s log, not by the id a client sent', async () => {
    const res = await fetch(`${proxy}/api/v1/auth/me`, { headers: { ...headers(KEY, 'request-id'), 'x-request-id': 'client-chosen-0001' } })
    expect(res.status).toBe(200)
    const id = res.headers.get('x-request-id')
    expect(id).toMatch(/^[0-9a-f]{32}$/)
    const logged = readFileSync(accessLog, 'utf8').split('\n').filter((l) => l.startsWith('request-id|')).map((l) => l.split('|')[3])
    expect(logged).toEqual([id])
  })

  it('refuses an oversized body at nginx in the API\'s error envelope, leaving both instances in service', async () => {
    // 1.5 MiB: over client_max_body_size, which is NEXATRON_MAX_BODY_BYTES (1 MiB).
    const r = await api('POST', '/api/v1/query', { connection_id: connectionId, question: 'x'.repeat(1.5 * 2 ** 20) }, KEY, 'body')
    expect(r.status).toBe(413)
    expect(r.headers.get('content-type')).toContain('application/json')
    expect(r.body).toEqual({ error: { code: 'payload_too_large', message: expect.stringContaining('1048576'), details: [], request_id: expect.stringMatching(/^[0-9a-f]{32}$/) } })
    // The instances never saw it, so none was marked failed: the next test sees both answer.
    expect((await servedUntil('body', 1))[0].port).toBeUndefined()
  })

  // Each instance keeps keys and connection rows in memory while the store's change notices reach it
  // (src/store/change-feed.ts): a change made through one holds on the other from the client's next request.
  it('refuses a key revoked through one instance at the next request to the other, which had kept it', async () => {
    const [one, two] = instances
    const manager = await createKey('key manager', ['keys:manage', 'query:read'])
    const direct = (i: Instance, method: string, p: string, key: string) =>
      fetch(`http://127.0.0.1:${i.port}${p}`, { method, headers: { authorization: `Bearer ${key}` } })
    for (let n = 0; n < 10; n++) {
      const made = await fetch(`http://127.0.0.1:${one.port}/api/v1/api-keys`, {
        method: 'POST', headers: { authorization: `Bearer ${manager}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: `revoked ${n}`, scopes: ['query:read'] }),
      })
      expect(made.status).toBe(201)
      const { id, key } = await made.json() as { id: string; key: string }
      for (let i = 0; i < 2; i++) expect((await direct(two, 'GET', '/api/v1/query/history?limit=1', key)).status).toBe(200)
      expect((await direct(one, 'DELETE', `/api/v1/api-keys/${id}`, manager)).status).toBe(204)
      expect((await direct(two, 'GET', '/api/v1/query/history?limit=1', key)).status).toBe(401)
    }
  }, 60_000)

  it('answers 404 on one instance for a connection deleted through the other at once', async () => {
    const [one, two] = instances
    const admin = await createKey('connection admin', ['connections:read', 'connections:write'])
    const call = (i: Instance, method: string, p: string, body?: unknown) => fetch(`http://127.0.0.1:${i.port}${p}`, {
      method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    })
    const made = await call(one, 'POST', '/api/v1/connections', {
      name: 'short-lived', type: 'postgres', config: { host: '127.0.0.1', port: SERVICES.postgres.port, database: WH_DB, user: 'postgres', ssl: 'disable' },
      options: { allow_elevated_login: true },
    })
    expect(made.status).toBe(201)
    const { id } = await made.json() as { id: string }
    for (let i = 0; i < 2; i++) expect((await call(two, 'GET', `/api/v1/connections/${id}`)).status).toBe(200)
    expect((await call(one, 'DELETE', `/api/v1/connections/${id}`)).status).toBe(204)
    expect((await call(two, 'GET', `/api/v1/connections/${id}`)).status).toBe(404)
  }, 60_000)

  it('holds one rate limit per key across both instances', async () => {
    const key = await createKey('burst', ['query:read'])
    const results: Array<{ status: number; remaining: string | null; code?: unknown; retryAfter: string | null }> = []
    for (let n = 0; n < RATE_LIMIT + 10; n++) {
      const r = await api('GET', '/api/v1/query/history?limit=1', undefined, key, 'rate')
      results.push({ status: r.status, remaining: r.headers.get('x-ratelimit-remaining'), code: (r.body.error as { code?: string } | undefined)?.code, retryAfter: r.headers.get('retry-after') })
    }
    const allowed = results.filter((r) => r.status === 200)
    expect(allowed).toHaveLength(RATE_LIMIT) // not twice the limit
    // One budget counted down by both instances in turn.
    expect(allowed.map((r) => Number(r.remaining))).toEqual(Array.from({ length: RATE_LIMIT }, (_, i) => RATE_LIMIT - 1 - i))
    const refused = results.slice(RATE_LIMIT)
    expect(refused.every((r) => r.status === 429 && r.code === 'rate_limited' && Number(r.retryAfter) > 0)).toBe(true)
    const served = await servedUntil('rate', RATE_LIMIT + 10)
    expect(served).toHaveLength(RATE_LIMIT + 10)
    for (const status of [200, 429]) {
      expect(new Set(served.filter((s) => s.status === status).map((s) => s.port))).toEqual(new Set(instances.map((i) => i.port)))
    }
  }, 60_000)

  it('holds the tenant\'s monthly query quota across both instances', async () => {
    const key = await createKey('quota', ['query:run', 'query:read'])
    expect((await cli('tenants', 'set-plan', 'default', 'tiny')).stdout).toContain('-> tiny')
    try {
      const [{ used }] = await admin<{ used: string }>(STORE_DB, `SELECT coalesce(sum(value), 0) AS used FROM usage_counters WHERE metric = 'queries'`)
      const remaining = QUOTA - Number(used)
      expect(remaining).toBeGreaterThanOrEqual(2)
      const results: Array<{ status: number; code?: unknown; quotaLeft: string | null }> = []
      for (let n = 0; n < remaining + 4; n++) {
        const r = await api('POST', '/api/v1/semantic/query', { connection_id: connectionId, metrics: ['plain_revenue'] }, key, 'quota')
        results.push({ status: r.status, code: (r.body.error as { code?: string } | undefined)?.code, quotaLeft: r.headers.get('x-quota-remaining') })
      }
      expect(results.filter((r) => r.status === 200)).toHaveLength(remaining)
      expect(results.slice(0, remaining).map((r) => Number(r.quotaLeft))).toEqual(Array.from({ length: remaining }, (_, i) => remaining - 1 - i))
      expect(results.slice(remaining).every((r) => r.status === 429 && r.code === 'quota_exceeded' && r.quotaLeft === '0')).toBe(true)
      const served = await servedUntil('quota', results.length)
      expect(new Set(served.filter((s) => s.status === 200).map((s) => s.port))).toEqual(new Set(instances.map((i) => i.port)))
      expect(new Set(served.filter((s) => s.status === 429).map((s) => s.port))).toEqual(new Set(instances.map((i) => i.port)))
      const [{ counted }] = await admin<{ counted: string }>(STORE_DB, `SELECT sum(value) AS counted FROM usage_counters WHERE metric = 'queries'`)
      expect(Number(counted)).toBe(QUOTA)
    } finally {
      await cli('tenants', 'set-plan', 'default', 'enterprise')
    }
  }, 60_000)

  it('finishes an async job on the other instance after the one that claimed it is killed', async () => {
    // Not the stream's question: a result cached then would answer without a query to interrupt.
    const submitted = await api('POST', '/api/v1/query', { connection_id: connectionId, question: 'quick revenue', async: true }, KEY, 'job')
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202)
    const jobId = submitted.body.id as string
    const pidOf = (workerId: string | null) => Number(workerId?.split(':').at(-2))
    const owner = await until('an instance to claim the job', async () => {
      const [row] = await admin<{ status: string; locked_by: string | null }>(STORE_DB, 'SELECT status, locked_by FROM queries WHERE id = $1', [jobId])
      return row?.status === 'running' && row.locked_by ? instances.find((i) => i.proc.pid === pidOf(row.locked_by)) : undefined
    })
    expect(owner).toBeDefined()
    const survivor = instances.find((i) => i !== owner)!
    await until('the job\'s query to run in the database', async () => {
      if (Number(await activeQueriesOn('quick_sales')) >= 1) return true
      const [row] = await admin<{ status: string; error: unknown }>(STORE_DB, 'SELECT status, error FROM queries WHERE id = $1', [jobId])
      if (row.status !== 'running') throw new Error(`the job ${row.status} before it could be interrupted: ${JSON.stringify(row.error)}`)
      return undefined
    })
    owner!.proc.kill('SIGKILL')
    await owner!.exit

    // Its lease lapses; the survivor claims the job again and runs it to the end.
    const claimedBy = new Set<number>()
    const final = await until('the job to finish', async () => {
      const [row] = await admin<{ status: string; locked_by: string | null }>(STORE_DB, 'SELECT status, locked_by FROM queries WHERE id = $1', [jobId])
      if (row.locked_by) claimedBy.add(pidOf(row.locked_by))
      return ['succeeded', 'failed', 'cancelled'].includes(row.status) ? row.status : undefined
    }, 30_000)
    expect(final).toBe('succeeded')
    expect(claimedBy).toContain(survivor.proc.pid)
    // Through nginx, which now routes around the dead instance.
    const result = await api('GET', `/api/v1/query/${jobId}`, undefined, KEY, 'after-kill')
    expect(result.status).toBe(200)
    expect(result.body.status).toBe('succeeded')
    expect(Number((result.body.data as Array<Record<string, unknown>>)[0].quick_revenue)).toBe(await sumOf('few_sales'))
    expect((await servedUntil('after-kill', 1)).at(-1)!.port).toBe(survivor.port)
  }, 60_000)
})
