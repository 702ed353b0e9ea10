// `term_mo` described as "Contract term in months" made "month" a name of the term column, so "by month"
// grouped transactions by their contract term (or was refused where the metric cannot reach the column).
// A time grain word a description gives as the column's unit stays the time grain.
import { describe, expect, it } from 'vitest'
import { ask } from './round-16-layer'

describe('a column whose description counts it in a time unit', () => {
  it('leaves "by month" the month grain', () => {
    expect(ask('transactions by month')).toEqual({ metrics: ['txn_cnt'], group_by: ['metric_time__month'] })
  })
})
