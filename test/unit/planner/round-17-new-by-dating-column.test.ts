// "new clients last month" over `cust_cnt`, which has no description, dated by `cust_dt` ("Date the account
// first became a client."): the one time column the count is dated by says it counts each client from the
// day it came to be, so "new" says nothing the count does not.
import { describe, expect, it } from 'vitest'
import { ask } from './round-17-layer'

describe('"new" before a count dated by the day each row came to be', () => {
  it('is accounted for by the description of that time column', () => {
    expect(ask('new clients last month')).toEqual({ metrics: ['cust_cnt'], time_constraint: { start: '2024-05-01', end: '2024-05-31' } })
  })

  it('stays unexplained before a count dated otherwise', () => {
    expect(ask('new quality reviews last month')).not.toHaveProperty('metrics')
  })
})
