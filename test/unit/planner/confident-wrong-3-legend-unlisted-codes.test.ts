// "fedex vs ltl shipments" where `carr_cd` is "Carrier: UPS, FDX = FedEx, LTL = less-than-truckload freight.":
// the legend explains two codes but lists a third (UPS) without a meaning, so the two compared are not every
// code the column has. Taken as the whole legend, the filter was dropped and the breakdown counted UPS too.
import { describe, expect, it } from 'vitest'
import { askOn } from './confident-wrong-3-layers'
import { legendIsWhole } from '../../../src/planner/offline/whole-legend-versus'

describe('a legend that lists a code it does not explain', () => {
  it('is not the whole set of codes', () => {
    expect(legendIsWhole('Carrier: UPS, FDX = FedEx, LTL = less-than-truckload freight.')).toBe(false)
    expect(legendIsWhole('Annual income band: LT50K = under 50k, 50-100K, GT100K = over 100k.')).toBe(false)
    expect(legendIsWhole('Interest rate type: FX = fixed, VR = variable.')).toBe(true)
    expect(legendIsWhole('Club format: FLG = flagship (pool and spa), STD = standard, EXP = express (24h, no classes).')).toBe(true)
  })

  it('keeps the filter on the compared codes (manufacturing: fedex vs ltl shipments)', () => {
    expect(askOn('manufacturing', 'fedex vs ltl shipments')).toEqual({
      metrics: ['shp_cnt'],
      group_by: ['shipment__carr_cd'],
      filters: [{ field: 'shipment__carr_cd', op: 'in', value: ['FDX', 'LTL'] }],
    })
  })

  it('still drops it where the legend explains every code (lending: fixed vs variable loan count)', () => {
    expect(askOn('lending', 'fixed vs variable loan count')).toEqual({ metrics: ['loan_cnt'], group_by: ['loan__rate_typ_cd'] })
  })
})
