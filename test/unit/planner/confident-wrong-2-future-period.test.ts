// "bookings for next month" was answered with the bookings made next month: the layer dates each booking
// on the day it was made, so a period that has not begun holds none of them, and the analyst meant the
// stays booked for that month or a forecast. A relative period after today ("next month") on a metric
// described as dated by an act that is done when it is recorded (made, placed, submitted) is asked back;
// a metric that can be on the books ahead ("room revenue next month") and a named year still answer.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-15.json', { demo: 'planner-eval-dev-2.json' })

describe('a relative period that has not begun, on a metric dated by an act already done', () => {
  it('is not answered as if the acts had happened', () => {
    expect(ask('hotel', 'bookings for next month')).toEqual(expect.any(String))
    expect(ask('demo', 'orders for next week')).toEqual(expect.any(String))
  })

  it('leaves future periods of other metrics, and named years, answered', () => {
    expect(ask('hotel', 'room revenue next month')).toEqual({ metrics: ['room_revenue'], time_constraint: { start: '2024-07-01', end: '2024-07-31' } })
    expect(ask('demo', 'sales per month in 2025')).toEqual({
      metrics: ['total_sales'], group_by: ['metric_time__month'], time_constraint: { start: '2025-01-01', end: '2025-12-31' },
    })
    expect(ask('demo', 'orders last week')).toEqual({ metrics: ['order_count'], time_constraint: { start: '2024-06-03', end: '2024-06-09' } })
  })
})
