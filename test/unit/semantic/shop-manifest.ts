// A small shop model shared by the semantic-layer unit tests: orders with a
// customer dimension, visits in another model, a time spine.
import { importMetricFlow, type SemanticManifest } from '../../../semantic'

export const SHOP_YAML = `
semantic_models:
  - name: orders
    node_relation: { schema_name: shop, alias: orders }
    defaults: { agg_time_dimension: ordered_at }
    entities:
      - { name: order, type: primary, expr: order_id }
      - { name: customer, type: foreign, expr: customer_id }
    dimensions:
      - { name: ordered_at, type: time, type_params: { time_granularity: day } }
      - { name: status, type: categorical }
      - { name: is_gift, type: categorical }
    measures:
      - { name: revenue, agg: sum, expr: amount }
      - { name: order_count, agg: count, expr: order_id }
      - { name: amount_p90, agg: percentile, expr: amount, agg_params: { percentile: 0.9 } }
  - name: customers
    node_relation: { schema_name: shop, alias: customers }
    defaults: { agg_time_dimension: signed_up_at }
    entities:
      - { name: customer, type: primary, expr: customer_id }
    dimensions:
      - { name: region, type: categorical, synonyms: [area, market], sample_values: [EU, US] }
      - { name: signed_up_at, type: time, type_params: { time_granularity: day } }
    measures:
      - { name: customer_count, agg: count_distinct, expr: customer_id }
  - name: visits
    node_relation: { schema_name: shop, alias: visits }
    defaults: { agg_time_dimension: visited_at }
    entities:
      - { name: visit, type: primary, expr: visit_id }
      - { name: customer, type: foreign, expr: customer_id }
    dimensions:
      - { name: visited_at, type: time, type_params: { time_granularity: day } }
    measures:
      - { name: visit_count, agg: count, expr: visit_id }
metrics:
  - { name: revenue, type: simple, label: Revenue, type_params: { measure: revenue } }
  - { name: orders, type: simple, type_params: { measure: order_count } }
  - { name: visits, type: simple, type_params: { measure: visit_count } }
  - { name: revenue_per_order, type: ratio, type_params: { numerator: revenue, denominator: orders } }
  - name: revenue_growth_wow
    type: derived
    type_params:
      expr: revenue - revenue_last_week
      metrics:
        - { name: revenue }
        - { name: revenue, offset_window: 1 week, alias: revenue_last_week }
  - { name: revenue_7d, type: cumulative, type_params: { measure: revenue, cumulative_type_params: { window: 7 days } } }
  - { name: order_amount_p90, type: simple, type_params: { measure: amount_p90 } }
  - { name: customers, type: simple, type_params: { measure: customer_count } }
saved_queries:
  - name: revenue_by_region
    query_params:
      metrics: [revenue]
      group_by: ["Dimension('customer__region')"]
      order_by: ["Metric('revenue').descending(True)"]
      limit: 5
project_configuration:
  time_spines:
    - node_relation: { schema_name: shop, alias: time_spine }
      primary_column: { name: date_day, time_granularity: day }
`

export function shopManifest(): SemanticManifest {
  const { manifest, problems } = importMetricFlow([{ path: 'shop.yml', content: SHOP_YAML }])
  if (problems.length > 0) throw new Error(`shop manifest has problems: ${JSON.stringify(problems)}`)
  return manifest
}
