// "for each manager, the headcount" (round 15's "for each X, the Y") and "headcount per manager" were
// answered with the headcount of level M1 alone, confidently: "manager" is a value of the job level
// legend, and a value right after "for each" or "per" was read as a filter. Like "by manager", a bare
// singular value there may ask for one row per manager: both readings are offered, and a plural
// value ("for managers") still filters.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask, candidates } = evalFixture('planner-eval-dev-15.json')

describe('a value word after "for each" or "per"', () => {
  it('is asked back, as after "by"', () => {
    expect(ask('hr', 'for each manager, the headcount')).toBe('ambiguous_question')
    expect(ask('hr', 'headcount per manager')).toBe('ambiguous_question')
    expect(ask('hr', 'headcount for every manager')).toBe('ambiguous_question')
  })

  it('offers the grouping beside the filter', () => {
    expect(candidates('hr', 'headcount for each manager')).toEqual(expect.arrayContaining([
      { metrics: ['employee_count'], group_by: ['employee__job_level_cd'] },
    ]))
  })

  it('still filters when the value is plural', () => {
    expect(ask('hr', 'headcount for managers')).toEqual({ metrics: ['employee_count'], filters: [{ field: 'employee__job_level_cd', op: '=', value: 'M1' }] })
  })
})
