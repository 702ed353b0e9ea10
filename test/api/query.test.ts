// End to end through the real path: offline planner -> semantic compiler ->
// SQL guard -> PGlite connector, over the demo warehouse with a pinned clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import type { PGlite } from '@electric-sql/pglite'

const NOW = new Date('2026-11-23T12:00:00Z')
let t: TestApp & { demoDb?: PGlite; demoConnectionId?: string }
beforeAll(async () => { t = await createTestApp({}, { demo: true, now: () => NOW }) })
afterAll(async () => { await t?.close() })

const scalar = async (sql: string) => Number(Object.values((await t.demoDb!.query<Record<string, unknown>>(sql)).rows[0])[0])
const ask = (question: string, extra: Record<string, unknown> = {}) => t.request('POST', '/api/v1/query', { body: { question, ...extra } })

describe('POST /api/v1/query on the demo warehouse', () => {
  it('answers "What were total sales last quarter?" with the correct figure', async () => {
    const res = await ask('What were total sales last quarter?')
    expect(res.status).toBe(200)
    const body = await res.json()
    // Q3 2026 is the quarter before 2026-11-23.
    const expected = await scalar(`SELECT sum(amount) FROM retail.order_items WHERE ordered_at >= '2026-07-01' AND ordered_at < '2026-10-01'`)
    expect(body.data).toHaveLength(1)
    expect(body.data[0].total_sales).toBeCloseTo(expected, 2)
    const formatted = expected.toLocaleString('en-US', { style: 'currency', currency: 'USD' })
    expect(body.summary).toContain(formatted)
    for (const k of ['id', 'question', 'data', 'columns', 'summary', 'sql', 'plan', 'conversation_id', 'connection_id', 'row_count', 'execution_time_ms', 'created_at']) {
      expect(body).toHaveProperty(k)
    }
    expect(body.id).toMatch(/^qry_/)
    expect(body.conversation_id).toMatch(/^conv_/)
    expect(body.connection_id).toBe(t.demoConnectionId)
    expect(body.plan.query.metrics).toEqual(['total_sales'])
    expect(body.plan.query.time_constraint).toEqual({ start: '2026-07-01', end: '2026-09-30' })
  })

  it('answers simple variants', async () => {
    const year = await (await ask('total sales this year')).json()
    expect(year.data[0].total_sales).toBeCloseTo(await scalar(`SELECT sum(amount) FROM retail.order_items WHERE ordered_at >= '2026-01-01' AND ordered_at <= '2026-11-23'`), 2)

    const orders = await (await ask('orders last month')).json()
    expect(orders.data[0].order_count).toBe(await scalar(`SELECT count(*) FROM retail.orders WHERE ordered_at >= '2026-10-01' AND ordered_at < '2026-11-01'`))

    const aov = await (await ask('average order value in 2025')).json()
    const expectedAov = await scalar(`SELECT (SELECT sum(amount) FROM retail.order_items WHERE ordered_at BETWEEN '2025-01-01' AND '2025-12-31') / (SELECT count(*) FROM retail.orders WHERE ordered_at BETWEEN '2025-01-01' AND '2025-12-31')`)
    expect(aov.data[0].average_order_value).toBeCloseTo(expectedAov, 2)
  })

  it('groups sales by region last quarter', async () => {
    const res = await ask('sales by region last quarter')
    const body = await res.json()
    expect(res.status).toBe(200)
    const rows = (await t.demoDb!.query<{ region: string; s: string }>(`SELECT s.region, sum(i.amount) AS s FROM retail.order_items i JOIN retail.stores s USING (store_id) WHERE ordered_at >= '2026-07-01' AND ordered_at < '2026-10-01' GROUP BY 1`)).rows
    expect(body.data).toHaveLength(rows.length)
    for (const r of rows) {
      const got = body.data.find((d: Record<string, unknown>) => d.store__region === r.region)
      expect(got.total_sales).toBeCloseTo(Number(r.s), 2)
    }
  })

  it('answers 422 question_not_understood with suggestions instead of guessing', async () => {
    const res = await ask('what is the airspeed velocity of an unladen swallow')
    expect(res.status).toBe(422)
    const body = await res.json()
    expect(body.error.code).toBe('question_not_understood')
  })

  it('records the run in history and returns it by id', async () => {
    const body = await (await ask('orders by channel last month')).json()
    const rec = await (await t.request('GET', `/api/v1/query/${body.id}`)).json()
    expect(rec.status).toBe('succeeded')
    expect(rec.sql).toBe(body.sql)
    expect(rec.data).toEqual(body.data)
    const hist = await (await t.request('GET', '/api/v1/query/history?limit=5')).json()
    expect(hist.data[0].id).toBe(body.id)
  })

  it('follows up in a conversation', async () => {
    const first = await (await ask('total sales last quarter')).json()
    const second = await (await ask('and by region?', { conversation_id: first.conversation_id })).json()
    expect(second.plan.query.metrics).toEqual(['total_sales'])
    expect(second.columns.map((c: { name: string }) => c.name)).toContain('store__region')
    expect(second.plan.query.time_constraint).toEqual(first.plan.query.time_constraint)
  })

  it('returns CSV with a header row', async () => {
    const res = await ask('sales by region last quarter', { format: 'csv' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/csv')
    const lines = (await res.text()).trim().split('\r\n')
    expect(lines[0]).toBe('total_sales,store__region')
    expect(lines.length).toBe(5)
  })

  it('marks a result cut by max_rows as truncated', async () => {
    const body = await (await ask('sales by product', { max_rows: 3 })).json()
    expect(body.row_count).toBe(3)
    expect(body.truncated).toBe(true)
  })

  it('answers 404 for an unknown connection', async () => {
    const res = await ask('total sales', { connection_id: 'conn_doesnotexist' })
    expect(res.status).toBe(404)
  })
})
