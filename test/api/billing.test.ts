// Plans, quotas and metering through the API: the plan and its limits, monthly
// quotas answered 429 quota_exceeded with Retry-After and X-Quota-* headers,
// units given back when a request never ran, connections and seats refused at
// create, the plan's requests per hour in X-RateLimit-Limit, usage per day,
// NDJSON meter events with stable identifiers, and the CLI's set-plan.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createTestApp } from '../support/test-app'
import { monthOf } from '../../src/billing/plans'

const PLANS = JSON.stringify({
  tiny: { requests_per_hour: 500, queries_per_month: 3, rows_per_month: null, llm_tokens_per_month: null, connections: 1, seats: 2 },
  rowcap: { requests_per_hour: 500, queries_per_month: null, rows_per_month: 1, llm_tokens_per_month: null, connections: null, seats: null },
})
let t: Awaited<ReturnType<typeof createTestApp>>
const system = { type: 'system' as const, id: null, display: 'test' }

beforeAll(async () => { t = await createTestApp({ NEXATRON_PLANS: PLANS }, { demo: true }) })
afterAll(async () => { await t?.close() })

const ask = (key?: string, body: Record<string, unknown> = { question: 'total sales', connection_id: t.demoConnectionId }) => t.request('POST', '/api/v1/query', { key, body })

describe('GET /api/v1/billing/plan', () => {
  it('answers the default plan (enterprise), its limits, usage and the period', async () => {
    const res = await t.request('GET', '/api/v1/billing/plan')
    expect(res.status).toBe(200)
    const { start, end } = monthOf(new Date())
    expect(await res.json()).toMatchObject({
      name: 'enterprise', limits: { requests_per_hour: 100000, queries_per_month: null, connections: null },
      usage: { connections: 1, seats: 0 }, period_start: start.toISOString(), period_end: end.toISOString(),
    })
  })

  it('follows a plan change, which is audited', async () => {
    const other = await t.newTenant('billing-plan-change')
    await t.services.billing.setPlan(other.tenantId, 'team', system)
    expect((await (await t.request('GET', '/api/v1/billing/plan', { key: other.adminKey })).json())).toMatchObject({ name: 'team', limits: { seats: 50 } })
    const audit = (await (await t.request('GET', '/api/v1/audit-log?action=plan.', { key: other.adminKey })).json()).data
    expect(audit[0]).toMatchObject({ action: 'plan.change', actor: { type: 'system' }, resource: { type: 'tenant', id: other.tenantId }, details: { plan_from: 'enterprise', plan_to: 'team' } })
    await expect(t.services.billing.setPlan(other.tenantId, 'platinum', system)).rejects.toMatchObject({ code: 'validation_error' })
  })
})

describe('monthly quotas', () => {
  it('counts queries in X-Quota-*, then answers 429 quota_exceeded naming the quota with Retry-After to the month end', async () => {
    const other = await t.newTenant('billing-quota')
    await t.services.billing.setPlan(other.tenantId, 'tiny', system)
    // A request refused before it runs (invalid body) takes nothing.
    expect((await t.request('POST', '/api/v1/query', { key: other.adminKey, body: { question: '' } })).status).toBe(400)
    const remaining: string[] = []
    for (let i = 0; i < 3; i++) {
      const res = await t.request('POST', '/api/v1/query', { key: other.adminKey, body: { question: 'how many?' } })
      await res.text()
      expect(res.headers.get('x-quota-limit')).toBe('3')
      remaining.push(res.headers.get('x-quota-remaining')!)
    }
    expect(remaining).toEqual(['2', '1', '0'])
    const refused = await t.request('POST', '/api/v1/query', { key: other.adminKey, body: { question: 'how many?' } })
    expect(refused.status).toBe(429)
    const body = await refused.json()
    expect(body.error).toMatchObject({ code: 'quota_exceeded', details: [{ quota: 'queries_per_month', limit: 3 }] })
    const { end } = monthOf(new Date())
    const retryAfter = Number(refused.headers.get('retry-after'))
    expect(Math.abs(retryAfter - (end.getTime() - Date.now()) / 1000)).toBeLessThan(5)
    expect(refused.headers.get('x-quota-reset')).toBe(String(end.getTime() / 1000))
    expect(refused.headers.get('x-quota-remaining')).toBe('0')
    // The structured query route shares the quota.
    expect((await t.request('POST', '/api/v1/semantic/query', { key: other.adminKey, body: { metrics: ['total_sales'] } })).status).toBe(429)
    expect((await (await t.request('GET', '/api/v1/billing/plan', { key: other.adminKey })).json()).usage.queries).toBe(3)
  })

  it('meters the rows an answer returned and refuses the next query once the rows quota is spent', async () => {
    await t.services.billing.setPlan(t.tenantId, 'rowcap', system)
    try {
      const first = await ask(undefined, { question: 'total sales by region', connection_id: t.demoConnectionId })
      expect(first.status).toBe(200)
      const answer = await first.json()
      expect(answer.row_count).toBeGreaterThan(1)
      let res = await ask()
      for (let i = 0; i < 40 && res.status === 200; i++) { await res.text(); await new Promise((r) => setTimeout(r, 50)); res = await ask() }
      expect(res.status).toBe(429)
      expect((await res.json()).error.details[0]).toMatchObject({ quota: 'rows_per_month', limit: 1 })
    } finally {
      await t.services.billing.setPlan(t.tenantId, 'enterprise', system)
    }
  })

  it("reports the plan's requests per hour in X-RateLimit-Limit when it binds", async () => {
    const other = await t.newTenant('billing-rate')
    await t.services.billing.setPlan(other.tenantId, 'tiny', system)
    const res = await t.request('GET', '/api/v1/billing/plan', { key: other.adminKey })
    expect(res.headers.get('x-ratelimit-limit')).toBe('500')
    expect((await t.request('GET', '/api/v1/billing/plan')).headers.get('x-ratelimit-limit')).toBe('1000')
  })
})

describe('connections and seats', () => {
  it('refuses a connection or a user beyond the plan with 403 plan_limit_reached', async () => {
    const other = await t.newTenant('billing-capacity')
    await t.services.billing.setPlan(other.tenantId, 'tiny', system)
    const conn = (n: string) => t.request('POST', '/api/v1/connections', { key: other.adminKey, body: { name: n, type: 'pglite', config: { demo: true } } })
    expect((await conn('first')).status).toBe(201)
    const refused = await conn('second')
    expect(refused.status).toBe(403)
    expect((await refused.json()).error).toMatchObject({ code: 'plan_limit_reached', details: [{ limit: 'connections', max: 1, plan: 'tiny' }] })
    const user = (e: string) => t.request('POST', '/api/v1/users', { key: other.adminKey, body: { email: e, password: 'a long enough password', role: 'viewer' } })
    expect((await user('a@example.com')).status).toBe(201)
    expect((await user('b@example.com')).status).toBe(201)
    const third = await user('c@example.com')
    expect(third.status).toBe(403)
    expect((await third.json()).error.details[0]).toMatchObject({ limit: 'seats', max: 2 })
    // A disabled user frees a seat; enabling them again takes it back, and is refused when none is left.
    const users = (await (await t.request('GET', '/api/v1/users', { key: other.adminKey })).json()).data as Array<{ id: string; email: string }>
    const a = users.find((u) => u.email === 'a@example.com')!
    expect((await t.request('PATCH', `/api/v1/users/${a.id}`, { key: other.adminKey, body: { disabled: true } })).status).toBe(200)
    expect((await user('c@example.com')).status).toBe(201)
    const again = await t.request('PATCH', `/api/v1/users/${a.id}`, { key: other.adminKey, body: { disabled: false } })
    expect(again.status).toBe(403)
    expect((await again.json()).error.code).toBe('plan_limit_reached')
    // The refusal is in the audit log as a failed create.
    const audit = (await (await t.request('GET', '/api/v1/audit-log?action=connection.create&outcome=denied', { key: other.adminKey })).json()).data
    expect(audit[0]).toMatchObject({ details: { error_code: 'plan_limit_reached', status: 403 } })
  })
})

describe('usage and meter events', () => {
  it('answers units per day, and the meter events as NDJSON with stable, unique identifiers', async () => {
    const today = new Date().toISOString().slice(0, 10)
    const usageToday = async () => {
      const u = await (await t.request('GET', `/api/v1/billing/usage?period=${today.slice(0, 7)}`)).json()
      return { totals: u.totals, day: u.days.find((d: { date: string }) => d.date === today) ?? { queries: 0, rows: 0 } }
    }
    const before = await usageToday()
    const since = new Date()
    let rows = 0
    for (let i = 0; i < 2; i++) {
      const res = await ask(undefined, { question: 'total sales by region', connection_id: t.demoConnectionId })
      expect(res.status).toBe(200)
      rows += (await res.json()).row_count
    }
    await new Promise((r) => setTimeout(r, 300))
    const after = await usageToday()
    expect(after.totals.queries - before.totals.queries).toBe(2)
    expect(after.totals.rows - before.totals.rows).toBe(rows)
    expect(after.day.queries - before.day.queries).toBe(2)
    expect(after.day.rows - before.day.rows).toBe(rows)

    const read = async () => {
      const res = await t.request('GET', `/api/v1/billing/meter-events?since=${encodeURIComponent(since.toISOString())}`)
      expect(res.headers.get('content-type')).toBe('application/x-ndjson')
      return (await res.text()).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))
    }
    const events = await read()
    expect(events.filter((e) => e.event_name === 'queries').map((e) => e.value)).toEqual([1, 1])
    expect(events.filter((e) => e.event_name === 'rows').reduce((n, e) => n + e.value, 0)).toBe(rows)
    for (const e of events) expect(e).toMatchObject({ tenant: t.tenantId, timestamp: expect.any(Number), payload: { value: String(e.value), tenant: t.tenantId } })
    expect(new Set(events.map((e) => e.identifier)).size).toBe(events.length)
    expect((await read()).map((e) => e.identifier)).toEqual(events.map((e) => e.identifier))
  })

  it.each([
    ['/api/v1/billing/usage?period=2026-13'], ['/api/v1/billing/meter-events'], ['/api/v1/billing/meter-events?since=yesterday'],
  ])('answers 400 validation_error for %s', async (p) => {
    const res = await t.request('GET', p)
    expect(res.status).toBe(400)
    expect((await res.json()).error.code).toBe('validation_error')
  })

  it('needs billing:read for usage and meter events; any credential of the tenant may read its plan', async () => {
    const k = (await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'no billing', scopes: ['query:read'] } })).json()).key
    expect((await t.request('GET', '/api/v1/billing/usage', { key: k })).status).toBe(403)
    expect((await t.request('GET', '/api/v1/billing/meter-events?since=2026-01-01', { key: k })).status).toBe(403)
    expect((await t.request('GET', '/api/v1/billing/plan', { key: k })).status).toBe(200)
    expect((await t.request('GET', '/api/v1/billing/plan', { key: null })).status).toBe(401)
  })

  it('documents every billing and audit endpoint in the OpenAPI document', async () => {
    const doc = await (await t.request('GET', '/openapi.json', { key: null })).json()
    for (const p of ['/api/v1/billing/plan', '/api/v1/billing/usage', '/api/v1/billing/meter-events', '/api/v1/audit-log', '/api/v1/audit-log/verify', '/api/v1/audit-log/export']) {
      expect(doc.paths[p]?.get, p).toBeDefined()
    }
  })
})

describe('npx nexatron tenants set-plan', () => {
  const run = promisify(execFile)
  it('sets a plan in the embedded store, refuses an unknown one, and refuses while the store is in use', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nexatron-plan-'))
    const env = { ...process.env, NEXATRON_DATA_DIR: dir, LOG_LEVEL: 'silent', NEXATRON_DEMO: 'false' }
    const cli = (...args: string[]) => run(process.execPath, ['bin/nexatron.mjs', ...args], { env, timeout: 90_000 })
    try {
      await cli('tenants', 'create', 'acme')
      expect((await cli('tenants', 'set-plan', 'acme', 'team')).stdout).toMatch(/plan enterprise -> team/)
      await expect(cli('tenants', 'set-plan', 'acme', 'platinum')).rejects.toMatchObject({ stderr: expect.stringContaining('unknown plan "platinum"') })
      await expect(cli('tenants', 'set-plan', 'nobody', 'team')).rejects.toMatchObject({ stderr: expect.stringContaining('no tenant named "nobody"') })
      const { openStore } = await import('../../src/store/db')
      const store = await openStore({ dataDir: dir })
      try {
        await expect(cli('tenants', 'set-plan', 'acme', 'free')).rejects.toMatchObject({ stderr: expect.stringMatching(/in use|locked/i) })
      } finally { await store.close() }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 180_000)
})
