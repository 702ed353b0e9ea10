// "net sales excluding december" was answered with December's net sales at full confidence: the
// negation before a time phrase was passed over and the period became the time range, the very period
// the question leaves out ("every month except december", "not in 2023", round 15's "december
// excluded" alike). A time range cannot leave a period out of itself, so these are refused; an
// excluded value beside a period still answers.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-15.json')

describe('a period the question leaves out', () => {
  it('is refused rather than answered as the time range', () => {
    expect(ask('restaurant', 'net sales excluding december')).toBe('question_not_understood')
    expect(ask('restaurant', 'net sales in every month except december')).toBe('question_not_understood')
    expect(ask('restaurant', 'net sales not in 2023')).toBe('question_not_understood')
    expect(ask('restaurant', 'net sales other than last month')).toBe('question_not_understood')
  })

  it('is refused when said after the period', () => {
    expect(ask('restaurant', 'net sales by month, december excluded')).toBe('question_not_understood')
  })

  it('leaves an excluded value beside a period answered', () => {
    expect(ask('restaurant', 'net sales excluding lunch last month')).toEqual({
      metrics: ['net_sales'], filters: [{ field: 'check__daypart_cd', op: '!=', value: 'LUN' }], time_constraint: { start: '2024-05-01', end: '2024-05-31' },
    })
  })
})
