// "amount paid by patients" was answered as the paid amount grouped by patient, while the metric says it
// is the "amount paid by payers": "paid by" names who paid, and the layer's description names another
// payer. When a metric's description says who did it ("<verb> by <someone>") and the question says the
// same verb by someone else, the plan is asked back; the same agent, or a plain "by" breakdown, answers.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-15.json')

describe('a "<verb> by <someone>" the metric says of someone else', () => {
  it('is not read as a breakdown of that metric', () => {
    expect(ask('clinic', 'amount paid by patients')).toEqual(expect.any(String))
    expect(ask('clinic', 'total paid by patients last month')).toEqual(expect.any(String))
  })

  it('leaves a plain breakdown answered', () => {
    expect(ask('clinic', 'total paid amount by clinic')).toEqual({ metrics: ['total_paid_amount'], group_by: ['clinic__clinic_name'] })
  })
})
