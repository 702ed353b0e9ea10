// A word of a metric's description restates the metric only when the description's defining phrase
// says it: "Number of orders placed, excluding refunded ones" is restated by "orders placed", but
// "refunded orders" asks for the rows the metric leaves out, and answering the metric would be
// confidently wrong.
import { describe, expect, it } from 'vitest'
import { buildCatalog, importMetricFlow, type SemanticQuery } from '../../../semantic'
import { planOffline } from '../../../src/planner/offline/offline-planner'
import { gateConfidence } from '../../../src/planner/offline/confidence-gate'
import { PlanningError } from '../../../src/planner/planner'
import { definingPhrase } from '../../../src/planner/offline/description-verbs'
import { CLOCK } from './catalogs'

const YAML = `
semantic_models:
  - name: orders
    node_relation: { schema_name: shop, alias: fct_ord }
    defaults: { agg_time_dimension: ord_dt }
    entities:
      - { name: order, type: primary, expr: ord_id }
    dimensions:
      - { name: ord_dt, type: time, description: Day the order was placed., type_params: { time_granularity: day } }
      - { name: chnl_cd, type: categorical, description: "Channel: W = web, S = store." }
    measures:
      - { name: ord_cnt, agg: count, expr: ord_id, description: "Number of orders placed, excluding refunded ones." }
      - { name: disc_amt, agg: sum, expr: disc, description: "Discount given on orders (not including shipping waivers)." }
metrics:
  - { name: ord_cnt, type: simple, description: "Number of orders placed, excluding refunded ones.", type_params: { measure: ord_cnt } }
  - { name: disc_amt, type: simple, description: "Discount given on orders (not including shipping waivers).", type_params: { measure: disc_amt } }
project_configuration:
  time_spines:
    - node_relation: { schema_name: shop, alias: time_spine }
      primary_column: { name: date_day, time_granularity: day }
`

function ask(question: string): SemanticQuery | string {
  const { manifest, problems } = importMetricFlow([{ path: 'shop.yml', content: YAML }])
  expect(problems).toEqual([])
  try {
    return gateConfidence(planOffline(question, buildCatalog(manifest), [], CLOCK), 0.75).query
  } catch (err) {
    if (err instanceof PlanningError) return err.code
    throw err
  }
}

describe('a word of the metric\'s description', () => {
  it('restates the metric when the defining phrase says it', () => {
    expect(ask('orders placed by channel')).toEqual({ metrics: ['ord_cnt'], group_by: ['order__chnl_cd'] })
  })

  it('is not read as the metric when only a qualifier of the description says it', () => {
    expect(ask('refunded orders by channel')).toEqual(expect.any(String))
    expect(ask('shipping waivers by channel')).toEqual(expect.any(String))
  })

  it('is cut at the first qualifier', () => {
    expect(definingPhrase('Number of orders placed, excluding refunded ones.')).toBe('Number of orders placed')
    expect(definingPhrase('Discount given on orders (not including shipping waivers).')).toBe('Discount given on orders ')
    expect(definingPhrase('Commission paid to online travel agencies and travel agents')).toBe('Commission paid to online travel agencies and travel agents')
  })
})
