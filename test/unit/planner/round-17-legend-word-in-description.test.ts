// "billed fee amount" where BIL = billed and the amount is "Amount billed for the ticket": the legend word the
// question said is how the metric's description defines it, so the filter may only repeat what the metric
// already measures; the plan without it is another reading, and the question is asked back.
import { describe, expect, it } from 'vitest'
import { ask } from './round-17-layer'

describe('a legend word that the metric description uses', () => {
  it('is asked back between the filter and the bare metric', () => {
    expect(ask('billed fee amount')).toBe('ambiguous_question')
  })

  it('filters as usual when the description does not use it', () => {
    expect(ask('waived fee amount')).toEqual({ metrics: ['fee_amt'], filters: [{ field: 'tkt__fee_stat_cd', op: '=', value: 'WVD' }] })
  })
})
