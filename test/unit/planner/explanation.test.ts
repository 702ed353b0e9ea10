import { describe, expect, it } from 'vitest'
import type { SemanticManifest, SemanticQuery } from '../../../semantic/types'
import { explainPlan } from '../../../src/planner/explanation'
import type { Plan } from '../../../src/planner/planner'

const ctx = { timezone: 'Europe/Berlin', now: new Date('2024-06-15T10:00:00Z') }
const manifest: SemanticManifest = {
  semantic_models: [
    {
      name: 'order_items', node_relation: { alias: 'order_items', schema_name: 'retail' }, entities: [{ name: 'order', type: 'foreign' }],
      dimensions: [{ name: 'region', type: 'categorical', label: 'Region' }, { name: 'category', type: 'categorical', label: 'Category' }],
      measures: [{ name: 'sales_amount', agg: 'sum', expr: 'amount' }, { name: 'order_count', agg: 'count_distinct', expr: 'order_id' }, { name: 'lines', agg: 'sum', expr: '1' }],
    },
  ],
  metrics: [
    { name: 'total_sales', type: 'simple', label: 'Total sales', description: 'Revenue from all order lines.', format: { type: 'currency', currency: 'USD' }, type_params: { measure: 'sales_amount' } },
    { name: 'order_count', type: 'simple', label: 'Orders', type_params: { measure: 'order_count' } },
    { name: 'aov', type: 'ratio', label: 'Average order value', type_params: { numerator: 'total_sales', denominator: 'order_count' } },
    { name: 'online_sales', type: 'simple', filter: "{{ Dimension('order__channel') }} = 'Online'", type_params: { measure: { name: 'sales_amount' } } },
    { name: 'sales_wow', type: 'derived', type_params: { expr: 'sales - sales_last_week', metrics: [{ name: 'total_sales', alias: 'sales' }, { name: 'total_sales', alias: 'sales_last_week', offset_window: '1 week' }] } },
    { name: 'sales_mtd', type: 'cumulative', type_params: { measure: 'sales_amount', cumulative_type_params: { grain_to_date: 'month' } } },
    { name: 'line_count', type: 'simple', type_params: { measure: 'lines' } },
  ],
  saved_queries: [],
  time_spines: [],
}
const explain = (query: SemanticQuery) => explainPlan({ kind: 'semantic', query, confidence: 1, reasons: [], planner: 'offline' }, manifest, ctx)

describe('explainPlan', () => {
  it('explains a metric by its description and definition', () => {
    expect(explain({ metrics: ['total_sales'] })).toContain('Total sales (total_sales): Revenue from all order lines. Computed as the sum of amount in order_items.')
  })

  it('explains ratio, derived, cumulative and filtered metrics', () => {
    const text = explain({ metrics: ['aov', 'sales_wow', 'sales_mtd', 'online_sales', 'line_count'] })
    expect(text).toContain('Computed as Total sales divided by Orders.')
    expect(text).toContain('Computed as sales - sales_last_week where sales = Total sales and sales_last_week = Total sales from 1 week earlier.')
    expect(text).toContain('a running total of the sum of amount in order_items since the start of each month')
    expect(text).toContain("only where order__channel = 'Online'")
    expect(text).toContain('the number of rows in order_items')
  })

  it('states groupings, filters, the exact dates of the time range, order and limit', () => {
    const text = explain({
      metrics: ['total_sales'], group_by: ['store__region', 'metric_time__month'],
      filters: [{ field: 'product__category', op: 'in', value: ['Toys', 'Beauty'] }, { field: 'total_sales', op: '>', value: 10000 }],
      time_constraint: { start: '2024-01-01', end: '2024-03-31' }, order_by: ['-total_sales'], limit: 5,
    })
    expect(text).toContain('Grouped by region and month.')
    expect(text).toContain('Filtered to Category is one of "Toys", "Beauty" and Total sales above $10,000.00 (applied to the aggregated result).')
    expect(text).toContain('Time range: last quarter (January 1, 2024 to March 31, 2024), by each metric\'s own date, in the Europe/Berlin time zone.')
    expect(text).toContain('Sorted by Total sales (highest first).')
    expect(text).toContain('Showing at most 5 rows.')
  })

  it('says when all data is used and names open ranges', () => {
    expect(explain({ metrics: ['total_sales'] })).toContain('Time range: all available data.')
    expect(explain({ metrics: ['total_sales'], time_constraint: { start: '2023-06-01' } })).toContain('Time range: since June 1, 2023')
  })

  it('explains negated and boolean filters', () => {
    const text = explain({ metrics: ['total_sales'], filters: [{ field: 'store__region', op: '!=', value: 'West' }, { field: 'booking__is_instant', op: '=', value: true }] })
    expect(text).toContain('Region is not "West" and is instant is true')
  })

  it('explains raw SQL plans without pretending to know their meaning', () => {
    const plan: Plan = { kind: 'sql', sql: 'SELECT 1', confidence: 0.7, reasons: ['custom join'], planner: 'llm' }
    expect(explainPlan(plan, manifest, ctx)).toMatch(/SQL written by the language model.*\nReason: custom join/)
  })

  it('still explains a plan when the manifest is not available', () => {
    expect(explainPlan({ kind: 'semantic', query: { metrics: ['total_sales'] }, confidence: 1, reasons: [], planner: 'offline' }, undefined, ctx)).toContain('total sales (total_sales).')
  })
})
