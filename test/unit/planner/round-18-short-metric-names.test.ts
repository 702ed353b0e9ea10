// Two ways analysts shorten an un-curated metric's name, each confirmed by the catalog:
// - "gpa" for `avg_gpa` ("Average cumulative GPA."): the name without its aggregation word, even a short
//   one, when the metric's own description says that word (a short word the description does not repeat
//   could be a clip of anything, so it stays unindexed); the dropped "avg" is still doubted, so the
//   question is asked back with the metric as a reading instead of refused, and "fares" over `fare_rev`
//   and `avg_fare` ("Average fare per boarding") is asked back between the two;
// - "fill rate" for `fill_pct`, a derived metric described as a division ("registrations divided by seats
//   offered"): a percent computed by dividing is a rate, as for ratio metrics.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'
import { rateNameStems } from '../../../src/planner/offline/ratio-rate-names'

const { ask, candidates } = evalFixture('planner-eval-dev-13.json')
const transit = evalFixture('planner-eval-dev-14.json')

describe('a metric named without its aggregation word', () => {
  it('reads the short word its description repeats as the metric, asked back for the dropped average', () => {
    expect(candidates('university', 'gpa by residency')).toContainEqual({ metrics: ['avg_gpa'], group_by: ['student__res_cd'] })
    expect(transit.ask('transit', 'fares by route')).toBe('ambiguous_question')
  })
})

describe('a derived percent described as a division', () => {
  it('is named as a rate', () => {
    expect(ask('university', 'fill rate by term')).toEqual({ metrics: ['fill_pct'], group_by: ['section__term_cd'] })
  })

  it('keeps a derived percent that is not described as a division to its name', () => {
    expect(rateNameStems({ name: 'x_pct', type: 'derived', dimensions: [], description: 'Sum of two percents.' }, ['x', 'percent'])).toBeUndefined()
    expect(rateNameStems({ name: 'x_pct', type: 'derived', dimensions: [], description: 'Seats taken divided by seats.' }, ['x', 'percent'])).toEqual(['x', 'rate'])
  })
})
