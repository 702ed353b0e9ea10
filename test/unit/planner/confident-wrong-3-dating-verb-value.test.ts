// "applications submitted last month" where `appl_stat_cd` is "SUB = submitted (pending), APR = approved, ..."
// and the application count is dated by `appl_dt` ("Date the application was submitted."): the verb after the
// metric noun is the event the period dates, and it is also a status code. The plan filtered the pending
// applications alone; the two readings are asked back.
import { describe, expect, it } from 'vitest'
import { askOn } from './confident-wrong-3-layers'

describe('a legend word after the metric noun that is also the verb of the metric\'s date', () => {
  it('is asked back when a period is given (lending: applications submitted last month)', () => {
    expect(askOn('lending', 'applications submitted last month')).toBe('ambiguous_question')
  })

  it('stays the code when it comes before the noun (lending: submitted applications)', () => {
    expect(askOn('lending', 'submitted applications')).toEqual({ metrics: ['appl_cnt'], filters: [{ field: 'appl__appl_stat_cd', op: '=', value: 'SUB' }] })
  })
})

describe('a state word after the metric noun, with a period on another date', () => {
  it('is a doubt, not an answer (insurance: policies cancelled last month, dated by the day cover starts)', () => {
    expect(askOn('insurance', 'policies cancelled last month')).toMatch(/^(?:ambiguous_question|question_not_understood)$/)
  })
})
