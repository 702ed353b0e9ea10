import { describe, expect, it } from 'vitest'
import { cutOf } from '../../../src/planner/offline/qualified-metric-names'
import { evalFixture } from './eval-fixture'

const { ask, candidates } = evalFixture('planner-eval-dev-12.json')

describe('a value word that is also the cut first word of a metric named like the chosen one', () => {
  it('reads a name word as a cut of a longer word only with its first letter and its letters in order', () => {
    expect(cutOf('actv', 'active')).toBe(true)
    expect(cutOf('chrn', 'churned')).toBe(true)
    expect(cutOf('susp', 'suspended')).toBe(true)
    expect(cutOf('act', 'act')).toBe(false)
    expect(cutOf('vtc', 'active')).toBe(false)
  })

  it('asks whether "active subscribers" means the status or the layer\'s metric of subscribers with usage', () => {
    const plans = candidates('telecom', 'active subscribers in dallas')
    expect(plans.map((p) => p.metrics[0]).sort()).toEqual(['actv_subs_cnt', 'subs_cnt'])
    // the other reading keeps the rest of the question, on a field its metric reaches
    expect(plans.find((p) => p.metrics[0] === 'actv_subs_cnt')?.filters?.[0]).toMatchObject({ op: '=', value: 'Dallas' })
  })

  it('answers a value word no metric name is cut from', () => {
    expect(ask('telecom', 'suspended subscribers')).toEqual({ metrics: ['subs_cnt'], filters: [{ field: 'subscriber__sub_stat_cd', op: '=', value: 'S' }] })
  })
})
