// "otp by route type" over `otp_pct`, described "On-time performance, on-time trips divided by trips
// scheduled.": the name's first word is initials the description spells out, and the rest of the name is
// only its unit (percent), so the initials alone are what analysts call the metric; and as the initials of
// the description's own name for it, they leave out "pct" the way the layer's name does, not the analyst.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-14.json')

describe('initials that the description spells out, before a unit word', () => {
  it('name the metric alone', () => {
    expect(ask('transit', 'otp by route type')).toEqual({ metrics: ['otp_pct'], group_by: ['route__rte_typ_cd'] })
  })
})
