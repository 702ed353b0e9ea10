// "tickets opened last month" where the ticket count reaches its own `tkt_dt` ("Day the ticket was opened.") and
// the client's `cust_dt`: the date on the entity the metric's name counts dates its rows, so "opened" is that
// event. The verb is read so only right after the metric's noun (or "who"/"that" after it): after other words
// it may belong to a word nothing read ("loans and $ originated").
import { describe, expect, it } from 'vitest'
import { ask } from './round-17-layer'

describe('a past-tense verb after the metric noun', () => {
  it('is the event of the metric\'s own date when it reaches another entity\'s date too', () => {
    expect(ask('tickets opened last month')).toEqual({ metrics: ['tkt_cnt'], time_constraint: { start: '2024-05-01', end: '2024-05-31' } })
  })

  it('is not read when it does not follow the metric noun', () => {
    expect(ask('tickets and fees opened last month')).not.toHaveProperty('metrics')
  })
})
