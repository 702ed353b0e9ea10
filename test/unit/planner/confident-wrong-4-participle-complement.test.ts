// "delivered shipments last month" on the manufacturing layer was answered with `ot_shp_cnt`, described
// "Shipments delivered on or before the promised day.", and "ported numbers" on the telecom layer with
// `port_in_cnt`, "Numbers ported in from other carriers." (its sibling `port_out_cnt` is "Numbers ported out
// to other carriers."). A description's noun and participle name the metric only where the participle closes
// the phrase or a plain complement follows it ("Payments collected in USD"); a complement that sets the event
// against a reference point ("on or before the promised day", "after the promised date") or a particle that
// completes the verb ("ported in from") says which of those events are counted, so the bare words are not
// the metric's name.
import { describe, expect, it } from 'vitest'
import { askOn } from './confident-wrong-3-layers'

const metricsOf = (plan: ReturnType<typeof askOn>) => (typeof plan === 'string' ? plan : plan.metrics)

describe('a description participle followed by a narrowing complement', () => {
  it('does not name the on-time count "delivered shipments" (manufacturing)', () => {
    expect(metricsOf(askOn('manufacturing', 'delivered shipments last month'))).not.toEqual(['ot_shp_cnt'])
    expect(metricsOf(askOn('manufacturing', 'shipments delivered last month'))).not.toEqual(['ot_shp_cnt'])
  })

  it('does not name the ports in "ported numbers" (telecom)', () => {
    expect(metricsOf(askOn('telecom', 'ported numbers last month'))).not.toEqual(['port_in_cnt'])
    expect(metricsOf(askOn('telecom', 'numbers ported last month'))).not.toEqual(['port_in_cnt'])
  })

  it('still names a metric whose participle closes the phrase (manufacturing: completed work orders)', () => {
    expect(askOn('manufacturing', 'completed work orders last quarter')).toEqual({ metrics: ['cmp_wo_cnt'], time_constraint: { start: '2024-01-01', end: '2024-03-31' } })
  })
})
