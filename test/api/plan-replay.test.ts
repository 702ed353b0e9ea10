// An answer's `plan.query` (and every clarification candidate's) is a
// structured semantic query a BI tool can keep and run again through
// POST /semantic/query without the planner: the same SQL and the same rows.
// Questions cover each shape the planner writes (filters, time ranges, top-N,
// period comparisons, offset metrics, shares, per-X ratios).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

const NOW = new Date('2026-11-23T12:00:00Z')
let t: TestApp
beforeAll(async () => { t = await createTestApp({}, { demo: true, now: () => NOW }) })
afterAll(async () => { await t?.close() })

const QUESTIONS = [
  'total sales last quarter',
  'sales by region last quarter',
  'top 5 stores by sales this year',
  'monthly sales in California excluding Electronics',
  'sales this year vs last year',
  'month over month growth in sales this year',
  'what % of sales came from Electronics last year',
  'share of sales by region in 2025',
  'average order value by segment in 2025',
  'stores with sales over 30000 this year',
]

interface Answer { status?: string; sql: string; params: unknown[]; data: Array<Record<string, unknown>>; plan: { kind: string; query: Record<string, unknown> } }

async function replay(query: Record<string, unknown>) {
  const res = await t.request('POST', '/api/v1/semantic/query', { body: query })
  return { status: res.status, body: await res.json() as Answer & { error?: unknown } }
}

describe('a plan from an answer runs again through /semantic/query', () => {
  for (const question of QUESTIONS) {
    it(`replays the plan of "${question}" to the same SQL and rows`, async () => {
      const res = await t.request('POST', '/api/v1/query', { body: { question } })
      expect(res.status).toBe(200)
      const answer = await res.json() as Answer
      expect(answer.plan.kind).toBe('semantic')
      const again = await replay(answer.plan.query)
      expect(again.status, JSON.stringify(again.body).slice(0, 400)).toBe(200)
      expect(again.body.sql).toBe(answer.sql)
      expect(again.body.params).toEqual(answer.params)
      expect(again.body.data).toEqual(answer.data)
    })
  }

  it('replays every candidate of a clarification, each also run by its id alone', async () => {
    const res = await t.request('POST', '/api/v1/query', { body: { question: 'sales per customer' } })
    expect(res.status).toBe(422)
    const { error } = await res.json() as { error: { code: string; details: Array<{ candidates?: Array<{ id: string; phrase: string; plan: Record<string, unknown> }> }> } }
    expect(error.code).toBe('ambiguous_question')
    const candidates = error.details[0].candidates ?? []
    expect(candidates.length).toBeGreaterThan(0)
    for (const c of candidates) {
      const chosen = await t.request('POST', '/api/v1/query', { body: { interpretation: c.id } })
      expect(chosen.status).toBe(200)
      const answer = await chosen.json() as Answer & { question: string }
      // Asked by its id alone, the interpretation's own phrase is what history records as asked.
      expect(answer.question).toBe(c.phrase)
      const again = await replay(c.plan)
      expect(again.status, JSON.stringify(again.body).slice(0, 400)).toBe(200)
      expect(again.body.sql).toBe(answer.sql)
      expect(again.body.data).toEqual(answer.data)
    }
  })
})

describe('an interpretation chosen by its id alone', () => {
  it('starts a conversation that a follow-up continues', async () => {
    const res = await t.request('POST', '/api/v1/query', { body: { question: 'sales per customer' } })
    const { error } = await res.json() as { error: { details: Array<{ candidates: Array<{ id: string }> }> } }
    const chosen = await t.request('POST', '/api/v1/query', { body: { interpretation: error.details[0].candidates[0].id } })
    expect(chosen.status).toBe(200)
    const first = await chosen.json() as { conversation_id: string; plan: { query: { metrics: string[] } } }
    expect(first.conversation_id).toMatch(/^conv_/)
    const next = await t.request('POST', '/api/v1/query', { body: { question: 'only last month', conversation_id: first.conversation_id } })
    expect(next.status).toBe(200)
    const followUp = await next.json() as { conversation_id: string; plan: { query: { metrics: string[]; time_constraint?: unknown } } }
    expect(followUp.conversation_id).toBe(first.conversation_id)
    expect(followUp.plan.query.metrics).toEqual(first.plan.query.metrics)
    expect(followUp.plan.query.time_constraint).toEqual({ start: '2026-10-01', end: '2026-10-31' })
  })

  it('streams like POST /query, and a request with neither words nor an interpretation names the missing field', async () => {
    const res = await t.request('POST', '/api/v1/query', { body: { question: 'sales per customer' } })
    const { error } = await res.json() as { error: { details: Array<{ candidates: Array<{ id: string }> }> } }
    const streamed = await t.request('POST', '/api/v1/query/stream', { body: { interpretation: error.details[0].candidates[0].id } })
    expect(streamed.status).toBe(200)
    const text = await streamed.text()
    expect(text).toContain('event: done')
    for (const path of ['/api/v1/query', '/api/v1/query/stream']) {
      const bad = await t.request('POST', path, { body: { conversation_id: 'conv_x' } })
      expect(bad.status).toBe(400)
      const body = await bad.json() as { error: { code: string; details: Array<{ path: string }> } }
      expect(body.error.code).toBe('validation_error')
      expect(body.error.details[0].path).toBe('question')
    }
  })
})

describe('a plan sent back to POST /query as `plan`', () => {
  it("runs a candidate's plan, or an answer's whole plan, to the same SQL and rows as before", async () => {
    const res = await t.request('POST', '/api/v1/query', { body: { question: 'sales per customer' } })
    const { error } = await res.json() as { error: { details: Array<{ candidates: Array<{ id: string; phrase: string; plan: Record<string, unknown> }> }> } }
    const candidate = error.details[0].candidates[0]
    const byId = await (await t.request('POST', '/api/v1/query', { body: { interpretation: candidate.id } })).json() as Answer & { question: string }
    const byPlan = await t.request('POST', '/api/v1/query', { body: { plan: candidate.plan } })
    expect(byPlan.status).toBe(200)
    const planned = await byPlan.json() as Answer & { question: string }
    expect(planned.question).toBe(candidate.phrase)
    expect(planned.sql).toBe(byId.sql)
    expect(planned.data).toEqual(byId.data)

    const growth = await (await t.request('POST', '/api/v1/query', { body: { question: 'month over month growth in sales this year' } })).json() as Answer
    const again = await t.request('POST', '/api/v1/query/stream', { body: { plan: growth.plan, question: 'growth again' } })
    expect(again.status).toBe(200)
    const text = await again.text()
    expect(text).toContain(JSON.stringify(growth.sql).slice(1, 40))
    expect(text).toContain('event: done')
  })

  it('refuses what a plan may not carry: where SQL, raw SQL, unknown fields, both a plan and an interpretation, async', async () => {
    const refused = [
      { plan: { metrics: ['total_sales'], where: ["{{ Dimension('store__region') }} = 'West'"] } },
      { plan: { kind: 'sql', sql: 'SELECT 1' } },
      { plan: { kind: 'semantic', query: { metrics: ['total_sales'], saved_query: 'x' } } },
      { plan: { metrics: [] } },
      { plan: { metrics: ['total_sales'] }, interpretation: 'int_eyJtZXRyaWNzIjpbInRvdGFsX3NhbGVzIl19' },
      { plan: { metrics: ['total_sales'] }, async: true },
      { plan: { metrics: ['total_sales'], offset_metrics: [{ name: 'total_sales', alias: 'prev' }] } },
    ]
    for (const body of refused) {
      const res = await t.request('POST', '/api/v1/query', { body })
      expect(res.status, JSON.stringify(body)).toBe(400)
      const { error } = await res.json() as { error: { code: string; details: Array<{ path: string }> } }
      expect(error.code).toBe('validation_error')
      expect(error.details[0].path).toMatch(/^(plan|interpretation)/)
    }
  })

  it('compiles a plan against the layer like /semantic/query: an unknown metric is 422 naming it', async () => {
    const res = await t.request('POST', '/api/v1/query', { body: { plan: { metrics: ['no_such_metric'] } } })
    expect(res.status).toBe(422)
    expect(JSON.stringify(await res.json())).toContain('no_such_metric')
  })
})
