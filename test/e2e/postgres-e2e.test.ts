// A new user's path on a real PostgreSQL: add a connection through the API,
// test it, read its schema, import a semantic layer, ask questions (JSON, SSE,
// async with a signed webhook), cancel, and check the database itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import pg from 'pg'
import { randomBytes } from 'node:crypto'
import { createTestApp, type TestApp } from '../support/test-app'
import { listen, type LiveServer } from '../support/live-server'
import { readSse } from '../support/sse-client'
import { serviceAvailable } from '../support/services'
import { verifyWebhook } from '../../src/query/webhook-signer'

const hasPg = await serviceAvailable('postgres')
const DB = `nexatron_e2e_${randomBytes(4).toString('hex')}`

const SEMANTIC = `
semantic_model:
  name: sales
  node_relation: { schema_name: shop, alias: sales }
  defaults: { agg_time_dimension: sold_on }
  entities:
    - { name: sale, type: primary, expr: id }
  dimensions:
    - { name: sold_on, type: time, type_params: { time_granularity: day } }
    - { name: region, type: categorical, label: Region }
  measures:
    - { name: amount, agg: sum }
---
semantic_model:
  name: slow_sales
  node_relation: { schema_name: shop, alias: slow_sales }
  defaults: { agg_time_dimension: sold_on }
  entities:
    - { name: slow_sale, type: primary, expr: id }
  dimensions:
    - { name: sold_on, type: time, type_params: { time_granularity: day } }
  measures:
    - { name: slow_amount, agg: sum, expr: amount }
---
semantic_model:
  name: ticks
  node_relation: { schema_name: shop, alias: ticks }
  defaults: { agg_time_dimension: ticked_on }
  entities:
    - { name: tick, type: primary, expr: id }
  dimensions:
    - { name: ticked_on, type: time, type_params: { time_granularity: day } }
    - { name: label, type: categorical }
  measures:
    - { name: tick_value, agg: sum }
---
metrics:
  - { name: tick_value, label: Tick value, type: simple, type_params: { measure: tick_value } }
  - { name: revenue, label: Revenue, synonyms: [sales, turnover], type: simple, type_params: { measure: amount }, format: { type: currency, currency: EUR } }
  - { name: slow_revenue, label: Slow revenue, type: simple, type_params: { measure: slow_amount } }
`

let admin: pg.Client
let t: TestApp
let server: LiveServer
let connId: string

const activeQueries = async (like: string) =>
  (await admin.query(`SELECT pid, state, query FROM pg_stat_activity WHERE datname = $1 AND query ILIKE $2 AND pid <> pg_backend_pid()`, [DB, `%${like}%`])).rows

describe.skipIf(!hasPg)('PostgreSQL end to end', () => {
  beforeAll(async () => {
    admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${DB}`)
    const setup = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: DB })
    await setup.connect()
    await setup.query(`
      CREATE SCHEMA shop;
      CREATE TABLE shop.sales (id int PRIMARY KEY, sold_on date NOT NULL, region text NOT NULL, amount numeric(12,2) NOT NULL);
      INSERT INTO shop.sales SELECT g, date '2026-01-01' + (g % 300), (ARRAY['North','South','East','West'])[1 + g % 4], (g % 97) + 0.25 FROM generate_series(1, 20000) g;
      CREATE VIEW shop.slow_sales AS SELECT s.* FROM shop.sales s WHERE pg_sleep(0.005) IS NOT NULL;
      CREATE TABLE shop.ticks AS SELECT g AS id, date '2026-01-01' + (g % 300) AS ticked_on, (g % 1000)::numeric(10,2) AS tick_value,
        repeat('wide-label-', 10) || g AS label FROM generate_series(1, 1000000) g;`)
    await setup.end()
    t = await createTestApp({ NEXATRON_WEBHOOK_MAX_ATTEMPTS: '3', NEXATRON_SSE_KEEPALIVE_MS: '200', NEXATRON_MAX_ROWS_LIMIT: '1000000' }, { now: () => new Date('2026-11-23T12:00:00Z') })
    server = await listen(t.app)
    t.services.worker.start()
  })
  afterAll(async () => {
    await server?.close()
    await t?.close()
    await admin?.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`)
    await admin?.end()
  })

  it('adds, tests and introspects a connection; credentials are never returned', async () => {
    const res = await t.request('POST', '/api/v1/connections', { body: {
      name: 'warehouse', type: 'postgres', config: { host: '127.0.0.1', port: 5432, database: DB, user: 'postgres', ssl: 'disable' },
      // The postgres superuser: allowed explicitly (a least-privilege login needs no option; see test/security/elevated-logins.test.ts).
      credentials: { password: 'not-needed-with-trust' }, options: { max_rows: 50000, timeout_ms: 20000, allow_elevated_login: true },
    } })
    expect(res.status).toBe(201)
    const conn = await res.json()
    connId = conn.id
    expect(conn.has_credentials).toBe(true)
    expect(JSON.stringify(conn)).not.toContain('not-needed-with-trust')
    const test = await (await t.request('POST', `/api/v1/connections/${connId}/test`)).json()
    expect(test.ok).toBe(true)
    expect(test.version).toMatch(/PostgreSQL|15|1[0-9]/)
    const schema = await (await t.request('GET', `/api/v1/connections/${connId}/schema`)).json()
    const sales = schema.tables.find((x: { name: string }) => x.name === 'sales')
    expect(sales.schema).toBe('shop')
    expect(sales.primary_key).toEqual(['id'])
    expect(sales.columns.find((c: { name: string }) => c.name === 'amount').type).toBe('decimal')
  })

  it('refuses bad config with field-level 422s and duplicates with 409', async () => {
    const bad = await t.request('POST', '/api/v1/connections', { body: { name: 'bad', type: 'postgres', config: { host: '127.0.0.1', port: 'x' } } })
    expect(bad.status).toBe(422)
    const paths = (await bad.json()).error.details.map((d: { path: string }) => d.path)
    expect(paths).toEqual(expect.arrayContaining(['config.port', 'config.database', 'config.user']))
    const meta = await t.request('POST', '/api/v1/connections', { body: { name: 'meta', type: 'postgres', config: { host: '169.254.169.254', database: 'x', user: 'y' } } })
    expect(meta.status).toBe(422)
    expect((await meta.json()).error.code).toBe('host_not_allowed')
    const dup = await t.request('POST', '/api/v1/connections', { body: { name: 'warehouse', type: 'postgres', config: { host: '127.0.0.1', database: DB, user: 'postgres' } } })
    expect(dup.status).toBe(409)
  })

  it('reports every import problem with file and path, then imports', async () => {
    const broken = await t.request('POST', '/api/v1/semantic/import', { body: { connection_id: connId, files: [
      { path: 'models/bad.yml', content: 'semantic_model:\n  name: x\n  node_relation: { alias: t }\n  measures:\n    - { name: m, agg: summ }\n' },
      { path: 'metrics/bad.yml', content: 'metrics:\n  - { name: r, type: simple, type_params: { measure: nope } }\n' },
    ] } })
    expect(broken.status).toBe(422)
    const details = (await broken.json()).error.details
    expect(details.some((d: { file?: string; path: string }) => d.file === 'models/bad.yml' && d.path.includes('agg'))).toBe(true)
    const ok = await t.request('POST', '/api/v1/semantic/import', { body: { connection_id: connId, files: [{ path: 'sales.yml', content: SEMANTIC }], mode: 'replace' } })
    expect(ok.status).toBe(200)
    const counts = await ok.json()
    expect(counts).toMatchObject({ models: 3, metrics: 3 })
    const dims = await (await t.request('GET', `/api/v1/semantic/dimensions?connection_id=${connId}`)).json()
    const region = dims.data.find((d: { name: string }) => d.name === 'region')
    expect(region.sample_values.sort()).toEqual(['East', 'North', 'South', 'West'])
  })

  it('answers a structured semantic query with MetricFlow column names', async () => {
    const res = await t.request('POST', '/api/v1/semantic/query', { body: {
      connection_id: connId, metrics: ['revenue'], group_by: ['sale__region', 'metric_time__month'],
      time_constraint: { start: '2026-02-01', end: '2026-03-31' }, order_by: ['sale__region', 'metric_time__month'],
    } })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.columns.map((c: { name: string }) => c.name)).toEqual(['revenue', 'sale__region', 'metric_time__month'])
    const direct = (await admin.query(`SELECT 1`)).rows
    expect(direct).toHaveLength(1)
    const c = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: DB })
    await c.connect()
    const expected = (await c.query(`SELECT region, date_trunc('month', sold_on) m, sum(amount)::float8 s FROM shop.sales WHERE sold_on BETWEEN '2026-02-01' AND '2026-03-31' GROUP BY 1, 2 ORDER BY 1, 2`)).rows
    await c.end()
    expect(body.row_count).toBe(expected.length)
    body.data.forEach((r: Record<string, unknown>, i: number) => {
      expect(r.sale__region).toBe(expected[i].region)
      expect(r.revenue).toBeCloseTo(expected[i].s, 2)
    })
    const unknown = await t.request('POST', '/api/v1/semantic/query', { body: { connection_id: connId, metrics: ['revenu'] } })
    expect(unknown.status).toBe(422)
    const err = (await unknown.json()).error
    expect(err.code).toBe('unknown_metric')
    expect(JSON.stringify(err.details)).toContain('revenue')
  })

  it('answers a question in words on the connection', async () => {
    const body = await (await t.request('POST', '/api/v1/query', { body: { connection_id: connId, question: 'turnover by region in March 2026' } })).json()
    expect(body.plan.query.metrics).toEqual(['revenue'])
    expect(body.row_count).toBe(4)
    expect(body.summary).toMatch(/€|EUR/)
  })

  it('cancels the database query when the SSE client disconnects', async () => {
    let queryId = ''
    const res = await readSse(`${server.url}/api/v1/query/stream`, {
      headers: { authorization: `Bearer ${t.adminKey}` }, body: { connection_id: connId, question: 'slow revenue' },
    }, undefined, async (comment, events) => {
      // Keep-alive comments flow while the database works; once one arrived
      // after `sql` and the query is running in the database, hang up.
      if (comment.trim() !== 'keep-alive' || events.at(-1)?.event !== 'sql') return
      return (await activeQueries('slow_sales')).some((r) => r.state === 'active') ? 'stop' : undefined
    })
    expect(res.comments.filter((c) => c.trim() === 'keep-alive').length).toBeGreaterThan(0)
    queryId = res.headers.get('x-nexatron-query-id')!
    expect(res.events.map((e) => e.event)).toEqual(['plan', 'sql'])
    // The query was running in the database; it must be gone within a second of the disconnect.
    const deadline = Date.now() + 1000
    let running = await activeQueries('slow_sales')
    while (running.some((r) => r.state === 'active') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100))
      running = await activeQueries('slow_sales')
    }
    expect(running.filter((r) => r.state === 'active')).toEqual([])
    await new Promise((r) => setTimeout(r, 300))
    const rec = await (await t.request('GET', `/api/v1/query/${queryId}`)).json()
    expect(rec.status).toBe('cancelled')
  })

  it('stops pulling rows from the database while the client does not read', async () => {
    expect((await t.request('PATCH', `/api/v1/connections/${connId}`, { body: { options: { max_rows: 1_000_000 } } })).status).toBe(200)
    // Count the rows the server has pulled from the connector.
    const runner = t.services.runner
    const original = runner.execute
    let pulled = 0
    runner.execute = async function* (run, signal) {
      for await (const ev of original.call(runner, run, signal)) {
        if (ev.type === 'rows') pulled += ev.rows.length
        yield ev
      }
    }
    try {
      const res = await fetch(`${server.url}/api/v1/query/stream`, {
        method: 'POST', headers: { authorization: `Bearer ${t.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ connection_id: connId, question: 'tick value by tick and label', max_rows: 1_000_000 }),
      })
      const reader = res.body!.getReader()
      const decoder = new TextDecoder()
      let text = ''
      while (!text.includes('event: rows')) text += decoder.decode((await reader.read()).value, { stream: true })
      // ~120 MB of events in all. While we do not read, the server may fill the
      // socket buffers, then must stop pulling rows instead of buffering them.
      await new Promise((r) => setTimeout(r, 3000))
      const a = pulled
      await new Promise((r) => setTimeout(r, 1500))
      expect(pulled).toBe(a)
      expect(pulled).toBeLessThan(500_000)
      // The query is still open in the database, waiting for us.
      expect((await activeQueries('ticks')).length).toBe(1)
      // Reading again lets it move on.
      for (let i = 0; i < 400; i++) await reader.read()
      expect(pulled).toBeGreaterThan(a)
      await reader.cancel()
    } finally {
      runner.execute = original
      await t.request('PATCH', `/api/v1/connections/${connId}`, { body: { options: { max_rows: 50_000 } } })
    }
  })

  it('cancels a running query through POST /query/{id}/cancel', async () => {
    const pending = t.request('POST', '/api/v1/query', { body: { connection_id: connId, question: 'slow revenue' } })
    let id: string | undefined
    for (let i = 0; i < 50 && !id; i++) {
      await new Promise((r) => setTimeout(r, 100))
      const hist = await (await t.request('GET', '/api/v1/query/history?status=running&limit=5')).json()
      id = hist.data[0]?.id
    }
    expect(id).toBeDefined()
    // Wait until it is running in the database, then cancel.
    for (let i = 0; i < 30 && !(await activeQueries('slow_sales')).some((r) => r.state === 'active'); i++) await new Promise((r) => setTimeout(r, 100))
    const cancel = await t.request('POST', `/api/v1/query/${id}/cancel`)
    expect(cancel.status).toBe(200)
    const res = await pending
    expect(res.status).toBe(422)
    expect((await res.json()).error.code).toBe('query_cancelled')
    await new Promise((r) => setTimeout(r, 500))
    expect((await activeQueries('slow_sales')).filter((r) => r.state === 'active')).toEqual([])
    expect((await t.request('POST', `/api/v1/query/${id}/cancel`)).status).toBe(409)
  })

  /** Waits until "slow revenue" runs in the database. */
  const slowRunning = async () => {
    for (let i = 0; i < 50 && !(await activeQueries('slow_sales')).some((r) => r.state === 'active'); i++) await new Promise((r) => setTimeout(r, 100))
    expect((await activeQueries('slow_sales')).some((r) => r.state === 'active')).toBe(true)
  }
  const slowGone = async (withinMs: number) => {
    const deadline = Date.now() + withinMs
    while ((await activeQueries('slow_sales')).some((r) => r.state === 'active') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    expect((await activeQueries('slow_sales')).filter((r) => r.state === 'active')).toEqual([])
  }

  it('stops a stream already open when its key is revoked, in the database too (the attack: a leaked key kept streaming after revocation)', async () => {
    const created = await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'leaked', scopes: ['query:run', 'query:read', 'connections:read', 'semantic:read'] } })).json()
    const stream = readSse(`${server.url}/api/v1/query/stream`, {
      headers: { authorization: `Bearer ${created.key}` }, body: { connection_id: connId, question: 'slow revenue' },
    })
    await slowRunning()
    const revokedAt = Date.now()
    expect((await t.request('DELETE', `/api/v1/api-keys/${created.id}`)).status).toBe(204)
    const res = await stream
    // the stream ends with an error event well before the query would have finished (~100 s)
    expect(Date.now() - revokedAt).toBeLessThan(6000)
    const last = res.events.at(-1)!
    expect(last.event).toBe('error')
    expect(JSON.parse(last.data).error).toMatchObject({ code: 'query_cancelled', details: [{ issue: 'credential_revoked' }] })
    await slowGone(1000)
    const rec = await (await t.request('GET', `/api/v1/query/${res.headers.get('x-nexatron-query-id')}`)).json()
    expect(rec.status).toBe('cancelled')
  })

  it('stops a run when another instance flagged its cancel (cancel or revocation that arrived elsewhere)', async () => {
    const pending = t.request('POST', '/api/v1/query', { body: { connection_id: connId, question: 'slow revenue' } })
    await slowRunning()
    const hist = await (await t.request('GET', '/api/v1/query/history?status=running&limit=5')).json()
    const id = hist.data[0].id as string
    // What another instance's POST /query/{id}/cancel writes: the flag, since the run is not in its process.
    await t.services.history.update(id, { cancelRequested: true })
    const flaggedAt = Date.now()
    const res = await pending
    expect(Date.now() - flaggedAt).toBeLessThan(6000)
    expect(res.status).toBe(422)
    expect((await res.json()).error.code).toBe('query_cancelled')
    await slowGone(1000)
  })

  it('runs an async job and delivers a signed webhook, retrying after a 500', async () => {
    const received: Array<{ body: string; sig: string }> = []
    let calls = 0
    const receiver = http.createServer((req, res) => {
      let body = ''
      req.on('data', (c) => { body += c })
      req.on('end', () => {
        calls++
        if (calls === 1) { res.statusCode = 500; res.end('try again'); return }
        received.push({ body, sig: String(req.headers['x-nexatron-signature']) })
        res.end('ok')
      })
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
      const res = await t.request('POST', '/api/v1/query', { body: { connection_id: connId, question: 'revenue by region', webhook_url: url } })
      expect(res.status).toBe(202)
      const queued = await res.json()
      expect(queued.status).toBe('queued')
      for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 100))
      expect(calls).toBe(2)
      const { secret } = await (await t.request('GET', '/api/v1/webhook-secret')).json()
      expect(verifyWebhook(secret, received[0].body, received[0].sig)).toBe(true)
      expect(verifyWebhook(secret, received[0].body + ' ', received[0].sig)).toBe(false)
      const payload = JSON.parse(received[0].body)
      expect(payload.id).toBe(queued.id)
      expect(payload.status).toBe('succeeded')
      expect(payload.data).toHaveLength(4)
    } finally {
      receiver.close()
    }
  })

  it('picks up a queued job after a restart', async () => {
    await t.services.worker.stop()
    const res = await t.request('POST', '/api/v1/query', { body: { connection_id: connId, question: 'revenue', async: true } })
    const { id } = await res.json()
    expect((await (await t.request('GET', `/api/v1/query/${id}`)).json()).status).toBe('queued')
    // A new worker (a restarted process) claims it.
    const { JobWorker } = await import('../../src/query/job-worker')
    const s = t.services
    const worker = new JobWorker({ db: s.store.db, history: s.history, principals: s.auth, runner: s.runner, connections: s.connections, secrets: s.webhookSecrets,
      hostPolicy: { policy: 'all', allowSocketHosts: false }, logger: s.logger, concurrency: 1, maxWebhookAttempts: 1, historyRows: 100, pollMs: 50 })
    worker.start()
    let status = 'queued'
    for (let i = 0; i < 100 && status !== 'succeeded'; i++) {
      await new Promise((r) => setTimeout(r, 100))
      status = (await (await t.request('GET', `/api/v1/query/${id}`)).json()).status
    }
    await worker.stop()
    expect(status).toBe('succeeded')
  })

  it('reports semantic problems found against the live schema', async () => {
    const dims = await (await t.request('GET', `/api/v1/semantic/dimensions?connection_id=${connId}`)).json()
    const region = dims.data.find((d: { name: string }) => d.name === 'region')
    await t.request('PATCH', `/api/v1/semantic/dimensions/${region.id}`, { body: { expr: 'regionn' } })
    const report = await (await t.request('POST', '/api/v1/semantic/validate', { body: { connection_id: connId } })).json()
    expect(report.valid).toBe(false)
    expect(report.problems.some((p: { issue: string; message: string }) => p.issue === 'missing_column' && p.message.includes('regionn'))).toBe(true)
    await t.request('PATCH', `/api/v1/semantic/dimensions/${region.id}`, { body: { expr: 'region' } })
    const again = await (await t.request('POST', '/api/v1/semantic/validate', { body: { connection_id: connId } })).json()
    expect(again.valid).toBe(true)
  })
})
