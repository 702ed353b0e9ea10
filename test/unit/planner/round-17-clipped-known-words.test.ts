// `out_bal` described as "Outstanding invoice balance": "out" is a word of its own, but here it is the cut of
// the one longer description word it opens, so the metric is the "outstanding balance".
import { describe, expect, it } from 'vitest'
import { describedNameStems } from '../../../src/planner/offline/described-name-words'
import { ask } from './round-17-layer'

describe('a known word that opens one longer word of the description', () => {
  it('is read as that word in the metric name', () => {
    expect(describedNameStems('out_bal', 'Outstanding invoice balance as of today, USD.', [])).toEqual(['outstanding', 'balance'])
    expect(ask('outstanding balance by segment')).toEqual({ metrics: ['out_bal'], group_by: ['cust__seg_cd'] })
  })

  it('stays itself where no description word or several open with it', () => {
    expect(describedNameStems('out_cnt', 'Calls out.', [])).toBeUndefined()
    expect(describedNameStems('out_bal', 'Outbound or outstanding balance.', [])).toEqual(['out', 'balance'])
  })
})
