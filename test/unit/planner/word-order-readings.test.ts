// English word order the planner read word by word before round 15 (each rule is tested on a layer other
// than the one whose question showed it): a clause after a comma is no sort key ("for each tier, the
// revenue"), a noun repeated around "by" is one grouping ("merchant by merchant"), "on average" after what
// it averages, a superlative and "first" ("shortest first"), a participle after its noun ("auths approved"),
// a description's opening phrase ("Disputed amount in USD"), an owner after "for" ("by country for guests"),
// a passive's noun and participle ("auths were approved") and a noun after "a" ("to pay an invoice").
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'
import { rewriteRepeatedBy } from '../../../src/planner/offline/repeated-by-groupings'
import { moveOnAverage } from '../../../src/planner/offline/on-average'
import { descriptionLeadPhrases, reversedParticipleNames } from '../../../src/planner/offline/participle-order'

const { ask } = evalFixture('planner-eval-dev-15.json')

describe('a metric after a grouping and a comma', () => {
  it('is the new clause\'s subject, not a sort key', () => {
    expect(ask('hotel', 'for each property, the room revenue')).toEqual({ metrics: ['room_revenue'], group_by: ['property__prop_nm'] })
    expect(ask('hotel', 'per city, room revenue')).toEqual({ metrics: ['room_revenue'], group_by: ['property__city'] })
  })

  it('still ranks where "by" introduces it', () => {
    expect(ask('hotel', 'top 5 cities by room revenue')).toEqual({ metrics: ['room_revenue'], group_by: ['property__city'], order_by: ['-room_revenue'], limit: 5 })
  })
})

describe('a noun repeated around "by"', () => {
  it('is one grouping, not a count of the noun beside it', () => {
    expect(ask('payments', 'gross volume, merchant by merchant')).toEqual({ metrics: ['gross_volume'], group_by: ['merchant__mrch_nm'] })
  })

  it('is rewritten only where the repeat ends its clause, and never for a time grain', () => {
    expect(rewriteRepeatedBy('sales by sales rep').text).toBe('sales by sales rep')
    expect(rewriteRepeatedBy('revenue month by month').text).toBe('revenue month by month')
    expect(rewriteRepeatedBy('revenue, store by store, for 2023').text).toBe('revenue, by store, for 2023')
  })
})

describe('"on average" after what it averages', () => {
  it('reads as the average before it', () => {
    expect(ask('clinic', 'wait time on average by clinic')).toEqual({ metrics: ['avg_wait_minutes'], group_by: ['clinic__clinic_name'] })
    expect(moveOnAverage('basket size on average, per store').text).toBe('average basket size, per store')
  })

  it('leaves the question alone where nothing comes before it', () => {
    expect(moveOnAverage('on average, what is the lead time').text).toBe('on average, what is the lead time')
  })
})

describe('a size superlative with "first"', () => {
  it('sorts ascending or descending as the superlative says', () => {
    expect(ask('hotel', 'average length of stay by market segment, shortest first')).toEqual({ metrics: ['avg_los'], group_by: ['reservation__mkt_seg_cd'], order_by: ['avg_los'] })
    expect(ask('hotel', 'average lead time by booking channel, longest first')).toEqual({ metrics: ['avg_lead_time'], group_by: ['reservation__book_chnl_cd'], order_by: ['-avg_lead_time'] })
  })
})

describe('a participle before or after its noun', () => {
  it('names a participle-first metric said noun first', () => {
    expect(reversedParticipleNames(['approved', 'auth'])).toEqual([['auth', 'approved']])
    expect(reversedParticipleNames(['gross', 'volume'])).toEqual([])
  })

  it('names a metric by the participle phrase its description opens with', () => {
    expect(ask('payments', 'disputed amount by reason category')).toEqual({ metrics: ['chargeback_amount'], group_by: ['chargeback__rsn_cat'] })
    expect(descriptionLeadPhrases('Number of settled transactions.')).toEqual([['settled', 'transaction'], ['transaction', 'settled']])
    expect(descriptionLeadPhrases('Number of people employed (headcount).')).toEqual([['person', 'employed'], ['person']])
    expect(descriptionLeadPhrases('Number of distinct policyholders (insureds).')).toEqual([['policyholder']])
  })
})

describe('a plural noun after "for" that owns a grouped column', () => {
  it('says whose column it is, not a breakdown by every one of them', () => {
    expect(ask('hotel', 'room revenue by country for guests')).toEqual({ metrics: ['room_revenue'], group_by: ['guest__home_cntry_cd'] })
    expect(ask('hotel', 'room revenue by country for properties')).toEqual({ metrics: ['room_revenue'], group_by: ['property__cntry_cd'] })
  })

  it('leaves the noun a metric where it is listed beside another one', () => {
    expect(ask('payments', 'gross volume and merchants by country')).not.toEqual({ metrics: ['gross_volume'], group_by: ['merchant__cntry_cd'] })
  })
})

describe('a noun and its participle around a passive\'s auxiliaries', () => {
  it('name the metric the two name together, and the participle is no filter as well', () => {
    // `approved_auths`; "approved" is also the meaning of response code 00
    expect(ask('payments', 'how many auths were approved by entry mode')).toEqual({ metrics: ['approved_auths'], group_by: ['authorization__entry_mode_cd'] })
  })
})

describe('a singular noun after "a" or "an" beside another metric', () => {
  it('is what that metric speaks of, not a count of it', () => {
    expect(ask('saas', 'average days to pay an invoice by billing region')).toEqual({ metrics: ['avg_days_to_pay'], group_by: ['invoice__bill_region'] })
  })

  it('stays a metric when it is plural', () => {
    expect(ask('saas', 'average days to pay and invoices by billing region')).not.toEqual({ metrics: ['avg_days_to_pay'], group_by: ['invoice__bill_region'] })
  })
})
