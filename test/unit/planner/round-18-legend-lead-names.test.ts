// "applications by loan purpose" over `purp_cd`, described "Stated loan purpose: DC = debt consolidation, ...":
// a code column's legend opens with the column's name in words before the colon, and analysts say it without
// a leading participle that only says how the value was got ("stated"). The lead phrase names the column,
// where no name of the layer already uses those words. Checked through the planner over the lending layer.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'
import { legendLeadNames } from '../../../src/planner/offline/legend-lead-names'

const { ask } = evalFixture('planner-eval-dev-16.json')

describe('the words before a legend\'s colon', () => {
  it('name the code column, without a leading participle', () => {
    expect(legendLeadNames('Stated loan purpose: DC = debt consolidation, HI = home improvement.')).toContainEqual(['loan', 'purpose'])
    expect(ask('lending', 'applications by loan purpose')).toEqual({ metrics: ['appl_cnt'], group_by: ['appl__purp_cd'] })
  })

  it('take no clause or long phrase for a name', () => {
    expect(legendLeadNames('Code the agent picked when the ticket was closed: FIX = fixed.')).toEqual([])
    expect(legendLeadNames('Plain description without a legend.')).toEqual([])
  })
})
