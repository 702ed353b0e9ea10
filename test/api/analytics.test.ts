import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { queries, tenants } from '../../src/store/schema'
import { eq } from 'drizzle-orm'

let t: TestApp
let other: { tenantId: string; adminKey: string }
let connA: string
let connB: string
let userId: string
let keyId: string

const DAY1 = '2026-03-10'
const DAY2 = '2026-03-11'
const RANGE = `since=${DAY1}&until=2026-03-13`
let seq = 0

function run(tenantId: string, o: { day: string; hour?: number; principal: string; conn: string; status: string; ms?: number | null; rows?: number | null; usage?: unknown }) {
  return {
    id: `qry_analytics${(seq++).toString().padStart(8, '0')}`, tenantId, principalId: o.principal, connectionId: o.conn, question: 'q', status: o.status,
    durationMs: o.ms ?? null, rowCount: o.rows ?? null, usage: o.usage ?? null, createdAt: new Date(`${o.day}T${String(o.hour ?? 12).padStart(2, '0')}:00:00Z`),
  }
}

const report = async (query: string, key?: string) => {
  const res = await t.request('GET', `/api/v1/analytics/usage?${query}`, { key })
  expect(res.status, await res.clone().text()).toBe(200)
  return res.json()
}

beforeAll(async () => {
  t = await createTestApp()
  other = await t.newTenant('analytics-other')
  const mk = async (name: string, type: string, config: Record<string, unknown>) => (await (await t.request('POST', '/api/v1/connections', { body: { name, type, config } })).json()).id as string
  // A tenant has one demo connection; the second one is a (closed) PostgreSQL port: only its name is reported.
  connA = await mk('warehouse a', 'pglite', { demo: true })
  connB = await mk('warehouse b', 'postgres', { host: '127.0.0.1', port: 9, database: 'b', user: 'b' })
  userId = (await (await t.request('POST', '/api/v1/users', { body: { email: 'analyst-usage@example.com', password: 'a long enough password', role: 'analyst' } })).json()).id
  keyId = (await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'dashboard key', scopes: ['query:run'] } })).json()).id
  const tok = (p: number, c: number) => ({ prompt_tokens: p, completion_tokens: c, total_tokens: p + c, model: 'gpt-x' })
  await t.services.store.db.insert(queries).values([
    // Day 1, user, connection A: four successes (100..400 ms) and one failure.
    run(t.tenantId, { day: DAY1, principal: userId, conn: connA, status: 'succeeded', ms: 100, rows: 10, usage: tok(100, 20) }),
    run(t.tenantId, { day: DAY1, principal: userId, conn: connA, status: 'succeeded', ms: 200, rows: 20, usage: tok(50, 10) }),
    run(t.tenantId, { day: DAY1, principal: userId, conn: connA, status: 'succeeded', ms: 300, rows: 30 }),
    run(t.tenantId, { day: DAY1, principal: userId, conn: connA, status: 'succeeded', ms: 400, rows: 40 }),
    run(t.tenantId, { day: DAY1, principal: userId, conn: connA, status: 'failed', ms: 5000, usage: tok(30, 0) }),
    // Day 2, key, connection B: one success, one cancelled, one queued; and a usage blob of the wrong shape.
    run(t.tenantId, { day: DAY2, principal: keyId, conn: connB, status: 'succeeded', ms: 1000, rows: 1, usage: { total_tokens: 'lots' } }),
    run(t.tenantId, { day: DAY2, principal: keyId, conn: connB, status: 'cancelled', ms: 50 }),
    run(t.tenantId, { day: DAY2, principal: keyId, conn: connB, status: 'queued' }),
    // Outside the range, and another tenant's runs in the range: never counted.
    run(t.tenantId, { day: '2026-03-20', principal: userId, conn: connA, status: 'succeeded', ms: 9, rows: 999 }),
    run(other.tenantId, { day: DAY1, principal: 'key_other', conn: 'conn_other', status: 'succeeded', ms: 7, rows: 777, usage: tok(1000, 1000) }),
  ])
})
afterAll(async () => { await t?.close() })

describe('GET /api/v1/analytics/usage', () => {
  it('totals queries, rows, tokens, errors and latency percentiles over the range', async () => {
    const r = await report(RANGE)
    expect(r.totals).toEqual({
      queries: 8, succeeded: 5, failed: 1, cancelled: 1, pending: 1, rows: 101,
      llm_tokens: { prompt: 180, completion: 30, total: 210 },
      // percentile_cont over succeeded runs 100, 200, 300, 400, 1000.
      latency_ms: { p50: 300, p95: 880, avg: 400 },
      error_rate: 0.1667,
    })
    expect(r.since).toBe('2026-03-10T00:00:00.000Z')
    expect(r.until).toBe('2026-03-13T00:00:00.000Z')
  })

  it('groups by day with every day of the range, zeros included', async () => {
    const r = await report(RANGE)
    expect(r.group_by).toBe('day')
    expect(r.data.map((d: { key: string }) => d.key)).toEqual([DAY1, DAY2, '2026-03-12'])
    const [d1, d2, d3] = r.data
    expect(d1).toMatchObject({ queries: 5, succeeded: 4, failed: 1, rows: 100, latency_ms: { p50: 250, p95: 385, avg: 250 }, error_rate: 0.2 })
    expect(d1.llm_tokens).toEqual({ prompt: 180, completion: 30, total: 210 })
    expect(d2).toMatchObject({ queries: 3, succeeded: 1, cancelled: 1, pending: 1, rows: 1, latency_ms: { p50: 1000, p95: 1000 } })
    expect(d3).toMatchObject({ queries: 0, rows: 0, latency_ms: { p50: null, p95: null, avg: null }, error_rate: 0 })
  })

  it("uses the tenant's time zone for day boundaries", async () => {
    const tz = await t.newTenant('analytics-tokyo')
    await t.services.store.db.update(tenants).set({ timezone: 'Asia/Tokyo' }).where(eq(tenants.id, tz.tenantId))
    // 20:00 UTC on the 10th is the 11th in Tokyo.
    await t.services.store.db.insert(queries).values(run(tz.tenantId, { day: DAY1, hour: 20, principal: 'key_x', conn: 'conn_x', status: 'succeeded', ms: 5 }))
    const r = await report(`since=${DAY1}T15:00:00Z&until=${DAY2}T15:00:00Z`, tz.adminKey)
    expect(r.timezone).toBe('Asia/Tokyo')
    expect(r.data.map((d: { key: string; queries: number }) => [d.key, d.queries])).toEqual([[DAY2, 1]])
  })

  it('groups by user with labels (email for users, name for keys)', async () => {
    const r = await report(`${RANGE}&group_by=user`)
    expect(r.data.map((d: { key: string; label: string; queries: number }) => [d.key, d.label, d.queries])).toEqual([
      [userId, 'analyst-usage@example.com', 5], [keyId, 'dashboard key', 3],
    ])
  })

  it('groups by connection with its name', async () => {
    const r = await report(`${RANGE}&group_by=connection`)
    expect(r.data.map((d: { key: string; label: string; rows: number }) => [d.key, d.label, d.rows])).toEqual([[connA, 'warehouse a', 100], [connB, 'warehouse b', 1]])
  })

  it('defaults to the last 30 days', async () => {
    const r = await report('')
    expect(Date.parse(r.until) - Date.parse(r.since)).toBe(30 * 86_400_000)
    expect(r.data.length).toBeGreaterThanOrEqual(30)
    expect(r.totals.queries).toBe(0)
  })

  it.each([
    ['group_by=week'], ['since=2026-03-12&until=2026-03-10'], ['since=2020-01-01&until=2026-01-01'], ['since=last%20week'], ['until=2026-13-45'],
  ])('answers 400 validation_error for %s', async (q) => {
    const res = await t.request('GET', `/api/v1/analytics/usage?${q}`)
    expect(res.status).toBe(400)
    expect((await res.json()).error.code).toBe('validation_error')
  })

  it('needs audit:read', async () => {
    expect((await t.request('GET', '/api/v1/analytics/usage', { key: null })).status).toBe(401)
    const k = (await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'runner', scopes: ['query:run', 'query:read'] } })).json()).key
    expect((await t.request('GET', '/api/v1/analytics/usage', { key: k })).status).toBe(403)
  })

  it("counts only the caller's tenant", async () => {
    const r = await report(RANGE, other.adminKey)
    expect(r.totals).toMatchObject({ queries: 1, rows: 777, llm_tokens: { total: 2000 } })
    const byUser = await report(`${RANGE}&group_by=user`, other.adminKey)
    expect(byUser.data.map((d: { key: string }) => d.key)).toEqual(['key_other'])
    const byConn = await report(`${RANGE}&group_by=connection`)
    expect(byConn.data.map((d: { key: string }) => d.key)).not.toContain('conn_other')
  })
})
