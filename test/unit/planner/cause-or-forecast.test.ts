// Questions a metric cannot answer however well its words match: a cause ("why did X drop") or a
// forecast ("what will X be next month"). Round 15 found them answered confidently over the clinic and
// restaurant layers; here the rule is tested over the hotel layer, which never motivated it.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask, refusal } = evalFixture('planner-eval-dev-15.json')

describe('a question after a cause', () => {
  it('is refused, not answered with what happened', () => {
    expect(ask('hotel', 'why is ADR lower in Boston')).toBe('question_not_understood')
    expect(ask('hotel', 'how come cancellations went up last month')).toBe('question_not_understood')
    expect(refusal('hotel', 'why did occupancy drop in May').message).toMatch(/why something happened/)
  })
})

describe('a question after a forecast', () => {
  it('is refused when a question word asks what will be', () => {
    expect(ask('hotel', 'how many rooms will we sell next month')).toBe('question_not_understood')
    expect(refusal('hotel', 'what is room revenue going to be in July').message).toMatch(/forecast/)
  })

  it('leaves a request phrased with "will you" and a plain future period answered', () => {
    expect(ask('hotel', 'will you show ADR by property')).toEqual({ metrics: ['adr'], group_by: ['property__prop_nm'] })
    expect(ask('hotel', 'room revenue next month')).toEqual({ metrics: ['room_revenue'], time_constraint: { start: '2024-07-01', end: '2024-07-31' } })
  })
})
