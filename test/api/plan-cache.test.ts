// The same question asked afresh on the same view of the same layer is
// planned once; a changed layer, another key's view, another day, a follow-up
// or an LLM plan is planned again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { createOfflinePlanner } from '../../src/planner/offline/offline-planner'
import type { Plan, Planner } from '../../src/planner/planner'
import { PlanCache } from '../../src/query/plan-cache'

let planned: string[] = []
const offline = createOfflinePlanner()
const counting: Planner = {
  plan: async (question, catalog, history, ctx, signal) => { planned.push(question); return offline.plan(question, catalog, history, ctx, signal) },
}

let now = new Date('2026-03-10T12:00:00Z')
let t: TestApp & { demoConnectionId?: string }
beforeAll(async () => { t = await createTestApp({}, { demo: true, planner: counting, now: () => now }) }, 120_000)
afterAll(async () => { await t?.close() })

const ask = async (body: Record<string, unknown>, key?: string) => {
  const res = await t.request('POST', '/api/v1/query', { body, key })
  return { status: res.status, body: await res.json() }
}

describe('planning a repeated question', () => {
  it('plans it once while nothing changes, with the same answer each time', async () => {
    planned = []
    const a = await ask({ question: 'total sales by region last month' })
    const b = await ask({ question: 'total sales by region last month' })
    expect(a.status).toBe(200)
    expect(b.body.plan).toEqual(a.body.plan)
    expect(b.body.data).toEqual(a.body.data)
    expect(planned).toEqual(['total sales by region last month'])
  })

  it('plans it again on another day, and for a follow-up in a conversation', async () => {
    planned = []
    const first = await ask({ question: 'orders last month' })
    now = new Date('2026-04-10T12:00:00Z')
    const later = await ask({ question: 'orders last month' })
    expect(later.body.plan.query.time_constraint).not.toEqual(first.body.plan.query.time_constraint)
    await ask({ question: 'orders last month', conversation_id: later.body.conversation_id })
    expect(planned).toEqual(['orders last month', 'orders last month', 'orders last month'])
  })

  it('plans it again once the layer changed', async () => {
    planned = []
    await ask({ question: 'units sold last month' })
    const metrics = await (await t.request('GET', `/api/v1/semantic/metrics?connection_id=${t.demoConnectionId}&limit=100`)).json()
    const id = metrics.data.find((m: { name: string }) => m.name === 'total_sales').id
    expect((await t.request('PATCH', `/api/v1/semantic/metrics/${id}`, { body: { description: 'Revenue net of discounts.' } })).status).toBe(200)
    await ask({ question: 'units sold last month' })
    expect(planned).toEqual(['units sold last month', 'units sold last month'])
  })
})

describe('the plan cache', () => {
  const plan = (planner: Plan['planner'], usage?: object): Plan => ({ kind: 'semantic', query: { metrics: ['m'] }, confidence: 1, reasons: [], planner, ...(usage && { usage }) } as Plan)
  const key = (minute: number) => PlanCache.key({ catalogKey: 'c', fingerprint: 'v1', timezone: 'UTC', now: new Date(minute * 60_000), question: 'q' })

  it('keeps offline plans only, per minute, and hands out copies', () => {
    const cache = new PlanCache()
    cache.set(key(1), plan('llm'))
    cache.set(key(2), plan('offline', { prompt_tokens: 1 }))
    expect(cache.size).toBe(0)
    cache.set(key(3), plan('offline'))
    expect(key(3)).not.toBe(key(4))
    const got = cache.get(key(3))!
    expect(got).toEqual(plan('offline'))
    ;(got as Extract<Plan, { kind: 'semantic' }>).query.metrics.push('changed')
    expect(cache.get(key(3))).toEqual(plan('offline'))
  })

  it('holds a bounded number of plans, least recently used out first', () => {
    const cache = new PlanCache(2)
    cache.set(key(1), plan('offline'))
    cache.set(key(2), plan('offline'))
    cache.get(key(1))
    cache.set(key(3), plan('offline'))
    expect(cache.size).toBe(2)
    expect(cache.get(key(2))).toBeUndefined()
    expect(cache.get(key(1))).toBeDefined()
  })
})
