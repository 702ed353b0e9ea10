// "shipment quantity by carrier" on the manufacturing layer was answered with the shipment count `shp_cnt`, the
// word "quantity" taken as one that only says "how many", while the layer names its unit measures by that word
// (`shp_qty`, "Units shipped."; `rcv_qty`, "Units received."). Where a metric's name ends in "quantity" or
// "volume" the layer uses the word for a measure of its own, so it does not merely echo a count there; in a
// layer without such a metric ("visit volume" on the clinic layer) it still does.
import { describe, expect, it } from 'vitest'
import { askOn } from './confident-wrong-3-layers'

describe('a measure word the layer names metrics by', () => {
  it('is not read as an echo of a count (manufacturing: shipment quantity, receipt quantity)', () => {
    expect(askOn('manufacturing', 'shipment quantity by carrier')).not.toHaveProperty('metrics', ['shp_cnt'])
    expect(askOn('manufacturing', 'receipt quantity by supplier')).not.toHaveProperty('metrics', ['rcpt_cnt'])
  })

  it('still echoes a count where no metric is named by it (clinic: visit volume)', () => {
    expect(askOn('clinic', 'visit volume by clinic')).toEqual({ metrics: ['visit_count'], group_by: ['clinic__clinic_name'] })
  })
})
