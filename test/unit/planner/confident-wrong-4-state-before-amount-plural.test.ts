// "missed payments by month" on the lending layer was answered as `pmt_amt` ("Amount actually received against
// the installment") summed over the installments whose status is MS = missed: nothing is received on a missed
// installment, so the answer is zero whatever happened. "payments" names `pmt_amt` only with its amount word
// left out, and a state written before that plural ("missed", "scheduled") says which payments, as things:
// the question counts them or asks what was due on them, numbers other metrics measure. A state said of a
// plural the plan reads as an amount by its short name is a doubt; the amount named as one ("payment amount
// for missed installments") or the plural alone ("payments by month") is not.
import { describe, expect, it } from 'vitest'
import { askOn } from './confident-wrong-3-layers'

describe('a state written before a plural read as an amount', () => {
  it('is not answered as the amount summed over that state (lending: missed payments, scheduled payments)', () => {
    expect(askOn('lending', 'missed payments by month')).not.toHaveProperty('metrics', ['pmt_amt'])
    expect(askOn('lending', 'scheduled payments last month')).not.toHaveProperty('metrics', ['pmt_amt'])
  })

  it('leaves the plural alone answered as the amount (lending: payments by month)', () => {
    expect(askOn('lending', 'payments by month')).toEqual({ metrics: ['pmt_amt'], group_by: ['metric_time__month'] })
  })
})
