// `term_mo` described as "Contract term in months.", `tier_bnd` as "Support tier band at signup.": the unit the
// column is counted in and the moment its value was taken are no part of its name; the head noun names it
// though "term" is a filler word elsewhere ("in terms of"), since the column's own name says it.
import { describe, expect, it } from 'vitest'
import { descriptionPhraseNames } from '../../../src/planner/offline/dimension-description-names'
import { ask } from './round-17-layer'

describe('a column described by a phrase and its unit', () => {
  it('is named by the phrase without the unit, and by its head noun where the name says it', () => {
    expect(descriptionPhraseNames('Contract term in months.', ['term', 'mo'])).toEqual([['contract', 'term'], ['term']])
    expect(ask('clients by term')).toEqual({ metrics: ['cust_cnt'], group_by: ['cust__term_mo'] })
  })

  it('keeps a filler head noun out where the name does not say it', () => {
    expect(descriptionPhraseNames('Contract term in months.', ['dur', 'mo'])).toEqual([['contract', 'term']])
  })

  it('is named by the phrase before a closing "at" that says when the value was taken', () => {
    expect(descriptionPhraseNames('Credit score band at onboarding.', ['fico', 'bnd'])).toEqual([['credit', 'score', 'band'], ['band']])
    expect(ask('clients by support tier band')).toEqual({ metrics: ['cust_cnt'], group_by: ['cust__tier_bnd'] })
  })
})
