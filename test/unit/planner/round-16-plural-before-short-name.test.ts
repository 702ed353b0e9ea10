// "transactions due this month" was answered as the due amount: "transactions" was read as a modifier
// of "due" (the due amount with its measure noun left out), as "order" modifies "revenue". A plural noun
// before such a word is the thing asked about, not a modifier; the plan is not the amount.
import { describe, expect, it } from 'vitest'
import { ask } from './round-16-layer'

describe('a plural noun before a metric word that leaves out its measure noun', () => {
  it('does not answer the amount', () => {
    expect(ask('transactions due this month')).toEqual(expect.any(String))
  })

  it('leaves the amount answered where it is named', () => {
    expect(ask('due amount by region')).toEqual({ metrics: ['due_amt'], group_by: ['cust__rgn_nm'] })
  })
})
