// "balance for clients in the top tier band": a superlative after "in the" may place the rows in the
// dimension's own highest value rather than rank the dimension by the metric; the ranking plan is asked back.
import { describe, expect, it } from 'vitest'
import { superlativeInPlace } from '../../../src/planner/offline/superlative-in-place'
import { ask } from './round-17-layer'

const ranking = { metrics: ['out_bal'], group_by: ['cust__tier_bnd'], order_by: ['-out_bal'], limit: 1 }

describe('a superlative after "in the"', () => {
  it('asks back a ranking plan', () => {
    expect(ask('outstanding balance for clients in the top tier band')).toBe('ambiguous_question')
    expect(superlativeInPlace('balance in the highest band', ranking)).toMatch(/in the highest/)
  })

  it('leaves a ranking with a number, or said without "in the", alone', () => {
    expect(superlativeInPlace('segments in the top 3 by balance', ranking)).toBeUndefined()
    expect(superlativeInPlace('top tier band by balance', ranking)).toBeUndefined()
    expect(superlativeInPlace('balance in the top band', { metrics: ['out_bal'] })).toBeUndefined()
  })
})
