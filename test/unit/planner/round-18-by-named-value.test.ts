// "loans originated by Priya Raman this year" was asked back between the officer filter and a breakdown by
// officer name: "by" before a bare noun that is a value ("sections by professor", a rank) may ask for one row
// per value, but a value of a name column (`lo_nm`, "Loan officer name") names one thing, and one row per name
// is not what "by <that one name>" asks. The filter is the reading.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-16.json')
const uni = evalFixture('planner-eval-dev-13.json')

describe('"by" before a value of a name column', () => {
  it('filters to the named thing', () => {
    expect(ask('lending', 'loans originated by Priya Raman this year')).toEqual({ metrics: ['loan_cnt'], filters: [{ field: 'lo__lo_nm', op: '=', value: 'Priya Raman' }], time_constraint: { start: '2024-01-01', end: '2024-12-31' } })
  })

  it('still asks back "by" before a value of a column that is not a name', () => {
    expect(uni.ask('university', 'sections by professor')).toBe('ambiguous_question')
  })
})
