// The embedded demo warehouse (PGlite) cannot stall the server. An
// authorised attack froze /health for every tenant with one statement on it:
// PGlite ran on the server's own thread, `timeout_ms` was never applied to it,
// and any tenant could point a connection at it. Now it runs on its own thread
// (src/demo/warehouse-host.ts) and a statement that outlives its timeout is
// stopped from the server's thread.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { createTestApp, type TestApp } from '../support/test-app'
import { DemoWarehouse } from '../../src/demo/warehouse-host'

const NOW = new Date('2026-11-23T12:00:00Z')
// Counting this many rows takes PGlite minutes: only a stopped statement answers quickly.
const ENDLESS = '(SELECT count(*) FROM generate_series(1, 2000000000)) > 0'

describe('the demo warehouse under a hostile statement', () => {
  let t: TestApp & { demoConnectionId?: string }
  let warehouse: DemoWarehouse
  beforeAll(async () => {
    warehouse = new DemoWarehouse(NOW)
    await warehouse.start()
    t = await createTestApp({}, { demo: true, demoWarehouse: warehouse, now: () => NOW })
    const res = await t.request('PATCH', `/api/v1/connections/${t.demoConnectionId}`, { body: { options: { timeout_ms: 1500 } } })
    expect(res.status).toBe(200)
  })
  afterAll(async () => {
    await t?.close()
    await warehouse?.close()
  })

  it('stops the statement at its timeout while the server keeps answering', async () => {
    const lag = monitorEventLoopDelay({ resolution: 10 })
    lag.enable()
    const started = Date.now()
    const query = t.request('POST', '/api/v1/semantic/query', { body: { metrics: ['total_sales'], where: [ENDLESS] } })
    // The server answers other requests while the statement runs.
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 200))
      expect((await t.request('GET', '/health', { key: null })).status).toBe(200)
    }
    const res = await query
    const elapsed = Date.now() - started
    lag.disable()
    const body = await res.json()
    expect(res.status, JSON.stringify(body)).toBe(422)
    expect(body.error.code).toBe('query_timeout')
    // Well under what the statement needs; generous for a loaded 2-core machine.
    expect(elapsed).toBeLessThan(15_000)
    // The event loop was never held for anything like the statement's run time.
    expect(lag.max / 1e6).toBeLessThan(1_000)
  })

  it('answers the next question after replacing a stuck thread', async () => {
    const res = await t.request('POST', '/api/v1/query', { body: { question: 'total sales in 2025' } })
    const body = await res.json()
    expect(res.status, JSON.stringify(body)).toBe(200)
    expect(body.data[0].total_sales).toBeGreaterThan(0)
    expect(warehouse.starts).toBeGreaterThanOrEqual(2)
  })

  it('cancels the statement when the client goes away', async () => {
    const controller = new AbortController()
    const run = t.services.runner
    const principal = { tenantId: t.tenantId, kind: 'api_key' as const, id: 'key_test', scopes: ['*'] }
    const prepared = await run.prepare({ principal, semantic: { metrics: ['total_sales'], group_by: [], where: [ENDLESS] }, connectionId: t.demoConnectionId })
    const started = Date.now()
    const consume = (async () => { for await (const _ of run.execute(prepared, controller.signal)) { /* drain */ } })()
    setTimeout(() => controller.abort(), 300)
    await expect(consume).rejects.toMatchObject({ code: 'query_cancelled' })
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('gives each tenant at most one demo connection', async () => {
    const other = await t.newTenant('other')
    const first = await t.request('POST', '/api/v1/connections', { key: other.adminKey, body: { name: 'demo', type: 'pglite', config: { demo: true } } })
    expect(first.status).toBe(201)
    const second = await t.request('POST', '/api/v1/connections', { key: other.adminKey, body: { name: 'demo2', type: 'pglite', config: { demo: true } } })
    expect(second.status).toBe(409)
    expect((await second.json()).error.details[0]).toMatchObject({ path: 'type' })
  })
})

describe('a tenant that raises its demo connection\'s timeout', () => {
  let t: TestApp & { demoConnectionId?: string }
  let warehouse: DemoWarehouse
  beforeAll(async () => {
    // The shared warehouse's own cap, small here so the test is quick (10 s by default).
    warehouse = new DemoWarehouse(NOW, { maxStatementMs: 1500 })
    await warehouse.start()
    t = await createTestApp({}, { demo: true, demoWarehouse: warehouse, now: () => NOW })
  })
  afterAll(async () => {
    await t?.close()
    await warehouse?.close()
  })

  it('still has its statement stopped at the shared warehouse\'s cap, not after the minutes it asked for (the attack: hold the one demo thread every tenant shares)', async () => {
    const patched = await t.request('PATCH', `/api/v1/connections/${t.demoConnectionId}`, { body: { options: { timeout_ms: 300_000 } } })
    expect(patched.status).toBe(200)
    const started = Date.now()
    const res = await t.request('POST', '/api/v1/semantic/query', { body: { metrics: ['total_sales'], where: [ENDLESS] } })
    const body = await res.json()
    expect(res.status, JSON.stringify(body)).toBe(422)
    expect(body.error.code).toBe('query_timeout')
    expect(Date.now() - started).toBeLessThan(12_000)
    // another tenant's demo question is answered right after
    const other = await t.newTenant('neighbour')
    const conn = await (await t.request('POST', '/api/v1/connections', { key: other.adminKey, body: { name: 'demo', type: 'pglite', config: { demo: true } } })).json()
    // the stuck thread is replaced (it reloads the data: a moment on a loaded machine), then serves the neighbour
    // (up to 30 s: reloading the demo data takes seconds when the machine's cores are busy)
    let answer = await t.request('POST', `/api/v1/connections/${conn.id}/test`, { key: other.adminKey })
    for (const until = Date.now() + 30_000; answer.status !== 200 && Date.now() < until;) {
      await new Promise((r) => setTimeout(r, 250))
      answer = await t.request('POST', `/api/v1/connections/${conn.id}/test`, { key: other.adminKey })
    }
    expect(answer.status, await answer.clone().text()).toBe(200)
    expect((await answer.json()).ok).toBe(true)
  })
})
