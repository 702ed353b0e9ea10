import { describe, expect, it } from 'vitest'
import { abbreviates, catalogAbbreviationOf } from '../../../src/planner/offline/catalog-abbreviations'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-10.json')

describe('a question word the layer abbreviates in its names', () => {
  it('reads the spelled-out words as the abbreviated column ("acquisition source" is `acq_src`)', () => {
    expect(ask('fitness', 'members by acquisition source')).toEqual({ metrics: ['member_count'], group_by: ['member__acq_src'] })
  })

  it('counts a clip or a word keeping its first letter and last consonant as an abbreviation, nothing looser', () => {
    expect(abbreviates('acq', 'acquisition')).toBe(true)
    expect(abbreviates('src', 'source')).toBe(true)
    expect(abbreviates('lvl', 'level')).toBe(true)
    expect(abbreviates('sre', 'source')).toBe(false)
    expect(abbreviates('so', 'source')).toBe(false)
  })

  it('reads nothing when two catalog words abbreviate the word alike, and prefers a clip to kept letters', () => {
    expect(catalogAbbreviationOf(['sou', 'sour'], 'sources')).toBeUndefined()
    expect(catalogAbbreviationOf(['src', 'amt'], 'source')).toBe('src')
    expect(catalogAbbreviationOf(['trn', 'term'], 'termination')).toBe('term')
  })

  it('reads a spelled-out word inside a longer name even where a description made the word known ("early termination")', () => {
    expect(ask('fitness', 'early termination cancellations last qtr')).toEqual({ metrics: ['cancellations'], filters: [{ field: 'cancellation__is_early_term', op: '=', value: true }], time_constraint: { start: '2024-01-01', end: '2024-03-31' } })
    expect(ask('fitness', 'trainers by cert level')).toEqual({ metrics: ['trainer_count'], group_by: ['trainer__cert_lvl'] })
  })
})
