import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const fitness = evalFixture('planner-eval-dev-10.json')
const LAST_MONTH = { start: '2024-05-01', end: '2024-05-31' }

describe('"new" before a count of things by the day they came to be', () => {
  it('is accounted for by the metric ("new members last month" over members by the day they joined)', () => {
    expect(fitness.ask('fitness', 'new members last month')).toEqual({ metrics: ['member_count'], time_constraint: LAST_MONTH })
  })

  it('stays unexplained when the metric counts something else ("new customers" over ordering customers)', () => {
    expect(fitness.ask('demo', 'new customers last month')).toBe('question_not_understood')
  })
})
