// "p1 and p2 rates": two modifiers joined by "and" share the head after them. Read word by word, "p1"
// stands alone and names the p1 count, answering a count beside a rate. The head is written after each
// modifier where the layer names a metric by each modifier with the head.
import { describe, expect, it } from 'vitest'
import { distributeSharedHead } from '../../../src/planner/offline/shared-head-coordination'
import { ask } from './round-16-layer'

describe('two modifiers sharing one head noun', () => {
  it('name the two metrics the head makes of them', () => {
    expect(ask('p1 and p2 rates')).toEqual({ metrics: ['p1_rt', 'p2_rt'] })
  })

  it('are left alone where the head does not name a metric with each', () => {
    const terms = new Map([['p1 rate', [{ target: { kind: 'metric' } }]], ['p2 rate', [{ target: { kind: 'metric' } }]]]) as never
    expect(distributeSharedHead('p1 and p2 rates', { terms }).text).toBe('p1 rate and p2 rate')
    expect(distributeSharedHead('region and segment rates', { terms }).text).toBe('region and segment rates')
    expect(distributeSharedHead('p1 and p3 rates', { terms }).text).toBe('p1 and p3 rates')
  })
})
