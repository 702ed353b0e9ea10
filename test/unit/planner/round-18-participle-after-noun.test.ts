// "top 3 loan officers by originated principal" over `orig_vol`, described "Principal originated, USD.": a
// description that opens with a noun and the participle after it ("principal originated") is said by
// analysts the other way round too ("originated principal"), as English puts a participle either side of
// its noun. Checked through the planner over the lending layer of the sixteenth development set.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'
import { descriptionLeadPhrases } from '../../../src/planner/offline/participle-order'

const { ask } = evalFixture('planner-eval-dev-16.json')

describe('a description opening with a noun and its participle', () => {
  it('names the metric with the participle before the noun', () => {
    expect(descriptionLeadPhrases('Principal originated, USD.')).toContainEqual(['originated', 'principal'])
    expect(ask('lending', 'originated principal by branch')).toEqual({ metrics: ['orig_vol'], group_by: ['lo__brnch_nm'] })
  })

  it('takes no count word or article for the noun', () => {
    expect(descriptionLeadPhrases('Number funded in the period.')).not.toContainEqual(['funded', 'number'])
    expect(descriptionLeadPhrases('The loans funded.')).not.toContainEqual(['funded', 'the', 'loan'])
  })
})
