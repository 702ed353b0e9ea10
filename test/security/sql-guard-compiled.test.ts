// The guard must accept what our own semantic compiler emits, for every
// dialect, with the compiler's `relations` as the allow list — and refuse the
// same SQL when one of those relations is missing from the list.
import { describe, expect, it } from 'vitest'
import { compile, DIALECT_NAMES, importMetricFlow, SemanticError, type DialectName, type SemanticQuery } from '../../semantic'
import { guardSql, SqlGuardError } from '../../src/security/sql-guard'
import { foldPart, parseDottedName } from '../../src/security/sql-guard/names'

const FILES = [
  {
    path: 'orders.yaml',
    content: `
semantic_model:
  name: orders
  node_relation: { schema_name: retail, alias: orders }
  defaults: { agg_time_dimension: ordered_at }
  entities:
    - { name: order, type: primary, expr: order_id }
    - { name: customer, type: foreign, expr: customer_id }
  dimensions:
    - { name: ordered_at, type: time, type_params: { time_granularity: day } }
    - { name: channel, type: categorical }
    - { name: status, type: categorical }
  measures:
    - { name: order_count, agg: count, expr: order_id }
    - { name: ordering_customers, agg: count_distinct, expr: customer_id }
    - { name: max_order, agg: max, expr: amount }
`,
  },
  {
    path: 'order_items.yaml',
    content: `
semantic_model:
  name: order_items
  node_relation: { schema_name: retail, alias: order_items }
  defaults: { agg_time_dimension: ordered_at }
  entities:
    - { name: order_item, type: primary, expr: order_item_id }
    - { name: order, type: foreign, expr: order_id }
    - { name: customer, type: foreign, expr: customer_id }
  dimensions:
    - { name: ordered_at, type: time, type_params: { time_granularity: day } }
  measures:
    - { name: sales_amount, agg: sum, expr: amount }
    - { name: units, agg: sum, expr: quantity }
`,
  },
  {
    path: 'customers.yaml',
    content: `
semantic_model:
  name: customers
  node_relation: { schema_name: retail, alias: customers }
  entities:
    - { name: customer, type: primary, expr: customer_id }
  dimensions:
    - { name: segment, type: categorical }
    - { name: signed_up_at, type: time, type_params: { time_granularity: day } }
`,
  },
  {
    path: 'metrics.yaml',
    content: `
metrics:
  - { name: total_sales, type: simple, type_params: { measure: sales_amount } }
  - { name: order_count, type: simple, type_params: { measure: order_count } }
  - { name: customers, type: simple, type_params: { measure: ordering_customers } }
  - { name: units_sold, type: simple, type_params: { measure: units } }
  - { name: largest_order, type: simple, type_params: { measure: max_order } }
  - name: average_order_value
    type: ratio
    type_params: { numerator: total_sales, denominator: order_count }
  - name: online_orders
    type: simple
    filter: "{{ Dimension('order__channel') }} = 'online'"
    type_params: { measure: order_count }
  - name: sales_per_unit
    type: derived
    type_params:
      expr: total_sales / units_sold
      metrics: [{ name: total_sales }, { name: units_sold }]
`,
  },
]

const { manifest, problems } = importMetricFlow(FILES)

const QUERIES: Array<[string, SemanticQuery]> = [
  ['a metric by month with a time range, order and limit', {
    metrics: ['total_sales'], group_by: ['metric_time__month'],
    time_constraint: { start: '2024-01-01', end: '2024-06-30' }, order_by: ['metric_time__month'], limit: 100,
  }],
  ['two metrics of one model by a joined dimension with a planner filter', {
    metrics: ['order_count', 'customers'], group_by: ['customer__segment'],
    filters: [{ field: 'order__channel', op: '=', value: "online'; DROP TABLE orders; --" }], order_by: ['-order_count'], limit: 10,
  }],
  ['a ratio metric by week', { metrics: ['average_order_value'], group_by: ['metric_time__week'] }],
  ['metrics of two models joined on their group-by keys, with a where template', {
    metrics: ['total_sales', 'order_count'], group_by: ['metric_time__quarter'],
    where: ["{{ TimeDimension('metric_time', 'day') }} >= '2023-01-01'"],
  }],
  ['a filtered metric and an IN filter', {
    metrics: ['online_orders'], group_by: ['order__status'],
    filters: [{ field: 'order__status', op: 'in', value: ['paid', 'shipped'] }],
  }],
  ['a derived metric with a year grain and offset', { metrics: ['sales_per_unit', 'largest_order'], group_by: ['metric_time__year'], limit: 5, order_by: ['metric_time__year'] }],
  ['a grand total without group-by', { metrics: ['units_sold'] }],
]

function folded(relation: string, dialect: DialectName): string {
  return parseDottedName(relation, dialect).map((p) => foldPart(p, dialect)).join('.')
}

describe('the guard accepts the SQL our compiler emits', () => {
  it('imports the test semantic model without problems', () => {
    expect(problems).toEqual([])
  })

  describe.each(DIALECT_NAMES.map((d) => [d]))('%s', (dialect) => {
    const compiled = QUERIES.flatMap(([title, q]) => {
      try {
        return [{ title, out: compile(q, manifest, dialect) }]
      } catch (e) {
        // A dialect may not support a construct (e.g. ClickHouse 18.16 windows): that is the compiler's call.
        if (e instanceof SemanticError && e.code === 'unsupported') return []
        throw e
      }
    })

    it('compiles most of the queries for this dialect', () => {
      expect(compiled.length).toBeGreaterThanOrEqual(5)
    })

    it.each(compiled.map((c) => [c.title, c.out] as const))('accepts: %s', (_title, out) => {
      let result
      try {
        result = guardSql(out.sql, { dialect, allowedRelations: out.relations })
      } catch (e) {
        const why = e instanceof SqlGuardError ? e.reasons.join('; ') : String(e)
        throw new Error(`guard refused compiled ${dialect} SQL: ${why}\n${out.sql}`)
      }
      expect(result.relations.length).toBeGreaterThan(0)
      expect(new Set(result.relations)).toEqual(new Set(out.relations.map((r) => folded(r, dialect))))
    })

    it.each(compiled.map((c) => [c.title, c.out] as const))('refuses it when a relation is not allowed: %s', (_title, out) => {
      const [first, ...rest] = out.relations
      expect(first).toBeDefined()
      expect(() => guardSql(out.sql, { dialect, allowedRelations: rest })).toThrow(SqlGuardError)
    })
  })
})
