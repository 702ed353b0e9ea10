// "average loan size over 2023 month by month" was answered as the months whose average exceeds 2023: a bound
// whose number is a plausible calendar year (four digits, within a century of today) and no time range
// elsewhere may as well name the period ("over 2023" = during 2023), so the plan is not answered. "more than
// 2000 orders", a counted noun after the number, or a number no year has ("over 500") is still a bound.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'
import { yearAsBoundDoubt } from '../../../src/planner/offline/year-as-bound'

const { ask } = evalFixture('planner-eval-dev-16.json')

describe('a bound whose number reads as a year', () => {
  it('is not answered as a bound when no time range is planned', () => {
    expect(ask('lending', 'average loan size over 2023 month by month')).not.toHaveProperty('filters')
    expect(yearAsBoundDoubt('loans over 2023', { metrics: ['loan_cnt'], filters: [{ field: 'loan_cnt', op: '>', value: 2023 }] }, new Date('2024-06-15'))).toMatch(/2023/)
  })

  it('leaves a bound that no year has, or one beside a time range, alone', () => {
    expect(yearAsBoundDoubt('stores with more than 2000 orders', { metrics: ['order_count'], filters: [{ field: 'order_count', op: '>', value: 2000 }] }, new Date('2024-06-15'))).toBeUndefined()
    expect(yearAsBoundDoubt('stores with over 2000 orders', { metrics: ['order_count'], filters: [{ field: 'order_count', op: '>', value: 2000 }] }, new Date('2024-06-15'))).toBeUndefined()
    expect(yearAsBoundDoubt('loans over 500', { metrics: ['loan_cnt'], filters: [{ field: 'loan_cnt', op: '>', value: 500 }] }, new Date('2024-06-15'))).toBeUndefined()
    expect(yearAsBoundDoubt('loans over 2023 this year', { metrics: ['loan_cnt'], filters: [{ field: 'loan_cnt', op: '>', value: 2023 }], time_constraint: { start: '2024-01-01', end: '2024-12-31' } }, new Date('2024-06-15'))).toBeUndefined()
  })
})
