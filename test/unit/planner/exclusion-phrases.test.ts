// Exclusions English says other than "excluding X" (round 15): after what they exclude ("lunch
// excluded"), with a verb phrase ("not counting contractors"), and "other than X" where the layer has a
// value "other". Tested on layers other than the ones whose questions showed them.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'
import { rewriteExclusions } from '../../../src/planner/offline/negation-phrases'

const { ask } = evalFixture('planner-eval-dev-15.json')

describe('an exclusion said after what it excludes', () => {
  it('filters the value out', () => {
    expect(ask('saas', 'MRR by region, EMEA excluded')).toEqual({ metrics: ['mrr'], group_by: ['account__acct_region'], filters: [{ field: 'account__acct_region', op: '!=', value: 'EMEA' }] })
  })

  it('is read only as a clause of its own', () => {
    expect(rewriteExclusions('net sales, drive-thru excluded').text).toBe('net sales, excluding drive-thru')
    expect(rewriteExclusions('excluded items by category').text).toBe('excluded items by category')
  })
})

describe('an exclusion said with a verb phrase', () => {
  it('filters the value out', () => {
    expect(ask('hotel', 'room revenue by market segment, not counting group')).toEqual({
      metrics: ['room_revenue'], group_by: ['reservation__mkt_seg_cd'], filters: [{ field: 'reservation__mkt_seg_cd', op: '!=', value: 'GRP' }],
    })
  })
})

describe('"other than" over a layer with an "other" value', () => {
  it('is a negation, not the value', () => {
    expect(ask('hotel', 'cancellations by reason other than weather')).toEqual({
      metrics: ['cancellations'], group_by: ['cancellation__cxl_reason_cd'], filters: [{ field: 'cancellation__cxl_reason_cd', op: '!=', value: 'WX' }],
    })
  })
})
