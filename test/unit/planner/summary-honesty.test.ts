// The honesty rules of summaries (issue 12): shares only of the true total,
// "over all time" without a range, unfinished periods flagged, cuts and ties
// said, period comparisons with their change, time series oldest first.
import { describe, expect, it } from 'vitest'
import type { SemanticQuery } from '../../../semantic/types'
import type { Plan } from '../../../src/planner/planner'
import { summarize, type SummaryColumn } from '../../../src/planner/summary'

const ctx = { timezone: 'America/New_York', now: new Date('2024-06-15T15:00:00Z') }
const USD = { type: 'currency', currency: 'USD', decimals: 0 } as const
const sales: SummaryColumn = { name: 'total_sales', kind: 'metric', label: 'Total sales', format: USD }
const product: SummaryColumn = { name: 'product__product_name', kind: 'dimension' }
const month: SummaryColumn = { name: 'metric_time__month', kind: 'time_dimension', grain: 'month' }
const plan = (query: SemanticQuery): Plan => ({ kind: 'semantic', query, confidence: 1, reasons: [], planner: 'offline' })

describe('summaries say only what the numbers support', () => {
  it('gives no share for a top-N list: the rows are not the whole', () => {
    const rows = [[35730, '4K TV'], [30000, 'Laptop'], [20000, 'Phone'], [19000, 'Tablet'], [15000, 'Camera']]
    const s = summarize(plan({ metrics: ['total_sales'], group_by: ['product__product_name'], order_by: ['-total_sales'], limit: 5 }), [sales, product], rows, { ...ctx, rowCount: 5 })
    expect(s).not.toMatch(/%/)
    expect(s).toMatch(/only the first 5/)
  })

  it("uses the query's share of the true total when it computed one", () => {
    const share: SummaryColumn = { name: 'total_sales__share', kind: 'metric', format: { type: 'percent', decimals: 1 } }
    const rows = [[35730, '4K TV', 0.0812], [30000, 'Laptop', 0.0682]]
    const s = summarize(plan({ metrics: ['total_sales'], group_by: ['product__product_name'], order_by: ['-total_sales'], limit: 2, share_of_total: true }), [sales, product, share], rows, { ...ctx, rowCount: 2 })
    expect(s).toContain('4K TV $35,730 (8.1% of the total)')
    expect(s).not.toMatch(/share/i)
  })

  it('gives no share when a filter on the metric dropped groups', () => {
    const rows = [[300, 'A'], [200, 'B']]
    const s = summarize(plan({ metrics: ['total_sales'], group_by: ['product__product_name'], filters: [{ field: 'total_sales', op: '>', value: 100 }] }), [sales, product], rows, ctx)
    expect(s).not.toMatch(/%/)
  })

  it('says "over all time" when the question named no range', () => {
    expect(summarize(plan({ metrics: ['total_sales'] }), [sales], [[100]], ctx)).toBe('Total sales over all time were $100.')
  })

  it('flags a range that has not ended yet', () => {
    const s = summarize(plan({ metrics: ['total_sales'], time_constraint: { start: '2024-01-01', end: '2024-12-31' } }), [sales], [[100]], ctx)
    expect(s).toBe('Total sales this year (2024 through Jun 15) were $100.')
  })

  it('flags the unfinished last bucket of a series and lists the series oldest first', () => {
    const rows = [[50, '2024-06-01'], [200, '2024-04-01'], [150, '2024-05-01']]
    const s = summarize(plan({ metrics: ['total_sales'], group_by: ['metric_time__month'], time_constraint: { start: '2024-04-01', end: '2024-06-15' } }), [sales, month], rows, ctx)
    expect(s).toMatch(/: April 2024 \$200, May 2024 \$150, June 2024 \$50 \(June 2024 is not over: data through Jun 15\)\.$/)
  })

  it('says when the last two rows of a cut ranking are tied', () => {
    const rows = [[300, 'A'], [200, 'B'], [200, 'C']]
    const s = summarize(plan({ metrics: ['total_sales'], group_by: ['product__product_name'], order_by: ['-total_sales'], limit: 3 }), [sales, product], rows, ctx)
    expect(s).toMatch(/only the first 3, and the last two are tied, so more may tie at the cut/)
  })

  it('states a period comparison with the earlier value and the change', () => {
    const prev: SummaryColumn = { name: 'total_sales__previous', kind: 'metric', format: USD }
    const s = summarize(plan({ metrics: ['total_sales'], time_constraint: { start: '2024-01-01', end: '2024-06-15' }, compare: { offset_window: '1 year' } }), [sales, prev], [[1125, 1000]], ctx)
    expect(s).toBe('Total sales year to date (2024 through Jun 15) were $1,125 (against $1,000 1 year earlier, +12.5%).')
  })
})
