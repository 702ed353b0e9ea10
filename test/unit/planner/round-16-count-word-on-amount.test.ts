// "payments count last month" over a layer whose `pymt_amt` is also called "payments": a count word
// asks how many payments, and the payment amount would answer how much was paid. The plan is asked
// back; without the count word the amount answers.
import { describe, expect, it } from 'vitest'
import { countWordOnAmount } from '../../../src/planner/offline/count-word-on-amount'
import { ask } from './round-16-layer'

describe('a count word over an amount metric', () => {
  it('is not answered with the amount', () => {
    expect(ask('payments count last month')).toEqual(expect.any(String))
    expect(ask('number of payments')).toEqual(expect.any(String))
  })

  it('leaves the amount answered where no count is asked', () => {
    expect(ask('payments last month')).toEqual({ metrics: ['pymt_amt'], time_constraint: { start: '2024-05-01', end: '2024-05-31' } })
  })

  it('doubts only plans whose every metric measures an amount', () => {
    expect(countWordOnAmount('payment count', { metrics: ['pymt_amt'] })).toMatch(/asks how many/)
    expect(countWordOnAmount('payment count', { metrics: ['txn_cnt'] })).toBeUndefined()
    expect(countWordOnAmount('payments by month', { metrics: ['pymt_amt'] })).toBeUndefined()
  })
})
