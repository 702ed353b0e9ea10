// An un-curated layer names its metrics in business shorthand (`aprv_rt`, `aprv_cnt`, `pymt_amt`): the
// analyst writes the words out ("approval rate", "approvals", "payment amount"). The shorthand is read
// written out, choosing among its readings by the metric's own description, and a count is also named by
// the plural of what it counts.
import { describe, expect, it } from 'vitest'
import { spelledOutNameStems, spelledOutShorthand } from '../../../src/planner/offline/business-abbreviations'
import { ask } from './round-16-layer'

describe('a metric named in business shorthand', () => {
  it('is answered for its written-out name', () => {
    expect(ask('approval rate by segment')).toEqual({ metrics: ['aprv_rt'], group_by: ['cust__seg_cd'] })
    expect(ask('payment amount by region')).toEqual({ metrics: ['pymt_amt'], group_by: ['cust__rgn_nm'] })
  })

  it('is answered for the plural of what a count counts', () => {
    expect(ask('approvals by region')).toEqual({ metrics: ['aprv_cnt'], group_by: ['cust__rgn_nm'] })
    expect(ask('number of transactions last month')).toEqual({ metrics: ['txn_cnt'], time_constraint: { start: '2024-05-01', end: '2024-05-31' } })
  })
})

describe('the written-out reading of a shorthand', () => {
  it('keeps the readings whose root the description uses', () => {
    expect(spelledOutShorthand('appr', 'Approved applications over applications received.')).toEqual([['approval'], ['approved']])
    // the most common reading first: "originated" shares its root with both
    expect(spelledOutShorthand('orig', 'Principal originated, USD.')[0]).toEqual(['origination'])
    expect(spelledOutShorthand('dec', 'Declined requests, by reason.')).toEqual([['decline']])
  })

  it('takes no reading of an ambiguous shorthand the description does not settle', () => {
    expect(spelledOutShorthand('inv', undefined)).toEqual([])
    expect(spelledOutShorthand('inv', 'Stock on hand at month end.')).toEqual([])
  })

  it('writes out every shorthand word of a name and leaves other words', () => {
    expect(spelledOutNameStems(['pmt', 'amt'], undefined)).toEqual([['payment', 'amount']])
    expect(spelledOutNameStems(['dq30', 'cnt'], undefined)).toEqual([['dq30', 'count']])
    expect(spelledOutNameStems(['late', 'fee'], undefined)).toEqual([])
  })
})
