// Language the offline planner reads beyond plain "metric by dimension":
// metrics named by the head of their name, split phrases, typos in time
// words, comparatives, value lists of numbers, and follow-ups that edit the
// previous question with a verb of their own.
import { describe, expect, it } from 'vitest'
import type { Catalog, CatalogMetric, SemanticQuery } from '../../../semantic/types'
import { planOffline } from '../../../src/planner/offline'
import { PlanningError, type Plan, type Turn } from '../../../src/planner/planner'
import { bookingsCatalog, CLOCK, retailCatalog } from './catalogs'

const retail = retailCatalog()
const bookings = bookingsCatalog()
const query = (q: string, catalog: Catalog = retail) => planOffline(q, catalog, [], CLOCK).query

function converse(catalog: Catalog, ...questions: string[]): SemanticQuery {
  const history: Turn[] = []
  let last: Plan | undefined
  for (const q of questions) {
    last = planOffline(q, catalog, history, CLOCK)
    history.push({ question: q, plan: last })
  }
  return (last as Extract<Plan, { kind: 'semantic' }>).query
}

function refused(q: string, catalog: Catalog = retail): boolean {
  try {
    planOffline(q, catalog, [], CLOCK)
    return false
  } catch (err) {
    if (err instanceof PlanningError) return true
    throw err
  }
}

/** MetricFlow-style names where people say only the last words ("verifications"). */
function accountsCatalog(): Catalog {
  const dims = ['metric_time', 'user', 'verification__verification_type']
  const m = (name: string): CatalogMetric => ({ name, type: 'simple', dimensions: dims })
  return {
    metrics: [
      m('identity_verifications'), m('visit_buy_conversion_rate'), m('visit_buy_conversion_rate_7days'),
      m('account_balance'), m('current_account_balance_by_user'), m('new_users'), m('archived_users'),
      m('total_account_balance_first_day'),
    ],
    dimensions: [
      { name: 'metric_time', type: 'time', grain: 'day' },
      { name: 'user', type: 'entity' },
      { name: 'verification__verification_type', type: 'categorical', sample_values: ['passport', 'drivers_license'] },
    ],
  }
}

describe('offline planner: metrics named by the head of their name', () => {
  const accounts = accountsCatalog()

  it('reads the last words of a metric name when no other metric ends the same way', () => {
    expect(query('verifications by type', accounts)).toEqual({ metrics: ['identity_verifications'], group_by: ['verification__verification_type'] })
    expect(query('conversion rate by month', accounts)).toEqual({ metrics: ['visit_buy_conversion_rate'], group_by: ['metric_time__month'] })
  })

  it('skips the little words a question puts inside a name', () => {
    expect(query('visit to buy conversion rate', accounts).metrics).toEqual(['visit_buy_conversion_rate'])
  })

  it('keeps "by user" as a grouping rather than the tail of a metric name', () => {
    expect(query('account balance by user', accounts)).toEqual({ metrics: ['account_balance'], group_by: ['user'] })
  })

  it('does not guess between metrics sharing the same last word, nor from a time word', () => {
    expect(refused('users by month', accounts)).toBe(true)
    expect(refused('first day', accounts)).toBe(true)
  })

  it('joins a counted noun and its verb across other words ("how many items did we sell")', () => {
    expect(query('how many items did we sell yesterday')).toEqual({ metrics: ['units_sold'], time_constraint: { start: '2024-06-14', end: '2024-06-14' } })
    expect(query('how many items were sold in Apparel').metrics).toEqual(['units_sold'])
  })

  it('reads two metric words side by side as one noun whose head names the metric', () => {
    expect(query('sales volume by state')).toEqual({ metrics: ['units_sold'], group_by: ['store__state'] })
  })
})

describe('offline planner: time words and time orderings', () => {
  it('corrects typos in time words and says so', () => {
    const p = planOffline('bookings by wek last yaer', bookings, [], CLOCK)
    expect(p.query).toEqual({ metrics: ['bookings'], group_by: ['metric_time__week'], time_constraint: { start: '2023-01-01', end: '2023-12-31' } })
    expect(p.reasons.join(' ')).toMatch(/"yaer" as "year"/)
  })

  it('leaves real words near a time word alone ("weekday" is not "weekly")', () => {
    expect(refused('orders by weekday')).toBe(true)
  })

  it('groups by a time dimension named with a grain instead of its date word', () => {
    expect(query('customers by signup month')).toEqual({ metrics: ['customers'], group_by: ['customer__signed_up_at__month'] })
    expect(query('orders month over month').group_by).toEqual(['metric_time__month'])
  })

  it('sorts by the time grouping for "most recent first" and "oldest first"', () => {
    expect(query('sales by month, most recent first').order_by).toEqual(['-metric_time__month'])
    expect(query('sales by week oldest first').order_by).toEqual(['metric_time__week'])
  })
})

describe('offline planner: ranking, comparing and value lists', () => {
  it('reads a comparative after "which" as the single winner', () => {
    expect(query('which channel brings in more revenue')).toEqual({ metrics: ['total_sales'], group_by: ['order__channel'], order_by: ['-total_sales'], limit: 1 })
  })

  it('ranks by "busiest" with the metric the question names', () => {
    expect(query('busiest store in terms of orders')).toEqual({ metrics: ['order_count'], group_by: ['store__store_name'], order_by: ['-order_count'], limit: 1 })
  })

  it('breaks down values set side by side after "compare"', () => {
    expect(query('compare online and in store orders by month')).toEqual({
      metrics: ['order_count'], group_by: ['order__channel', 'metric_time__month'],
      filters: [{ field: 'order__channel', op: 'in', value: ['Online', 'In store'] }],
    })
  })

  it('excludes with "all <dimension> but <value>"', () => {
    expect(query('sales for all categories but Toys').filters).toEqual([{ field: 'product__category', op: '!=', value: 'Toys' }])
  })

  it('lists several numbers of a numeric dimension ("capacity 2 or 3")', () => {
    expect(query('listings with capacity 2 or 3', bookings).filters).toEqual([{ field: 'listing__capacity_latest', op: 'in', value: [2, 3] }])
  })

  it('groups by a flag named after "by" ("by is_lux")', () => {
    expect(query('listings by is_lux', bookings)).toEqual({ metrics: ['listings'], group_by: ['listing__is_lux_latest'] })
  })

  it('matches a value whose apostrophe the question leaves out', () => {
    expect(query('bookings in cote d ivoire', bookings).filters).toEqual([{ field: 'listing__country_latest', op: '=', value: "cote d'ivoire" }])
  })

  it('does not add the metric that only names what a filter applies to', () => {
    expect(query('average booking value for bookings that were not instant', bookings)).toEqual({
      metrics: ['average_booking_value'], filters: [{ field: 'booking__is_instant', op: '=', value: false }],
    })
  })
})

describe('offline planner: follow-ups that edit the last question', () => {
  it('"same but monthly" adds the grain and keeps the rest', () => {
    expect(converse(retail, 'sales by category this year', 'same but monthly')).toEqual({
      metrics: ['total_sales'], group_by: ['product__category', 'metric_time__month'], time_constraint: { start: '2024-01-01', end: '2024-12-31' },
    })
  })

  it('"change it to 2022" replaces the period', () => {
    expect(converse(retail, 'revenue by channel in 2023', 'change it to 2022').time_constraint).toEqual({ start: '2022-01-01', end: '2022-12-31' })
  })

  it('"rank them by units instead" swaps the ranking metric and keeps the limit', () => {
    expect(converse(retail, 'top 5 products by revenue', 'rank them by units instead')).toEqual({
      metrics: ['units_sold'], group_by: ['product__product_name'], order_by: ['-units_sold'], limit: 5,
    })
  })

  it('"sort it by orders" adds the metric it sorts by', () => {
    expect(converse(retail, 'sales by store', 'sort it by orders')).toEqual({
      metrics: ['total_sales', 'order_count'], group_by: ['store__store_name'], order_by: ['-order_count'],
    })
  })

  it('"show me 10" re-limits a ranked answer', () => {
    expect(converse(retail, 'top 3 products by units', 'show me 10').limit).toBe(10)
  })

  it('"remove Florida" takes a value out of the list instead of excluding it', () => {
    expect(converse(retail, 'sales by state in Texas and Florida', 'remove Florida').filters).toEqual([{ field: 'store__state', op: '=', value: 'TX' }])
  })

  it('"drop the date filter" clears the time range', () => {
    expect(converse(retail, 'sales by region last quarter', 'drop the date filter')).toEqual({ metrics: ['total_sales'], group_by: ['store__region'] })
  })
})
