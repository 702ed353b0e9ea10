// "customers signed up last month" on the demo layer: `customers` (distinct customers who placed an order) is
// dated by the order day, and it reaches the customer's `signed_up_at` too. The dating-verb reading took the
// customer's date as the metric's own because the metric is named for customers, called "signed" its event and
// answered with the range on the order day: customers who ordered last month, with confidence 1. The verb is
// the metric's dating event only where that date is on the rows the metric aggregates.
import { describe, expect, it } from 'vitest'
import { askOn } from './confident-wrong-3-layers'

describe('a past-tense verb naming the date of a joined entity', () => {
  it('is not the event of the metric\'s own date (demo: customers signed up last month)', () => {
    const plan = askOn('demo', 'customers signed up last month')
    expect(plan).not.toEqual({ metrics: ['customers'], time_constraint: { start: '2024-05-01', end: '2024-05-31' } })
    expect(typeof plan).toBe('string')
  })

  it('still is where the date is on the aggregated rows (lending: loans originated last month)', () => {
    expect(askOn('lending', 'loans originated last month')).toEqual({ metrics: ['loan_cnt'], time_constraint: { start: '2024-05-01', end: '2024-05-31' } })
  })
})
