// "collection rate for 36 month loans": 36 is a value of `term_mo`, described "Contractual term in months.", and
// "month" after it is the unit that value is counted in, not a period or a breakdown: bare numbers are not
// indexed as values, but a number that a column lists, followed by the unit that column's name or
// description states, is that value. A unit the column does not state after a number stays unread.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-16.json')

describe('a unit word after a value of a column counted in that unit', () => {
  it('is read with the value', () => {
    expect(ask('lending', 'collection rate for 36 month loans')).toEqual({ metrics: ['coll_rt'], filters: [{ field: 'loan__term_mo', op: '=', value: '36' }] })
  })

  it('is not read with a value of a column in another unit', () => {
    expect(ask('lending', 'collection rate for 36 week loans')).not.toHaveProperty('metrics')
  })
})
