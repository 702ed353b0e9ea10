// "how many products sold" was answered with total sales by product: "how many" asks for a count, and
// every metric the plan answered with is a sum of money. Asked back now; a count answered with a count
// ("how many customers ordered last month") and money asked as money still answer.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-15.json', { demo: 'planner-eval-dev-2.json' })

describe('a count asked for', () => {
  it('is not answered with money only', () => {
    expect(ask('demo', 'how many products sold')).toEqual(expect.any(String))
    expect(ask('demo', 'how many stores sold electronics')).toEqual(expect.any(String))
  })

  it('leaves a count answered with a count answered', () => {
    expect(ask('demo', 'how many customers ordered last month')).toEqual({ metrics: ['customers'], time_constraint: { start: '2024-05-01', end: '2024-05-31' } })
  })
})
