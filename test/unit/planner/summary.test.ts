import { describe, expect, it } from 'vitest'
import type { SemanticQuery } from '../../../semantic/types'
import type { Plan } from '../../../src/planner/planner'
import { formatValue, summarize, type SummaryColumn } from '../../../src/planner/summary'

const ctx = { timezone: 'America/New_York', now: new Date('2024-06-15T15:00:00Z') }
const USD = { type: 'currency', currency: 'USD', decimals: 2 } as const
const sales: SummaryColumn = { name: 'total_sales', kind: 'metric', label: 'Total sales', format: USD }
const orders: SummaryColumn = { name: 'order_count', kind: 'metric', label: 'Orders', format: { type: 'number', decimals: 0 } }
const region: SummaryColumn = { name: 'store__region', kind: 'dimension' }
const month: SummaryColumn = { name: 'metric_time__month', kind: 'time_dimension', grain: 'month' }
const semantic = (query: SemanticQuery): Plan => ({ kind: 'semantic', query, confidence: 1, reasons: [], planner: 'offline' })
const LAST_QUARTER = { start: '2024-01-01', end: '2024-03-31' }

describe('summarize', () => {
  it('states a single total with the metric format and the time range in words', () => {
    const s = summarize(semantic({ metrics: ['total_sales'], time_constraint: LAST_QUARTER }), [sales], [[1284350]], ctx)
    expect(s).toBe('Total sales last quarter were $1,284,350.00.')
  })

  it('uses "was" for a singular metric label', () => {
    const aov: SummaryColumn = { name: 'average_order_value', kind: 'metric', label: 'Average order value', format: USD }
    expect(summarize(semantic({ metrics: ['average_order_value'] }), [aov], [['87.5']], ctx)).toBe('Average order value over all time was $87.50.')
  })

  it('lists groups largest first with their share of the total when the result is unordered', () => {
    const rows = [[250000, 'Midwest'], [412300, 'West'], [300000, 'South'], [322050, 'Northeast']]
    const s = summarize(semantic({ metrics: ['total_sales'], group_by: ['store__region'], time_constraint: LAST_QUARTER }), [sales, region], rows, ctx)
    expect(s).toBe('Total sales by region last quarter: West $412,300.00 (32%), Northeast $322,050.00 (25%), South $300,000.00 (23%), Midwest $250,000.00 (19%).')
  })

  it('keeps the result order when the query sorted it', () => {
    const rows = [[1, 'A'], [3, 'B']]
    const s = summarize(semantic({ metrics: ['total_sales'], group_by: ['store__region'], order_by: ['total_sales'] }), [sales, region], rows, ctx)
    expect(s).toMatch(/: A \$1\.00 .*, B \$3\.00/)
  })

  it('shows the first few rows and how many more there are', () => {
    const rows = Array.from({ length: 8 }, (_, i) => [100 - i, `Store ${i + 1}`])
    const s = summarize(semantic({ metrics: ['total_sales'], group_by: ['store__store_name'] }), [sales, { name: 'store__store_name', kind: 'dimension' }], rows, { ...ctx, rowCount: 8 })
    expect(s).toMatch(/Store 1 \$100\.00 \(\d+%\), .*Store 5 \$96\.00 \(\d+%\), and 3 more\.$/)
  })

  it('leaves out shares when only part of the rows are known', () => {
    const rows = Array.from({ length: 5 }, (_, i) => [100 - i, `S${i}`])
    const s = summarize(semantic({ metrics: ['total_sales'], group_by: ['store__store_name'] }), [sales, { name: 'store__store_name', kind: 'dimension' }], rows, { ...ctx, rowCount: 500, truncated: true })
    expect(s).not.toMatch(/%/)
    expect(s).toMatch(/and 495\+ more\.$/)
  })

  it('names time buckets by their grain and keeps them in time order without shares', () => {
    const rows = [[2000, '2024-02-01T00:00:00.000Z'], [1000, '2024-01-01']]
    const s = summarize(semantic({ metrics: ['total_sales'], group_by: ['metric_time__month'] }), [sales, month], rows, ctx)
    expect(s).toBe('Total sales by month over all time: January 2024 $1,000.00, February 2024 $2,000.00.')
  })

  it('does not show shares for averages and ratios', () => {
    const aov: SummaryColumn = { name: 'average_order_value', kind: 'metric', label: 'Average order value', format: USD }
    const s = summarize(semantic({ metrics: ['average_order_value'], group_by: ['store__region'] }), [aov, region], [[80, 'West'], [90, 'South']], ctx)
    expect(s).not.toMatch(/%/)
  })

  it('formats several metrics per group', () => {
    const s = summarize(semantic({ metrics: ['total_sales', 'order_count'], group_by: ['store__region'] }), [sales, orders, region], [[100, 2, 'West']], ctx)
    expect(s).toBe('Total sales and orders by region over all time: West: total sales $100.00, orders 2.')
  })

  it('states several totals on one line', () => {
    const s = summarize(semantic({ metrics: ['total_sales', 'order_count'], time_constraint: { start: '2024-06-14', end: '2024-06-14' } }), [sales, orders], [[100, 2]], ctx)
    expect(s).toBe('Yesterday: total sales $100.00 and orders 2.')
  })

  it('mentions filters in plain words', () => {
    const q: SemanticQuery = { metrics: ['total_sales'], filters: [{ field: 'product__category', op: '=', value: 'Electronics' }, { field: 'store__state', op: 'not_in', value: ['CA', 'TX'] }], time_constraint: { start: '2023-01-01', end: '2023-12-31' } }
    expect(summarize(semantic(q), [sales], [[5]], ctx)).toBe('Total sales for Electronics excluding CA and TX last year were $5.00.')
  })

  it('says when nothing was found', () => {
    expect(summarize(semantic({ metrics: ['total_sales'], time_constraint: LAST_QUARTER }), [sales], [], { ...ctx, rowCount: 0 })).toBe('No data found for total sales last quarter.')
  })

  it('shows missing values and missing group keys', () => {
    const s = summarize(semantic({ metrics: ['total_sales'], group_by: ['store__region'] }), [sales, region], [[null, null], [5, 'West']], ctx)
    expect(s).toMatch(/West \$5\.00.*\(none\) no value/)
  })

  it('summarises raw SQL results by their size', () => {
    const sql: Plan = { kind: 'sql', sql: 'SELECT 1', confidence: 1, reasons: [], planner: 'llm' }
    expect(summarize(sql, [{ name: 'x' }], [[42]], ctx)).toBe('The result is 42.')
    expect(summarize(sql, [{ name: 'x' }, { name: 'y' }], [[1, 2], [3, 4]], { ...ctx, rowCount: 2 })).toBe('The query returned 2 rows.')
    expect(summarize(sql, [], [], { ...ctx, rowCount: 0 })).toBe('The query returned no rows.')
  })

  it('is deterministic for the same input', () => {
    const args = [semantic({ metrics: ['total_sales'], group_by: ['store__region'] }), [sales, region], [[1, 'A'], [1, 'B']], ctx] as const
    expect(summarize(...args)).toBe(summarize(...args))
  })
})

describe('formatValue', () => {
  it.each([
    [1234.5, { type: 'currency', currency: 'USD' } as const, '$1,234.50'],
    [1234.5, { type: 'currency', currency: 'EUR', decimals: 0 } as const, '€1,235'],
    [0.3215, { type: 'percent' } as const, '32.2%'],
    [12345.678, { type: 'number', decimals: 1 } as const, '12,345.7'],
    ['1500', undefined, '1,500'],
    [2.5, undefined, '2.50'],
    [null, undefined, 'no value'],
    ['West', undefined, 'West'],
  ])('formats %j with %j as %s', (v, f, out) => {
    expect(formatValue(v, f)).toBe(out)
  })

  it('falls back to a plain number for an unknown currency code', () => {
    expect(formatValue(5, { type: 'currency', currency: 'NOT_A_CODE' })).toBe('5.00 NOT_A_CODE')
  })
})
