// `pd_bal` described as "Past-due amount at month end, USD.": a description opening with a noun phrase that ends
// in a word for a measured quantity states what the metric measures, so the phrase names the metric.
import { describe, expect, it } from 'vitest'
import { measureLeadPhrase } from '../../../src/planner/offline/measure-lead-phrases'
import { ask } from './round-17-layer'

describe('a description opening with a measure phrase', () => {
  it('names the metric by that phrase', () => {
    expect(measureLeadPhrase('Past-due amount at month end, USD.')).toEqual(['past', 'due', 'amount'])
    expect(measureLeadPhrase('Debt-to-income ratio at decision, percent.')).toEqual(['debt', 'to', 'income', 'ratio'])
    expect(ask('outstanding invoice balance by segment')).toEqual({ metrics: ['out_bal'], group_by: ['cust__seg_cd'] })
  })

  it('gives nothing where the phrase ends in no measure word or is a single word', () => {
    expect(measureLeadPhrase('Amount billed for the ticket, USD.')).toBeUndefined()
    expect(measureLeadPhrase('Revenue.')).toBeUndefined()
    expect(measureLeadPhrase('Share of open tickets 7 or more days overdue.')).toBeUndefined()
  })
})
