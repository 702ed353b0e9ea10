// "annual visits by clinic" on the clinic layer, where `visit_type_cd` has "WELL = annual wellness": the -al
// modifier opening the meaning ("annual") was indexed as the code alone, so the plan counted wellness visits by
// clinic. "Annual" is a grain word (yearly), and a question saying it asks per year as often as for the visit
// kind; only the meaning's own words ("annual wellness", "wellness") name the code.
import { describe, expect, it } from 'vitest'
import { legendMeaningForms } from '../../../src/planner/offline/legend-word-forms'
import { askOn } from './confident-wrong-3-layers'

describe('a grain adjective opening a legend meaning', () => {
  it('is not a form of the meaning', () => {
    expect(legendMeaningForms('annual wellness')).toEqual([])
    expect(legendMeaningForms('automated scoring engine')).toEqual([['automated']])
  })

  it('does not filter on the code (clinic: annual visits by clinic)', () => {
    expect(askOn('clinic', 'annual visits by clinic')).not.toHaveProperty('filters', [{ field: 'visit__visit_type_cd', op: '=', value: 'WELL' }])
  })

  it('leaves the whole meaning naming the code (clinic: annual wellness visits)', () => {
    expect(askOn('clinic', 'annual wellness visits')).toEqual({ metrics: ['visit_count'], filters: [{ field: 'visit__visit_type_cd', op: '=', value: 'WELL' }] })
  })
})
