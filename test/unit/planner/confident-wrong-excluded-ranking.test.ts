// "sales excluding the top customer" was answered with the top customer's sales: the ranking was read,
// the exclusion had nothing left to exclude and vanished, and the plan listed exactly the rows the
// question leaves out. No plan shape takes its own top rows out of a total, so such questions are
// refused; a ranking with an exclusion of a value beside it still answers.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-15.json', { demo: 'planner-eval-dev-10.json' })

describe('an exclusion of ranked rows', () => {
  it('is refused rather than answered with the ranked rows', () => {
    expect(ask('demo', 'sales excluding the top customer')).toBe('question_not_understood')
    expect(ask('demo', 'sales for all but the top 3 customers')).toBe('question_not_understood')
    expect(ask('saas', 'mrr without the top 10 accounts')).toBe('question_not_understood')
  })

  it('is refused when said after what it excludes', () => {
    expect(ask('demo', 'sales by region, not counting the top customer')).toBe('question_not_understood')
  })

  it('leaves a ranking beside an excluded value answered', () => {
    expect(ask('demo', 'top 5 customers by sales excluding returned orders')).toEqual({
      metrics: ['total_sales'], group_by: ['customer'], filters: [{ field: 'order__status', op: '!=', value: 'Returned' }], order_by: ['-total_sales'], limit: 5,
    })
  })
})
