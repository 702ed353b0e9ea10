// "dropout rate" is not a clipped "drop rate", nor "payoff" a clipped "pay": a whole word followed
// by a particle is a compound noun of its own meaning, so the layer's shorter word is no abbreviation of it.
import { describe, expect, it } from 'vitest'
import { abbreviates } from '../../../src/planner/offline/catalog-abbreviations'
import { askSwimSchool } from './swim-school-layer'
import type { Catalog } from '../../../semantic/types'

describe('a compound of a word and a particle', () => {
  it('is not abbreviated by the word alone', () => {
    expect(abbreviates('drop', 'dropout')).toBe(false)
    expect(abbreviates('pay', 'payoffs')).toBe(false)
    expect(abbreviates('check', 'checkouts')).toBe(false)
  })

  it('leaves clips and abbreviations of single words as they were', () => {
    expect(abbreviates('acq', 'acquisition')).toBe(true)
    expect(abbreviates('lvl', 'level')).toBe(true)
    expect(abbreviates('enroll', 'enrollment')).toBe(false) // a derivation, as before
  })

  it('does not answer "dropout rate" with a rate of drops', () => {
    const catalog: Catalog = {
      metrics: [{ name: 'drop_pct', type: 'ratio', description: 'Dropped lessons divided by lessons booked.', dimensions: ['metric_time'] }],
      dimensions: [{ name: 'metric_time', type: 'time', grain: 'day' }],
    }
    expect(askSwimSchool(catalog, 'drop rate')).toEqual({ metrics: ['drop_pct'] })
    expect(askSwimSchool(catalog, 'dropout rate')).toBe('question_not_understood')
  })
})
