// "sales in CA last month and TX this month" was answered with the sales of CA and TX together over both months,
// by month: each value was asked with its own period, and one plan applies every filter to every period. Two
// clauses that each pair a filter value with a period are two questions, asked back; one period for a list of
// values ("sales in CA and TX last month") is one question.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-10.json')

describe('values each with their own period', () => {
  it('is not answered with every value over every period', () => {
    expect(ask('demo', 'sales in CA last month and TX this month')).not.toHaveProperty('metrics')
    expect(ask('demo', 'sales for q1 in the west and q2 in the south')).not.toHaveProperty('metrics')
  })

  it('leaves one period for a list of values answered', () => {
    expect(ask('demo', 'sales in CA and TX last month')).toEqual({
      metrics: ['total_sales'], filters: [{ field: 'store__state', op: 'in', value: ['CA', 'TX'] }], time_constraint: { start: '2024-05-01', end: '2024-05-31' },
    })
  })
})
