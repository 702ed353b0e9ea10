// Quotas are counted in PostgreSQL, not in process memory: two app instances
// over one store admit exactly the plan's queries between them, however the
// requests interleave, and meter exactly what ran.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { createTestApp } from '../support/test-app'
import { serviceAvailable } from '../support/services'
import { scratchDatabase } from '../support/scratch-database'
import { buildServices } from '../../src/container'
import { createApp } from '../../src/app'
import { loadConfig } from '../../src/config'
import { createLogger } from '../../src/logger'

const hasPg = await serviceAvailable('postgres')
const scratch = scratchDatabase('nexatron_billing')
const env = {
  DATABASE_URL: scratch.url, NEXATRON_SECRET_KEY: randomBytes(32).toString('base64'),
  NEXATRON_PLANS: JSON.stringify({ metered: { requests_per_hour: null, queries_per_month: 25, rows_per_month: null, llm_tokens_per_month: null, connections: null, seats: null } }),
  NEXATRON_MAX_CONCURRENT_QUERIES_PER_KEY: '100', NEXATRON_MAX_CONCURRENT_QUERIES_PER_TENANT: '100',
}

describe.skipIf(!hasPg)('quotas across two instances on one PostgreSQL', () => {
  let a: Awaited<ReturnType<typeof createTestApp>>
  let b: Awaited<ReturnType<typeof buildServices>>
  let appB: ReturnType<typeof createApp>
  beforeAll(async () => {
    await scratch.create()
    a = await createTestApp(env, { demo: true })
    b = await buildServices(loadConfig({ NEXATRON_DEMO: 'false', LOG_LEVEL: 'silent', ...env }), { inMemory: true, logger: createLogger('silent'), demoDb: a.demoDb })
    appB = createApp(b)
  }, 120_000)
  afterAll(async () => {
    await b?.dispose()
    await a?.close()
    await scratch.drop()
  })

  it('admits exactly the monthly quota between them and meters exactly what ran', async () => {
    await a.services.billing.setPlan(a.tenantId, 'metered', { type: 'system', id: null })
    const body = JSON.stringify({ question: 'total sales by region', connection_id: a.demoConnectionId })
    const headers = { authorization: `Bearer ${a.adminKey}`, 'content-type': 'application/json' }
    const one = async (i: number) => {
      const res = await (i % 2 ? appB : a.app).request('/api/v1/query', { method: 'POST', headers, body })
      const json = await res.json() as { row_count?: number; error?: { code: string } }
      return { status: res.status, rows: json.row_count ?? 0, code: json.error?.code }
    }
    // Waves of 8 at once (4 per instance): concurrent enough to race on the
    // counter, within what the demo warehouse's pool serves.
    const results: Array<Awaited<ReturnType<typeof one>>> = []
    for (let w = 0; w < 5; w++) results.push(...await Promise.all(Array.from({ length: 8 }, (_, i) => one(w * 8 + i))))
    const ok = results.filter((r) => r.status === 200)
    expect(ok).toHaveLength(25)
    expect(results.filter((r) => r.status === 429).map((r) => r.code)).toEqual(Array(15).fill('quota_exceeded'))
    await new Promise((r) => setTimeout(r, 500))
    // Both instances read the same figures from the store.
    const usedA = await a.services.billing.monthUsage(a.tenantId)
    const usedB = await b.billing.monthUsage(a.tenantId)
    expect(usedA).toEqual(usedB)
    expect(usedA.queries).toBe(25)
    expect(usedA.rows).toBe(ok.reduce((n, r) => n + r.rows, 0))
    const events: Array<{ event_name: string; value: number }> = []
    for await (const e of b.billing.meterEvents(a.tenantId, new Date(Date.now() - 3600_000))) events.push(e)
    expect(events.filter((e) => e.event_name === 'queries')).toHaveLength(25)
  }, 120_000)
})
