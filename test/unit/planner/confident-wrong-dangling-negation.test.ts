// "how many visits did not happen" was answered with every visit, and "how many patients did not show
// up" with every new patient: the negated verb is a word the planner passes over, so "not" negated
// nothing and the plan said the opposite of the question, confidently. A negation the plan does not
// read (no excluded value, no false flag, no metric that is itself a negation) is asked back now.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-15.json')

describe('a negation of the question', () => {
  it('is not dropped when nothing in the plan reads it', () => {
    expect(ask('clinic', 'how many visits did not happen')).toEqual(expect.any(String))
    expect(ask('clinic', 'how many patients did not show up')).toEqual(expect.any(String))
  })

  it('still answers when it excludes a value or negates a flag', () => {
    expect(ask('clinic', 'how many claims were not denied')).toEqual({ metrics: ['claim_count'], filters: [{ field: 'claim__claim_status', op: '!=', value: 'denied' }] })
    expect(ask('hr', 'exits that were not regrettable')).toEqual({ metrics: ['termination_count'], filters: [{ field: 'termination__is_regrettable', op: '=', value: false }] })
  })
})
