// The offline planner on the language classes of the trust issue: period
// comparisons, shares of the total, aggregation words, yes/no comparisons,
// entity ids, snake_case time names, and two readings → a clarification with
// every reading as a candidate (never a guess).
import { describe, expect, it } from 'vitest'
import type { Catalog, CatalogDimension, CatalogMetric } from '../../../semantic/types'
import { planOffline } from '../../../src/planner/offline'
import { gateConfidence } from '../../../src/planner/offline/confidence-gate'
import { PlanningError, type Planner } from '../../../src/planner/planner'
import { createHybridPlanner } from '../../../src/planner/hybrid'
import { CLOCK, retailCatalog } from './catalogs'

const retail = retailCatalog()
const plan = (q: string, catalog: Catalog = retail) => planOffline(q, catalog, [], CLOCK)
function error(q: string, catalog: Catalog = retail): PlanningError {
  try { gateConfidence(plan(q, catalog), 0.75) } catch (e) { if (e instanceof PlanningError) return e; throw e }
  throw new Error(`expected "${q}" to be refused or clarified`)
}

/** An un-curated layer: snake_case names, no synonyms, no labels. */
function shipping(): Catalog {
  const ship = ['shipment__delivery_dt', 'shipment__service_level', 'shipment__shipment_status', 'shipment__is_international', 'shipment__shipped_at', 'shipment__booked_at', 'shipment__tracking_number', 'carrier__carrier_name', 'metric_time', 'shipment', 'carrier']
  const m = (name: string, type: CatalogMetric['type'] = 'simple'): CatalogMetric => ({ name, type, dimensions: ship })
  const dims: CatalogDimension[] = [
    { name: 'metric_time', type: 'time', grain: 'day' },
    { name: 'shipment__booked_at', type: 'time', grain: 'day' },
    { name: 'shipment__shipped_at', type: 'time', grain: 'day' },
    { name: 'shipment__delivery_dt', type: 'time', grain: 'day' },
    { name: 'shipment__service_level', type: 'categorical', sample_values: ['standard', 'express'] },
    { name: 'shipment__shipment_status', type: 'categorical', sample_values: ['booked', 'shipped', 'delivered'] },
    { name: 'shipment__is_international', type: 'categorical', value_type: 'boolean', sample_values: [true, false] },
    { name: 'shipment__tracking_number', type: 'categorical' },
    { name: 'carrier__carrier_name', type: 'categorical', sample_values: ['FastShip', 'PostNet'] },
    { name: 'shipment', type: 'entity' },
    { name: 'carrier', type: 'entity' },
  ]
  return { metrics: [m('shipment_count'), m('total_freight_cost'), m('avg_freight_cost'), m('max_shipment_weight_kg'), m('total_weight_kg'), m('late_shipment_rate', 'ratio')], dimensions: dims }
}

describe('period comparisons', () => {
  it('compares this year so far with the same days last year', () => {
    expect(plan('sales this year vs last year').query).toMatchObject({ metrics: ['total_sales'], time_constraint: { start: '2024-01-01', end: '2024-06-15' }, compare: { offset_window: '1 year' } })
  })
  it('reads "YTD vs same period last year" and "change since last quarter"', () => {
    expect(plan('revenue ytd vs same period last year').query).toMatchObject({ compare: { offset_window: '1 year' }, time_constraint: { start: '2024-01-01', end: '2024-06-15' } })
    expect(plan('how much has revenue changed since last quarter').query).toMatchObject({ compare: { offset_window: '1 quarter' }, time_constraint: { start: '2024-04-01', end: '2024-06-15' } })
  })
  it('puts each period next to the one before for "month over month growth" and "QoQ", oldest first', () => {
    const mom = plan('revenue month over month growth').query
    expect(mom).toMatchObject({ group_by: ['metric_time__month'], order_by: ['metric_time__month'], offset_metrics: [{ name: 'total_sales', offset_window: '1 month' }] })
    expect(mom.metrics).toEqual(['total_sales', 'total_sales__1_month_ago'])
    expect(plan('QoQ orders').query.offset_metrics).toEqual([{ name: 'order_count', alias: 'order_count__1_quarter_ago', offset_window: '1 quarter' }])
  })
  it('refuses "vs last year" when the question names no period to compare', () => {
    expect(error('sales vs last year').message).toMatch(/names no period/)
  })
})

describe('shares of the total', () => {
  it('groups by the filtered dimension for "what % of sales came from Electronics"', () => {
    expect(plan('what % of sales came from Electronics').query).toMatchObject({
      metrics: ['total_sales'], group_by: ['product__category'], filters: [{ field: 'product__category', op: '=', value: 'Electronics' }], share_of_total: true,
    })
  })
  it('answers "share of sales by region" and refuses a share of an average', () => {
    expect(plan('share of sales by region').query).toMatchObject({ group_by: ['store__region'], share_of_total: true })
    expect(error('average order value share by region').message).toMatch(/adds up/)
  })
})

describe('words the layer itself settles', () => {
  const s = shipping()
  it('maps "largest", "heaviest" and "max" to the max metric of the noun', () => {
    expect(plan('the largest shipment weight', s).query.metrics).toEqual(['max_shipment_weight_kg'])
    expect(plan('heaviest shipment this year', s).query.metrics).toEqual(['max_shipment_weight_kg'])
  })
  it('groups by a yes/no dimension for "international vs domestic"', () => {
    expect(plan('international vs domestic freight cost', s).query).toMatchObject({ metrics: ['total_freight_cost'], group_by: ['shipment__is_international'] })
  })
  it('filters on the entity key for an id typed after its name', () => {
    expect(plan('freight cost for shipment SH-10023', s).query).toEqual({ metrics: ['total_freight_cost'], filters: [{ field: 'shipment', op: '=', value: 'SH-10023' }] })
    expect(plan('shipments with tracking number 1Z999', s).query.filters).toEqual([{ field: 'shipment__tracking_number', op: '=', value: '1Z999' }])
    expect(plan('sales for store 12').query).toEqual({ metrics: ['total_sales'], filters: [{ field: 'store', op: '=', value: 12 }] })
  })
  it('reads "booked date" as the snake_case time column booked_at, and "delivery date" as delivery_dt', () => {
    expect(plan('shipments by booked date', s).query.group_by).toEqual(['shipment__booked_at__day'])
    expect(plan('shipments by delivery date', s).query.group_by?.map(String)[0]).toMatch(/^shipment__delivery_dt/)
  })
})

describe('two readings are asked back, never guessed', () => {
  it('offers "status is shipped" and "shipped last week" as two ready-to-run candidates', () => {
    const err = error('shipments shipped last week', shipping())
    expect(err.code).toBe('ambiguous_question')
    const candidates = (err.details[0] as unknown as { candidates: Array<{ id: string; phrase: string; plan: { filters?: Array<{ field: string }>; time_constraint?: unknown } }> }).candidates
    expect(candidates).toHaveLength(2)
    expect(candidates[0].plan.filters).toEqual([{ field: 'shipment__shipment_status', op: '=', value: 'shipped' }])
    expect(candidates[1].plan.filters?.map((f) => f.field)).toEqual(['shipment__shipped_at', 'shipment__shipped_at'])
    expect(candidates[1].plan.time_constraint).toBeUndefined()
    expect(candidates[1].phrase).toMatch(/shipped at at least 2024-06-03/)
    expect(new Set(candidates.map((c) => c.id)).size).toBe(2)
  })
  it('does not filter on a loaded word ("growth", "active") unless its dimension is named too', () => {
    const c: Catalog = { ...retail, dimensions: [...retail.dimensions, { name: 'customer__plan', type: 'categorical', sample_values: ['Starter', 'Growth', 'Enterprise'] }] }
    c.metrics = c.metrics.map((m) => ({ ...m, dimensions: [...m.dimensions, 'customer__plan'] }))
    expect(error('sales growth customers', c).code).toMatch(/ambiguous_question|question_not_understood/)
    expect(plan('sales for customers on the growth plan', c).query.filters).toEqual([{ field: 'customer__plan', op: '=', value: 'Growth' }])
  })

  it('asks whether "in transit" filters a status when the words are the metric\'s own name (avg_transit_days)', () => {
    const c = shipping()
    c.metrics.push({ name: 'avg_transit_days', type: 'simple', dimensions: c.metrics[0].dimensions })
    c.dimensions = c.dimensions.map((d) => (d.name === 'shipment__shipment_status' ? { ...d, sample_values: [...d.sample_values!, 'in_transit'] } : d))
    const err = error('average days in transit', c)
    const plans = (err.details[0] as unknown as { candidates: Array<{ plan: { filters?: unknown[] } }> }).candidates.map((x) => x.plan.filters ?? [])
    expect(plans).toEqual([[{ field: 'shipment__shipment_status', op: '=', value: 'in_transit' }], []])
    expect(plan('shipments in transit', c).query.filters).toEqual([{ field: 'shipment__shipment_status', op: '=', value: 'in_transit' }])
  })

  it('offers the list and the average for "freight cost per shipment"', () => {
    const err = error('freight cost per shipment', shipping())
    const plans = (err.details[0] as unknown as { candidates: Array<{ plan: { metrics: string[]; group_by?: string[] } }> }).candidates.map((x) => x.plan)
    expect(plans).toEqual([{ metrics: ['total_freight_cost'], group_by: ['shipment'] }, { metrics: ['avg_freight_cost'] }])
  })

  it('offers the metric and the value reading of a metric named after a value', () => {
    const c: Catalog = { ...retail, metrics: [...retail.metrics, { name: 'returned_orders', type: 'simple', dimensions: retail.metrics.find((m) => m.name === 'order_count')!.dimensions }] }
    const err = error('returned orders last month', c)
    const plans = (err.details[0] as unknown as { candidates: Array<{ plan: { metrics: string[] } }> }).candidates.map((x) => x.plan.metrics[0])
    expect(plans).toEqual(['returned_orders', 'order_count'])
  })
})

describe('hybrid planning with the LLM down', () => {
  it('asks back instead of keeping an offline plan that has a second reading', async () => {
    const offline: Planner = { plan: async (q, c) => planOffline(q, c, [], CLOCK) }
    const llm: Planner = { plan: async () => { throw new PlanningError('llm_unavailable', 'down') } }
    const hybrid = createHybridPlanner({ offline, llm })
    const ctx = { ...CLOCK, allowRawSql: false, dialect: 'postgres' }
    const err = await hybrid.plan('shipments shipped last week', shipping(), [], ctx, new AbortController().signal).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(PlanningError)
    expect((err as PlanningError).code).toBe('ambiguous_question')
    // a confident plan with one reading is answered without the LLM, as before
    const kept = await hybrid.plan('shipments by booked date', shipping(), [], ctx, new AbortController().signal)
    expect(kept.kind).toBe('semantic')
  })
})
