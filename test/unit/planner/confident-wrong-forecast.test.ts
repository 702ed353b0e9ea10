// A yes/no question opening with the future modal ("will visits go up next month") asks about the
// future as much as "what will X be"; read without the modal it came back as a confident table of
// next month, which holds nothing yet. The planner refuses it, and still answers requests ("will you
// show ...") and questions about a future period that are not about the future ("visits next month").
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-15.json')

describe('a yes/no question about the future', () => {
  it('is refused when it opens with "will"', () => {
    expect(ask('clinic', 'will visits go up next month')).toBe('question_not_understood')
    expect(ask('saas', 'will mrr go down next month')).toBe('question_not_understood')
  })

  it('is refused when it asks whether something is going to happen', () => {
    expect(ask('payments', 'are chargebacks going to rise next month')).toBe('question_not_understood')
  })

  it('does not refuse a request that opens with "will you"', () => {
    expect(ask('clinic', 'will you show me visits by clinic')).toEqual({ metrics: ['visit_count'], group_by: ['clinic__clinic_name'] })
  })
})
