// A value word that two dimensions hold ("texas": the location's state and the guest's home state) is
// asked back when it filters ("net sales in texas"), but its negation ("net sales excluding texas",
// "average check outside texas") was answered on one of the two at random, confidently. Leaving out
// one reading's rows is no surer than keeping them: the negated value offers both readings too.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask, candidates } = evalFixture('planner-eval-dev-15.json')

describe('a negated value two dimensions hold', () => {
  it('is asked back, as the value itself is', () => {
    expect(ask('restaurant', 'net sales in texas')).toBe('ambiguous_question')
    expect(ask('restaurant', 'net sales excluding texas')).toBe('ambiguous_question')
    expect(ask('restaurant', 'average check outside texas')).toBe('ambiguous_question')
  })

  it('offers each dimension with the value left out', () => {
    const filters = candidates('restaurant', 'net sales not in texas').map((q) => q.filters)
    expect(filters).toEqual(expect.arrayContaining([
      [{ field: 'guest__home_state_cd', op: '!=', value: 'TX' }],
      [{ field: 'location__state_cd', op: '!=', value: 'TX' }],
    ]))
  })

  it('still answers when the question says whose value it is', () => {
    expect(ask('hotel', 'room revenue from guests outside the us')).toEqual({ metrics: ['room_revenue'], filters: [{ field: 'guest__home_cntry_cd', op: '!=', value: 'US' }] })
  })
})
