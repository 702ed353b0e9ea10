// "number of claims adjusters" was answered as the claim count by adjuster: the count phrase governs the
// whole noun phrase, whose last word (adjusters) is what is counted, and the layer has no count of
// adjusters. A plan counting another thing (claims) broken down by the counted noun's entity answers a
// different question, so it is not answered. With "by" the breakdown is asked for and stays answered.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'
import { countedEntityDoubt } from '../../../src/planner/offline/counted-entity'

const { ask } = evalFixture('planner-eval-dev-5.json')

describe('a count phrase whose counted noun is read as a breakdown', () => {
  it('is not answered with another metric grouped by that noun', () => {
    expect(ask('insurance', 'number of claims adjusters')).not.toHaveProperty('metrics')
    expect(countedEntityDoubt('number of claims adjusters', { metrics: ['claim_count'], group_by: ['adjuster__adjuster_name'] })).toMatch(/adjusters/)
  })

  it('leaves a count of the metric\'s own things by an entity answered', () => {
    expect(ask('insurance', 'number of claims by adjuster')).toEqual({ metrics: ['claim_count'], group_by: ['adjuster__adjuster_name'] })
    expect(countedEntityDoubt('number of claims by adjuster', { metrics: ['claim_count'], group_by: ['adjuster__adjuster_name'] })).toBeUndefined()
  })
})
