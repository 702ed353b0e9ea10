// Saved queries: listed by GET /api/v1/semantic/saved-queries, run by
// POST /api/v1/semantic/query {saved_query} (request fields override), and
// answered by the offline planner when a question names one. Also the
// MetricFlow options of dimension-only queries (min_max_only, apply_group_by).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { dbtSemanticManifest } from '../support/dbt-semantic-manifest'
import type { PGlite } from '@electric-sql/pglite'

const NOW = new Date('2026-11-23T12:00:00Z')
let t: TestApp & { demoDb?: PGlite; demoConnectionId?: string }
beforeAll(async () => {
  t = await createTestApp({}, { demo: true, now: () => NOW })
  const res = await t.request('POST', '/api/v1/semantic/import', {
    body: { format: 'dbt_semantic_manifest', manifest: dbtSemanticManifest(), mode: 'merge', refresh_sample_values: false },
  })
  if (res.status !== 200) throw new Error(`setup: import answered ${res.status}: ${await res.text()}`)
})
afterAll(async () => { await t?.close() })

const rows = async <T = Record<string, unknown>>(sql: string) => (await t.demoDb!.query<T>(sql)).rows
const query = (body: Record<string, unknown>) => t.request('POST', '/api/v1/semantic/query', { body })

describe('GET /api/v1/semantic/saved-queries', () => {
  it('lists the saved queries by name with their parameters', async () => {
    const res = await t.request('GET', '/api/v1/semantic/saved-queries')
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.next_cursor).toBeNull()
    expect(body.data.map((q: { name: string }) => q.name)).toEqual(['top_shops', 'weekly_revenue_report'])
    expect(body.data[1]).toEqual({
      connection_id: expect.stringMatching(/^conn_/), name: 'weekly_revenue_report', label: 'Weekly revenue report',
      description: 'Gross revenue and sales by week and region, without cancelled orders', synonyms: [],
      query_params: {
        metrics: ['gross_revenue', 'sale_count'], group_by: ["TimeDimension('metric_time', 'week')", "Dimension('shop__region')"],
        where: ["{{ Dimension('sale__status') }} != 'cancelled'"], order_by: [], limit: null,
      },
    })
  })

  it('pages with limit and cursor', async () => {
    const first = await (await t.request('GET', '/api/v1/semantic/saved-queries?limit=1')).json()
    expect(first.data.map((q: { name: string }) => q.name)).toEqual(['top_shops'])
    expect(first.next_cursor).toEqual(expect.any(String))
    const second = await (await t.request('GET', `/api/v1/semantic/saved-queries?limit=1&cursor=${first.next_cursor}`)).json()
    expect(second.data.map((q: { name: string }) => q.name)).toEqual(['weekly_revenue_report'])
    expect(second.next_cursor).toBeNull()
  })

  it('answers 404 for a connection of another tenant', async () => {
    const other = await t.newTenant('other')
    const res = await t.request('GET', `/api/v1/semantic/saved-queries?connection_id=${t.demoConnectionId}`, { key: other.adminKey })
    expect(res.status).toBe(404)
  })
})

describe('POST /api/v1/semantic/query with saved_query', () => {
  it("runs the saved query's metrics, group_by and where", async () => {
    const res = await query({ saved_query: 'weekly_revenue_report' })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.columns.map((c: { name: string }) => c.name)).toEqual(['gross_revenue', 'sale_count', 'metric_time__week', 'shop__region'])
    const total = body.data.reduce((s: number, r: { gross_revenue: number | null }) => s + (r.gross_revenue ?? 0), 0)
    const [expected] = await rows<{ s: number }>(`SELECT sum(i.amount)::float AS s FROM retail.order_items i JOIN retail.orders o ON o.order_id = i.order_id WHERE o.status <> 'cancelled'`)
    expect(total).toBeCloseTo(Number(expected.s), 2)
    expect(body.sql).toContain("'cancelled'")
  })

  it('lets request fields override the saved parameters', async () => {
    const saved = await (await query({ saved_query: 'top_shops' })).json()
    expect(saved.data).toHaveLength(3)
    const revenues = saved.data.map((r: { gross_revenue: number }) => r.gross_revenue)
    expect(revenues).toEqual([...revenues].sort((a, b) => b - a))

    const one = await (await query({ saved_query: 'top_shops', limit: 1 })).json()
    expect(one.data).toEqual([saved.data[0]])
    const byRegion = await (await query({ saved_query: 'top_shops', group_by: ['shop__region'], order_by: ['shop__region'], limit: 100 })).json()
    expect(byRegion.columns.map((c: { name: string }) => c.name)).toEqual(['gross_revenue', 'shop__region'])
    const regions = await rows<{ region: string }>('SELECT DISTINCT region FROM retail.stores ORDER BY region')
    expect(byRegion.data.map((r: { shop__region: string }) => r.shop__region)).toEqual(regions.map((r) => r.region))
  })

  it('answers 422 with suggestions for an unknown saved query', async () => {
    const res = await query({ saved_query: 'top_shop' })
    expect(res.status).toBe(422)
    const { error } = await res.json()
    expect(error.message).toMatch(/unknown saved query "top_shop"/)
    expect(JSON.stringify(error.details)).toContain('top_shops')
  })
})

describe('the offline planner and saved queries', () => {
  const ask = (question: string) => t.request('POST', '/api/v1/query', { body: { question } })

  it('answers "run the weekly revenue report" from the saved query label', async () => {
    const res = await ask('run the weekly revenue report')
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.plan.query).toMatchObject({
      metrics: ['gross_revenue', 'sale_count'],
      group_by: [{ name: 'metric_time', grain: 'week' }, 'shop__region'],
      where: ["{{ Dimension('sale__status') }} != 'cancelled'"],
    })
    expect(body.plan.reasons[0]).toMatch(/saved query "weekly_revenue_report"/)
    expect(body.data.length).toBeGreaterThan(0)
  })

  it('answers from the saved query name, and from its description after "run"', async () => {
    const byName = await (await ask('show me the top shops')).json()
    expect(byName.plan.query).toMatchObject({ metrics: ['gross_revenue'], group_by: ['shop__store_name'], order_by: ['-gross_revenue'], limit: 3 })
    const byDescription = await (await ask('run the shops with the most revenue')).json()
    expect(byDescription.plan.query.metrics).toEqual(['gross_revenue'])
    expect(byDescription.plan.reasons[0]).toMatch(/description/)
  })

  it('still plans ordinary questions the usual way', async () => {
    const body = await (await ask('total sales by region')).json()
    expect(body.plan.query.metrics).toEqual(['total_sales'])
    expect(body.plan.query.saved_query).toBeUndefined()
  })
})

describe('dimension-only queries: min_max_only and apply_group_by', () => {
  it('returns MIN and MAX of each item with min_max_only', async () => {
    const res = await query({ group_by: ['order__ordered_at', 'store__region'], min_max_only: true })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.columns.map((c: { name: string }) => c.name)).toEqual(['order__ordered_at__day__min', 'order__ordered_at__day__max', 'store__region__min', 'store__region__max'])
    const [r] = await rows<{ lo: string; hi: string }>('SELECT min(region) AS lo, max(region) AS hi FROM retail.stores')
    expect(body.data).toHaveLength(1)
    expect(body.data[0]).toMatchObject({ store__region__min: r.lo, store__region__max: r.hi })
  })

  it('returns every row instead of distinct values with apply_group_by false', async () => {
    const distinct = await (await query({ group_by: ['store__region'] })).json()
    const all = await (await query({ group_by: ['store__region'], apply_group_by: false })).json()
    const [n] = await rows<{ n: number }>('SELECT count(*)::int AS n FROM retail.stores')
    expect(all.data).toHaveLength(n.n)
    expect(new Set(all.data.map((r: { store__region: string }) => r.store__region)).size).toBe(distinct.data.length)
    expect(distinct.data.length).toBeLessThan(n.n)
  })

  it('refuses min_max_only with metrics', async () => {
    const res = await query({ metrics: ['total_sales'], group_by: ['store__region'], min_max_only: true })
    expect(res.status).toBe(422)
  })
})
