// The semantic-layer API over the demo: metrics, dimensions and models are
// validated against the whole layer on every change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

const NOW = new Date('2026-11-23T12:00:00Z')
let t: TestApp
beforeAll(async () => { t = await createTestApp({}, { demo: true, now: () => NOW }) })
afterAll(async () => { await t?.close() })

const metricByName = async (name: string) =>
  (await (await t.request('GET', '/api/v1/semantic/metrics')).json()).data.find((m: { name: string }) => m.name === name)

describe('semantic metrics', () => {
  it('lists the demo metrics with their planner fields', async () => {
    const body = await (await t.request('GET', '/api/v1/semantic/metrics')).json()
    const names = body.data.map((m: { name: string }) => m.name)
    expect(names).toEqual(expect.arrayContaining(['total_sales', 'order_count', 'average_order_value', 'customers']))
    const sales = body.data.find((m: { name: string }) => m.name === 'total_sales')
    expect(sales.id).toMatch(/^met_/)
    expect(sales.label).toBe('Total sales')
    expect(sales.synonyms).toContain('revenue')
    expect(sales.format).toEqual({ type: 'currency', currency: 'USD', decimals: 2 })
    const one = await (await t.request('GET', `/api/v1/semantic/metrics/${sales.id}`)).json()
    expect(one.name).toBe('total_sales')
  })

  it('refuses a metric on an unknown measure with 422 naming it', async () => {
    const res = await t.request('POST', '/api/v1/semantic/metrics', { body: { name: 'gross_margin', type: 'simple', type_params: { measure: 'margin_amount' } } })
    expect(res.status).toBe(422)
    const err = (await res.json()).error
    expect(err.message).toContain('margin_amount')
  })

  it('takes ratio inputs written as names (MetricFlow\'s short form), and refuses an unknown one with 422 naming it, never a 500', async () => {
    const ok = await t.request('POST', '/api/v1/semantic/metrics', { body: { name: 'sales_per_order', type: 'ratio', type_params: { numerator: 'total_sales', denominator: 'order_count' } } })
    expect(ok.status, await ok.clone().text()).toBe(201)
    const q = await t.request('POST', '/api/v1/semantic/query', { body: { metrics: ['sales_per_order'] } })
    expect(q.status, await q.clone().text()).toBe(200)
    const bad = await t.request('POST', '/api/v1/semantic/metrics', { body: { name: 'bad_ratio', type: 'ratio', type_params: { numerator: 'total_sale', denominator: 'order_count' } } })
    expect(bad.status).toBe(422)
    const err = (await bad.json()).error
    expect(err.message).toContain('"total_sale" does not exist')
    expect(err.message).toContain('total_sales')
    expect((await t.request('DELETE', `/api/v1/semantic/metrics/${(await ok.json()).id}`)).status).toBe(204)
  })

  it('creates a derived metric that queries work with, and refuses a duplicate', async () => {
    const res = await t.request('POST', '/api/v1/semantic/metrics', { body: {
      name: 'sales_per_customer', label: 'Sales per customer', synonyms: ['revenue per customer'], format: { type: 'currency', currency: 'USD' },
      type: 'derived', type_params: { expr: 'total_sales / customers', metrics: [{ name: 'total_sales' }, { name: 'customers' }] },
    } })
    expect(res.status).toBe(201)
    const q = await (await t.request('POST', '/api/v1/semantic/query', { body: { metrics: ['sales_per_customer', 'total_sales', 'customers'], time_constraint: { start: '2026-07-01', end: '2026-09-30' } } })).json()
    const row = q.data[0]
    expect(row.sales_per_customer).toBeCloseTo(row.total_sales / row.customers, 6)
    const asked = await (await t.request('POST', '/api/v1/query', { body: { question: 'revenue per customer last quarter' } })).json()
    expect(asked.plan.query.metrics).toEqual(['sales_per_customer'])
    expect((await t.request('POST', '/api/v1/semantic/metrics', { body: { name: 'sales_per_customer', type: 'simple', type_params: { measure: 'sales_amount' } } })).status).toBe(409)
  })

  it('refuses to delete a metric other metrics use (409), updates and deletes otherwise', async () => {
    const sales = await metricByName('total_sales')
    const del = await t.request('DELETE', `/api/v1/semantic/metrics/${sales.id}`)
    expect(del.status).toBe(409)
    expect((await del.json()).error.code).toBe('in_use')
    const units = await metricByName('units_sold')
    const patched = await (await t.request('PATCH', `/api/v1/semantic/metrics/${units.id}`, { body: { label: 'Units', synonyms: ['pieces'] } })).json()
    expect(patched.label).toBe('Units')
    expect(patched.synonyms).toEqual(['pieces'])
    expect((await t.request('DELETE', `/api/v1/semantic/metrics/${units.id}`)).status).toBe(204)
    expect((await t.request('GET', `/api/v1/semantic/metrics/${units.id}`)).status).toBe(404)
  })

  it('hides metrics of another tenant', async () => {
    const sales = await metricByName('total_sales')
    const other = await t.newTenant('other-semantic')
    expect((await t.request('GET', `/api/v1/semantic/metrics/${sales.id}`, { key: other.adminKey })).status).toBe(404)
    expect((await t.request('PATCH', `/api/v1/semantic/metrics/${sales.id}`, { key: other.adminKey, body: { label: 'x' } })).status).toBe(404)
  })
})

describe('semantic dimensions and models', () => {
  it('lists dimensions with query names and refreshed sample values', async () => {
    const body = await (await t.request('GET', '/api/v1/semantic/dimensions')).json()
    const region = body.data.find((d: { name: string }) => d.name === 'region')
    expect(region.query_name).toBe('store__region')
    expect(region.semantic_model).toBe('stores')
    expect(region.sample_values.sort()).toEqual(['Midwest', 'Northeast', 'South', 'West'])
  })

  it('paginates dimensions with limit and cursor', async () => {
    const all = (await (await t.request('GET', '/api/v1/semantic/dimensions?limit=100')).json()).data
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: { data: Array<{ id: string }>; next_cursor: string | null } = await (await t.request('GET', `/api/v1/semantic/dimensions?limit=5${cursor ? `&cursor=${cursor}` : ''}`)).json()
      expect(page.data.length).toBeLessThanOrEqual(5)
      seen.push(...page.data.map((d) => d.id))
      cursor = page.next_cursor
    } while (cursor)
    expect(seen).toEqual(all.map((d: { id: string }) => d.id))
    expect(new Set(seen).size).toBe(all.length)
    expect((await t.request('GET', '/api/v1/semantic/metrics?cursor=garbage')).status).toBe(400)
  })

  it('creates a dimension from an expression and fills its values from the database', async () => {
    const res = await t.request('POST', '/api/v1/semantic/dimensions', { body: {
      semantic_model: 'stores', name: 'coast', type: 'categorical', label: 'Coast',
      expr: "CASE WHEN state IN ('CA','WA','OR') THEN 'West Coast' WHEN state IN ('NY','MA','PA','FL','GA') THEN 'East Coast' ELSE 'Inland' END",
    } })
    expect(res.status).toBe(201)
    const dim = await res.json()
    expect(dim.query_name).toBe('store__coast')
    const refreshed = await (await t.request('POST', `/api/v1/semantic/dimensions/${dim.id}/sample-values/refresh`)).json()
    expect(refreshed.sample_values.sort()).toEqual(['East Coast', 'Inland', 'West Coast'])
    const q = await (await t.request('POST', '/api/v1/query', { body: { question: 'sales by coast last quarter' } })).json()
    expect(q.row_count).toBe(3)
    expect((await t.request('POST', '/api/v1/semantic/dimensions', { body: { semantic_model: 'stores', name: 'coast', type: 'categorical' } })).status).toBe(409)
    expect((await t.request('POST', '/api/v1/semantic/dimensions', { body: { semantic_model: 'nope', name: 'x', type: 'categorical' } })).status).toBe(422)
    expect((await t.request('DELETE', `/api/v1/semantic/dimensions/${dim.id}`)).status).toBe(204)
  })

  it('refuses to remove a measure a metric still uses (409)', async () => {
    const models = await (await t.request('GET', '/api/v1/semantic/models')).json()
    const items = models.data.find((m: { name: string }) => m.name === 'order_items')
    expect(items.node_relation).toEqual({ schema_name: 'retail', alias: 'order_items' })
    const res = await t.request('PATCH', `/api/v1/semantic/models/${items.id}`, { body: { measures: [] } })
    expect(res.status).toBe(409)
    expect((await res.json()).error.message).toContain('sales_amount')
    expect((await t.request('DELETE', `/api/v1/semantic/models/${items.id}`)).status).toBe(409)
  })

  it('creates a model and reports its missing table on validation', async () => {
    const res = await t.request('POST', '/api/v1/semantic/models', { body: {
      name: 'returns', node_relation: { schema_name: 'retail', alias: 'returns' },
      entities: [{ name: 'return', type: 'primary', expr: 'return_id' }],
      dimensions: [{ name: 'returned_at', type: 'time', type_params: { time_granularity: 'day' } }],
      measures: [{ name: 'return_count', agg: 'count', expr: 'return_id', agg_time_dimension: 'returned_at' }],
    } })
    expect(res.status).toBe(201)
    const model = await res.json()
    const report = await (await t.request('POST', '/api/v1/semantic/validate', { body: {} })).json()
    expect(report.valid).toBe(false)
    expect(report.problems).toEqual([expect.objectContaining({ issue: 'missing_table', object: 'returns' })])
    expect((await t.request('DELETE', `/api/v1/semantic/models/${model.id}`)).status).toBe(204)
    expect((await (await t.request('POST', '/api/v1/semantic/validate', { body: {} })).json()).valid).toBe(true)
  })

  it('lets only semantic:write callers send where SQL; everyone filters with parameters', async () => {
    const { key } = await t.services.apiKeys.create(t.tenantId, { name: 'analyst', scopes: ['query:run'] })
    const where = { metrics: ['total_sales'], where: ["{{ Dimension('store__region') }} = 'West'"] }
    const denied = await t.request('POST', '/api/v1/semantic/query', { key, body: where })
    expect(denied.status).toBe(403)
    expect((await denied.json()).error.details[0].path).toBe('where')
    const viaFilters = await (await t.request('POST', '/api/v1/semantic/query', { key, body: { metrics: ['total_sales'], filters: [{ field: 'store__region', op: '=', value: 'West' }] } })).json()
    const viaWhere = await (await t.request('POST', '/api/v1/semantic/query', { body: where })).json()
    expect(viaFilters.data[0].total_sales).toBeCloseTo(viaWhere.data[0].total_sales, 2)
    expect(viaFilters.sql).toContain('$1')
  })

  it('suggests close names for an unknown dimension', async () => {
    const res = await t.request('POST', '/api/v1/semantic/query', { body: { metrics: ['total_sales'], group_by: ['store__regoin'] } })
    expect(res.status).toBe(422)
    const err = (await res.json()).error
    expect(err.code).toBe('unknown_dimension')
    expect(JSON.stringify(err.details)).toContain('store__region')
  })
})

describe('PATCH /semantic/models/{id}', () => {
  it('changes only the fields sent: a label edit keeps the model’s measures, dimensions and entities', async () => {
    const demo = await createTestApp({}, { demo: true })
    try {
      const list = await (await demo.request('GET', `/api/v1/semantic/models?connection_id=${demo.demoConnectionId}&limit=100`)).json() as { data: Array<{ id: string; name: string; measures: unknown[]; dimensions: unknown[]; entities: unknown[] }> }
      for (const m of list.data) {
        const res = await demo.request('PATCH', `/api/v1/semantic/models/${m.id}`, { body: { label: `Edited ${m.name}`, synonyms: ['ledger'] } })
        expect(res.status, m.name).toBe(200)
        const after = await res.json() as typeof m & { label: string; synonyms: string[] }
        expect(after).toMatchObject({ label: `Edited ${m.name}`, synonyms: ['ledger'], measures: m.measures, dimensions: m.dimensions, entities: m.entities })
      }
    } finally { await demo.close() }
  })
})
