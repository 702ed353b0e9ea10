// GET /metrics: the operator's Prometheus endpoint. Its own token (not a
// tenant credential), 404 when not configured, the async queue per tenant,
// and the series recorded from real traffic over the demo warehouse: HTTP
// durations by route pattern, query runs, planner outcomes, rows, open SSE
// streams, pools, webhooks, cache lookups and 429 rejections.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { queries } from '../../src/store/schema'
import { JobWorker } from '../../src/query/job-worker'

const TOKEN = 'metrics-token-0123456789abcdefghijklmnop'
const NOW = new Date('2026-11-23T12:00:00Z')
const RATE_PER_HOUR = 25
let t: TestApp & { demoConnectionId?: string }
let off: TestApp

/** Webhook answers by path: /ok is accepted, anything else refused. */
const fakeFetch = (async (url: string | URL | Request) => new Response('', { status: String(url).endsWith('/ok') ? 200 : 500 })) as typeof fetch

beforeAll(async () => {
  t = await createTestApp({ NEXATRON_METRICS_TOKEN: TOKEN, NEXATRON_RATE_LIMIT_PER_HOUR: String(RATE_PER_HOUR) }, { demo: true, now: () => NOW, fetch: fakeFetch })
  off = await createTestApp()
})
afterAll(async () => { await t?.close(); await off?.close() })

const scrape = async () => {
  const res = await t.request('GET', '/metrics', { key: null, headers: { authorization: `Bearer ${TOKEN}` } })
  expect(res.status).toBe(200)
  return res.text()
}

/** The value of one sample: `name` with exactly these labels (in any order), or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!m || m[1] !== name) continue
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]))
    if (Object.keys(got).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3])
  }
  return undefined
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('GET /metrics', () => {
  it('answers 404 like an unknown path when no token is configured', async () => {
    const res = await off.request('GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` }, key: null })
    expect(res.status).toBe(404)
    expect((await res.json()).error.code).toBe('not_found')
  })

  it('refuses tenant credentials and wrong tokens with 401', async () => {
    for (const authorization of [undefined, `Bearer ${t.adminKey}`, `Bearer ${TOKEN}x`, TOKEN]) {
      const res = await t.request('GET', '/metrics', { key: null, headers: authorization ? { authorization } : {} })
      expect(res.status, String(authorization)).toBe(401)
      expect((await res.json()).error.code).toBe('unauthorized')
    }
  })

  it('reports queue depth, running jobs and the oldest wait per tenant, and process figures', async () => {
    const old = new Date(Date.now() - 90_000)
    await t.services.store.db.insert(queries).values([
      { id: 'qry_metrics0001', tenantId: t.tenantId, principalId: 'key_m', connectionId: 'conn_m', status: 'queued', async: true, createdAt: old },
      { id: 'qry_metrics0002', tenantId: t.tenantId, principalId: 'key_m', connectionId: 'conn_m', status: 'queued', async: true },
      { id: 'qry_metrics0003', tenantId: t.tenantId, principalId: 'key_m', connectionId: 'conn_m', status: 'running', async: true },
      { id: 'qry_metrics0004', tenantId: t.tenantId, principalId: 'key_m', connectionId: 'conn_m', status: 'succeeded', async: true },
    ])
    try {
      const res = await t.request('GET', '/metrics', { key: null, headers: { authorization: `Bearer ${TOKEN}` } })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
      const text = await res.text()
      expect(text).toContain(`nexatron_jobs_queued{tenant_id="${t.tenantId}"} 2\n`)
      expect(text).toContain(`nexatron_jobs_running{tenant_id="${t.tenantId}"} 1\n`)
      const age = Number(new RegExp(`nexatron_jobs_oldest_queued_seconds\\{tenant_id="${t.tenantId}"\\} ([0-9.]+)`).exec(text)?.[1])
      expect(age).toBeGreaterThanOrEqual(89)
      expect(text).toMatch(/# TYPE nexatron_process_resident_memory_bytes gauge\nnexatron_process_resident_memory_bytes [1-9]\d*\n/)
      expect(text).toMatch(/nexatron_event_loop_delay_p99_seconds [0-9.e-]+\n/)
    } finally {
      // The later tests run real jobs: these fakes must not be claimed.
      await t.services.store.db.delete(queries).where((await import('drizzle-orm')).like(queries.id, 'qry_metrics%'))
    }
  })

  it('times requests by route pattern and status, and counts query runs, planner outcomes, rows and pool use', async () => {
    const answered = await t.request('POST', '/api/v1/query', { body: { question: 'sales by region last quarter' } })
    expect(answered.status).toBe(200)
    const answer = await answered.json()
    expect(answer.row_count).toBeGreaterThan(1)
    const refused = await t.request('POST', '/api/v1/query', { body: { question: 'florp the wibbles of zanzibar quickly' } })
    expect(refused.status).toBe(422)
    expect((await refused.json()).error.code).toBe('question_not_understood')
    const detail = await t.request('GET', `/api/v1/query/${answer.id}`)
    expect(detail.status).toBe(200)
    // A request is timed to its last byte: read it whole.
    expect((await detail.json()).id).toBe(answer.id)

    const text = await scrape()
    // The route pattern, never the raw path with its id.
    expect(sample(text, 'nexatron_http_request_duration_seconds_count', { route: '/api/v1/query/:id', method: 'GET', status: '200' })).toBe(1)
    expect(text).not.toContain(answer.id)
    expect(sample(text, 'nexatron_http_request_duration_seconds_count', { route: '/api/v1/query', method: 'POST', status: '200' })).toBe(1)
    expect(sample(text, 'nexatron_http_request_duration_seconds_count', { route: '/api/v1/query', method: 'POST', status: '422' })).toBe(1)
    const sum = sample(text, 'nexatron_http_request_duration_seconds_sum', { route: '/api/v1/query', method: 'POST', status: '200' })!
    expect(sum).toBeGreaterThan(0)
    expect(sum).toBeLessThan(60)
    expect(sample(text, 'nexatron_http_request_duration_seconds_bucket', { route: '/api/v1/query', method: 'POST', status: '200', le: '+Inf' })).toBe(1)

    expect(sample(text, 'nexatron_query_duration_seconds_count', { engine: 'pglite', outcome: 'succeeded' })).toBe(1)
    // The refused question failed before any SQL: it is a failed run.
    expect(sample(text, 'nexatron_query_duration_seconds_count', { engine: 'pglite', outcome: 'failed' })).toBe(1)
    expect(sample(text, 'nexatron_planner_outcomes_total', { planner: 'offline', outcome: 'answered' })).toBe(1)
    expect(sample(text, 'nexatron_planner_outcomes_total', { planner: 'unknown', outcome: 'refused' })).toBe(1)
    expect(sample(text, 'nexatron_rows_streamed_total', { engine: 'pglite' })).toBe(answer.row_count)

    const pool = { connection_id: t.demoConnectionId!, tenant_id: t.tenantId, engine: 'pglite' }
    expect(sample(text, 'nexatron_pool_sessions_max', pool)).toBe(1)
    expect(sample(text, 'nexatron_pool_sessions_in_use', pool)).toBe(0)
    expect(sample(text, 'nexatron_pool_waiting', pool)).toBe(0)
    expect(sample(text, 'nexatron_pool_waits_total', pool)).toBeGreaterThanOrEqual(0)
  })

  it('counts result cache lookups as misses, then hits', async () => {
    const before = await scrape()
    const hits0 = sample(before, 'nexatron_cache_lookups_total', { outcome: 'hit' }) ?? 0
    const misses0 = sample(before, 'nexatron_cache_lookups_total', { outcome: 'miss' }) ?? 0
    for (let i = 0; i < 2; i++) {
      expect((await t.request('POST', '/api/v1/semantic/query', { body: { metrics: ['order_count'], group_by: ['store__region'] } })).status).toBe(200)
    }
    const after = await scrape()
    expect(sample(after, 'nexatron_cache_lookups_total', { outcome: 'miss' })).toBe(misses0 + 1)
    expect(sample(after, 'nexatron_cache_lookups_total', { outcome: 'hit' })).toBe(hits0 + 1)
  })

  it('shows an SSE answer as an open stream while it streams, and closed after', async () => {
    const res = await t.request('POST', '/api/v1/query/stream', { body: { question: 'total sales by store this year' } })
    expect(res.status).toBe(200)
    const reader = res.body!.getReader()
    expect((await reader.read()).done).toBe(false)
    expect(sample(await scrape(), 'nexatron_sse_streams_open')).toBe(1)
    while (!(await reader.read()).done) { /* drain */ }
    // The stream's cleanup runs once its last event is written.
    let open: number | undefined
    for (let i = 0; i < 50 && open !== 0; i++) { open = sample(await scrape(), 'nexatron_sse_streams_open'); if (open) await sleep(20) }
    expect(open).toBe(0)
  })

  it('counts webhook deliveries by outcome', async () => {
    const submit = async (hook: string) => {
      const res = await t.request('POST', '/api/v1/query', { body: { question: 'total sales', webhook_url: hook } })
      expect(res.status, await res.clone().text()).toBe(202)
      return (await res.json()).id as string
    }
    const ids = [await submit('http://127.0.0.1:9/ok'), await submit('http://127.0.0.1:9/down')]
    const s = t.services
    const worker = new JobWorker({
      db: s.store.db, history: s.history, runner: s.runner, connections: s.connections, secrets: s.webhookSecrets,
      principals: s.auth, audit: s.audit, hostPolicy: { policy: 'all', allowSocketHosts: false }, logger: s.logger, fetch: fakeFetch,
      concurrency: 2, maxWebhookAttempts: 1, historyRows: 100, pollMs: 20, backoffBaseMs: 20, metrics: s.metrics,
    })
    worker.start()
    try {
      for (let i = 0; i < 400; i++) {
        const rows = await Promise.all(ids.map((id) => s.history.getById(id)))
        if (rows.every((r) => r?.webhookStatus === 'delivered' || r?.webhookStatus === 'failed')) break
        await sleep(25)
      }
    } finally { await worker.stop() }
    const text = await scrape()
    expect(sample(text, 'nexatron_webhook_deliveries_total', { outcome: 'delivered' })).toBe(1)
    expect(sample(text, 'nexatron_webhook_deliveries_total', { outcome: 'failed' })).toBe(1)
    expect(sample(text, 'nexatron_webhook_deliveries_total', { outcome: 'retrying' })).toBe(0)
  })

  it('counts 429 rejections by error code', async () => {
    const { key } = await t.services.apiKeys.create(t.tenantId, { name: 'burst', scopes: ['*'] })
    let limited = 0
    for (let i = 0; i < RATE_PER_HOUR + 3; i++) {
      const res = await t.request('GET', '/api/v1/query/history', { key })
      if (res.status === 429) { limited++; expect((await res.json()).error.code).toBe('rate_limited') }
    }
    expect(limited).toBeGreaterThanOrEqual(3)
    const text = await scrape()
    expect(sample(text, 'nexatron_rejections_total', { code: 'rate_limited' })).toBe(limited)
    expect(sample(text, 'nexatron_http_request_duration_seconds_count', { route: '/api/v1/query/history', method: 'GET', status: '429' })).toBe(limited)
  })
})
