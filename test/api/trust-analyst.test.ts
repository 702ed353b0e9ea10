// Analyst language through /api/v1/query (JSON and SSE): period comparisons,
// shares of the total, yes/no and entity-id phrasing, honest summaries, and
// the clarification round trip (ask → 422 candidates → run one → follow-up in
// the same conversation). Also the new /semantic/query options.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { createTestApp, type TestApp } from '../support/test-app'

const DEMO_LAYER = join(import.meta.dirname, '../../src/demo/semantic')

const NOW = new Date('2026-11-23T12:00:00Z')
let t: TestApp
let connectionId: string
beforeAll(async () => {
  t = await createTestApp({}, { demo: true, now: () => NOW })
  const list = await (await t.request('GET', '/api/v1/connections')).json()
  connectionId = list.data[0].id
})
afterAll(async () => { await t?.close() })

const ask = (question: string, extra: Record<string, unknown> = {}) => t.request('POST', '/api/v1/query', { body: { question, ...extra } })
const askStream = (question: string) => t.request('POST', '/api/v1/query/stream', { body: { question } })

/** The JSON answer, and the same plan and summary from the stream. */
async function answeredBoth(question: string) {
  const res = await ask(question)
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(200)
  const body = await res.json()
  const sse = await askStream(question)
  expect(sse.status).toBe(200)
  const text = await sse.text()
  const plan = JSON.parse(/event: plan\ndata: (.*)\n/.exec(text)![1])
  expect(plan.query ?? plan.plan?.query ?? plan).toMatchObject({ metrics: body.plan.query.metrics })
  expect(text).toContain('event: summary')
  expect(text).toContain('event: done')
  return body as { plan: { query: Record<string, unknown> }; data: Array<Record<string, unknown>>; columns: Array<{ name: string }>; summary: string; conversation_id: string }
}

async function refusedBoth(question: string, code: string) {
  const res = await ask(question)
  expect(res.status).toBe(422)
  const body = await res.json()
  expect(body.error.code).toBe(code)
  const sse = await askStream(question)
  expect(sse.status).toBe(422)
  expect((await sse.json()).error.code).toBe(code)
  return body.error as { message: string; details: Array<Record<string, unknown>> }
}

describe('period comparisons are answered, not refused', () => {
  it('compares this year so far with the same days last year', async () => {
    const body = await answeredBoth('sales this year vs last year')
    expect(body.plan.query).toMatchObject({ compare: { offset_window: '1 year' }, time_constraint: { start: '2026-01-01', end: '2026-11-23' } })
    expect(body.columns.map((c) => c.name)).toEqual(['total_sales', 'total_sales__previous'])
    expect(body.summary).toMatch(/2026 through Nov 23\).*against .* 1 year earlier/)
  })

  it('puts each month next to the month before for "month over month growth"', async () => {
    const body = await answeredBoth('revenue month over month growth')
    expect(body.columns.map((c) => c.name)).toEqual(['total_sales', 'total_sales__1_month_ago', 'metric_time__month'])
    const months = body.data.map((r) => String(r.metric_time__month))
    expect(months).toEqual([...months].sort())
    // each month's "1 month ago" value is the month before's own value
    for (let i = 1; i < body.data.length; i++) {
      const prev = body.data[i - 1].total_sales
      if (prev !== null && body.data[i].total_sales__1_month_ago !== null) expect(Number(body.data[i].total_sales__1_month_ago)).toBeCloseTo(Number(prev), 2)
    }
  })

  it('compares quarters by region for "this quarter vs last quarter"', async () => {
    const body = await answeredBoth('orders by region this quarter vs last quarter')
    expect(body.plan.query).toMatchObject({ group_by: ['store__region'], compare: { offset_window: '1 quarter' } })
    expect(body.data.length).toBeGreaterThan(1)
    expect(Object.keys(body.data[0])).toContain('order_count__previous')
  })
})

describe('shares are of the true total', () => {
  it('answers "share of sales by region" with shares that add up to 100%', async () => {
    const body = await answeredBoth('share of sales by region')
    const sum = body.data.reduce((a, r) => a + Number(r.total_sales__share), 0)
    expect(sum).toBeCloseTo(1, 6)
    expect(body.summary).toMatch(/% of the total\)/)
  })

  it('answers "what % of sales came from Electronics" with one row whose share is of all sales', async () => {
    const all = await (await ask('sales by category')).json()
    const body = await answeredBoth('what % of sales came from Electronics')
    expect(body.data).toHaveLength(1)
    const total = all.data.reduce((a: number, r: Record<string, unknown>) => a + Number(r.total_sales), 0)
    expect(Number(body.data[0].total_sales__share)).toBeCloseTo(Number(body.data[0].total_sales) / total, 6)
  })

  it('refuses a share of an average: its parts do not add up', async () => {
    const err = await refusedBoth('average order value share by region', 'question_not_understood')
    expect(err.message).toMatch(/adds up/)
  })

  it('gives no share for a top-N list in the summary', async () => {
    const body = await answeredBoth('top 3 products by sales')
    expect(body.summary).not.toMatch(/%/)
    expect(body.summary).toMatch(/only the first 3/)
  })
})

describe('other phrasings', () => {
  it('reads "for store 3" as a filter on the store, not a count grouped by store', async () => {
    const body = await answeredBoth('sales for store 3')
    expect(body.plan.query).toMatchObject({ filters: [{ field: 'store', op: '=', value: 3 }] })
    expect(body.plan.query.group_by).toBeUndefined()
  })

  it('says "over all time" when no range was asked', async () => {
    const body = await answeredBoth('total sales')
    expect(body.summary).toMatch(/over all time/)
  })
})

describe('clarification round trip', () => {
  it('asks back with both readings, runs the chosen one, and keeps it for the follow-up', async () => {
    // a metric whose name also holds a value word: "returned orders" is status = Returned, or this metric
    const metric = `metrics:\n  - name: returned_orders\n    type: simple\n    type_params:\n      measure: order_count\n    filter: "{{ Dimension('order__status') }} = 'Returned'"\n`
    const files = readdirSync(DEMO_LAYER).filter((f) => f.endsWith('.yaml')).map((f) => ({ path: f, content: readFileSync(join(DEMO_LAYER, f), 'utf8') }))
    const imported = await t.request('POST', '/api/v1/semantic/import', { body: { connection_id: connectionId, mode: 'replace', refresh_sample_values: true, files: [...files, { path: 'returned.yml', content: metric }] } })
    expect(imported.status, await imported.clone().text()).toBe(200)

    const err = await refusedBoth('returned orders last month', 'ambiguous_question')
    const candidates = err.details[0].candidates as Array<{ id: string; phrase: string; plan: { metrics: string[]; filters?: unknown[] } }>
    expect(candidates.length).toBeGreaterThanOrEqual(2)
    expect(candidates.length).toBeLessThanOrEqual(5)
    const byMetric = candidates.find((c) => c.plan.metrics.includes('returned_orders'))!
    const byValue = candidates.find((c) => c.plan.metrics.includes('order_count'))!
    expect(byMetric.phrase).toMatch(/returned_orders/)
    expect(byValue.phrase).toMatch(/status is Returned/)

    const chosen = await ask('returned orders last month', { interpretation: byMetric.id })
    expect(chosen.status).toBe(200)
    const body = await chosen.json()
    expect(body.plan.query).toEqual(byMetric.plan)

    // the stream takes the same choice and streams that plan
    const streamed = await t.request('POST', '/api/v1/query/stream', { body: { question: 'returned orders last month', interpretation: byValue.id } })
    expect(streamed.status).toBe(200)
    const events = await streamed.text()
    expect(JSON.parse(/event: plan\ndata: (.*)\n/.exec(events)![1]).plan.query).toEqual(byValue.plan)
    expect(events).toContain('event: done')

    const follow = await ask('by channel', { conversation_id: body.conversation_id })
    expect(follow.status).toBe(200)
    const next = await follow.json()
    expect(next.conversation_id).toBe(body.conversation_id)
    expect(next.plan.query).toMatchObject({ metrics: ['returned_orders'], group_by: ['order__channel'] })
  })
})

describe('/semantic/query period and share options', () => {
  const semanticQuery = (body: Record<string, unknown>) => t.request('POST', '/api/v1/semantic/query', { body: { connection_id: connectionId, ...body } })

  it('accepts ad-hoc offset metrics in metrics, compare and share_of_total', async () => {
    const offset = await semanticQuery({ metrics: ['total_sales', { name: 'total_sales', offset_window: '1 month' }], group_by: ['metric_time__month'], order_by: ['metric_time__month'] })
    expect(offset.status, await offset.clone().text()).toBe(200)
    expect((await offset.json()).columns.map((c: { name: string }) => c.name)).toContain('total_sales__1_month_ago')
    const compare = await semanticQuery({ metrics: ['total_sales'], time_constraint: { start: '2026-01-01', end: '2026-06-30' }, compare: { offset_window: '1 year' } })
    expect(compare.status).toBe(200)
    const share = await semanticQuery({ metrics: ['total_sales'], group_by: ['store__region'], share_of_total: true })
    expect(share.status).toBe(200)
    expect((await share.json()).data.reduce((a: number, r: Record<string, unknown>) => a + Number(r.total_sales__share), 0)).toBeCloseTo(1, 6)
  })

  it('answers 400 or 422 naming the field for bad options, never 500', async () => {
    const both = await semanticQuery({ metrics: [{ name: 'total_sales', offset_window: '1 month', offset_to_grain: 'month' }] })
    expect(both.status).toBe(400)
    expect(JSON.stringify((await both.json()).error.details)).toContain('metrics')
    const noRange = await semanticQuery({ metrics: ['total_sales'], compare: { offset_window: '1 year' } })
    expect(noRange.status).toBe(422)
    expect((await noRange.json()).error.details[0].path).toBe('time_constraint')
    const ratio = await semanticQuery({ metrics: ['average_order_value'], group_by: ['store__region'], share_of_total: true })
    expect(ratio.status).toBe(422)
    const badWindow = await semanticQuery({ metrics: ['total_sales'], time_constraint: { start: '2026-01-01', end: '2026-02-01' }, compare: { offset_window: 'yesterday' } })
    expect(badWindow.status).toBe(422)
  })

  it('documents the options in OpenAPI', async () => {
    const doc = await (await t.request('GET', '/openapi.json')).json()
    const schema = JSON.stringify(doc.components.schemas.SemanticQuery)
    expect(schema).toContain('share_of_total')
    expect(schema).toContain('compare')
    expect(schema).toContain('offset_window')
  })
})

describe('an un-curated layer (snake_case, no synonyms) through /query', () => {
  // written like a dbt user's: names and descriptions only, over the demo's tables
  const LAYER = `
semantic_models:
  - name: order_lines
    description: One row per product line of an order.
    node_relation: { schema_name: retail, alias: order_items }
    defaults: { agg_time_dimension: ordered_at }
    entities:
      - { name: order_line, type: primary, expr: order_item_id }
      - { name: order, type: foreign, expr: order_id }
    dimensions:
      - { name: ordered_at, type: time, type_params: { time_granularity: day } }
    measures:
      - { name: line_amount_usd, agg: sum, expr: amount }
      - { name: max_line_amount_usd, agg: max, expr: amount }
      - { name: avg_line_amount_usd, agg: average, expr: amount }
  - name: orders
    node_relation: { schema_name: retail, alias: orders }
    defaults: { agg_time_dimension: ordered_at }
    entities:
      - { name: order, type: primary, expr: order_id }
      - { name: store, type: foreign, expr: store_id }
    dimensions:
      - { name: ordered_at, type: time, type_params: { time_granularity: day } }
      - { name: is_online, type: categorical, expr: "CASE WHEN channel = 'Online' THEN TRUE ELSE FALSE END" }
      - { name: order_status, type: categorical, expr: status }
    measures:
      - { name: order_cnt, agg: count, expr: order_id }
metrics:
  - { name: total_line_amount, type: simple, type_params: { measure: line_amount_usd } }
  - { name: max_line_amount, type: simple, description: Largest single order line, type_params: { measure: max_line_amount_usd } }
  - { name: avg_line_amount, type: simple, type_params: { measure: avg_line_amount_usd } }
  - { name: order_count, type: simple, type_params: { measure: order_cnt } }
project_configuration:
  time_spines:
    - node_relation: { schema_name: retail, alias: time_spine }
      primary_column: { name: date_day, time_granularity: day }
`
  // runs last: it replaces the demo layer of the shared app
  beforeAll(async () => {
    const created = await t.request('POST', '/api/v1/semantic/import', { body: { connection_id: connectionId, mode: 'replace', refresh_sample_values: true, files: [{ path: 'lines.yml', content: LAYER }] } })
    expect(created.status, await created.clone().text()).toBe(200)
  }, 60_000)

  it('maps "the largest line amount" to the max metric, not a sum', async () => {
    const body = await answeredBoth('the largest line amount')
    expect(body.plan.query.metrics).toEqual(['max_line_amount'])
  })

  it('groups "online vs offline orders" by the yes/no dimension', async () => {
    const body = await answeredBoth('online vs offline orders')
    expect(body.plan.query).toMatchObject({ metrics: ['order_count'], group_by: ['order__is_online'] })
    expect(body.data).toHaveLength(2)
  })

  it('asks back for "line amount per order": a list per order, or the average line amount', async () => {
    const err = await refusedBoth('total line amount per order', 'ambiguous_question')
    const plans = (err.details[0].candidates as Array<{ plan: { metrics: string[] } }>).map((c) => c.plan.metrics[0])
    expect(plans).toEqual(['total_line_amount', 'avg_line_amount'])
  })
})
