// "invoiced amount by month for the top plan" was answered with one row: the limit of one was put on
// the rows of plan × month, so it returned the best single month of any plan rather than the top plan's
// months. A limit over a grouping by a period and by something else is asked back now.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-15.json')

describe('a top or bottom pick asked for as a series over time', () => {
  it('is not answered with a limit on the rows of every period', () => {
    expect(ask('saas', 'invoiced amount by month for the top plan')).toEqual(expect.any(String))
    expect(ask('hotel', 'weekly bookings by channel for the top property')).toEqual(expect.any(String))
    expect(ask('hotel', 'cancellations by month for the worst property')).toEqual(expect.any(String))
  })

  it('leaves a ranked list without a period grouping answered', () => {
    expect(ask('clinic', 'visits of the busiest clinic')).toEqual({
      metrics: ['visit_count'], group_by: ['clinic__clinic_name'], order_by: ['-visit_count'], limit: 1,
    })
  })
})
