import { describe, expect, it } from 'vitest'
import { participleNameStems, pastParticiples } from '../../../src/planner/offline/participle-name-words'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-12.json')

describe('a metric named by a verb, asked for by its participle', () => {
  it('forms regular past participles', () => {
    expect(pastParticiples('bill')).toEqual(['billed'])
    expect(pastParticiples('charge')).toEqual(['charged'])
    expect(pastParticiples('ship')).toContain('shipped')
    expect(pastParticiples('billing')).toEqual([])
  })

  it('writes the word before the measure word as its participle, and drops the measure word only from a sum after another word', () => {
    expect(participleNameStems(['net', 'bill', 'amount'])).toEqual([['net', 'billed', 'amount'], ['net', 'billed']])
    expect(participleNameStems(['bill', 'amount'])).toEqual([['billed', 'amount']])
    // "refunded" alone qualifies any noun ("refunded transactions"): a count keeps its count word
    expect(participleNameStems(['net', 'refund', 'count'])).toEqual([['net', 'refunded', 'count']])
    expect(participleNameStems(['churn', 'percent'])).toEqual([])
  })

  it('answers "billed amount" and "net billed" over `bill_amt` and `net_bill_amt`', () => {
    expect(ask('telecom', 'billed amount by plan')).toEqual({ metrics: ['bill_amt'], group_by: ['subscriber__plan__plan_nm'] })
    expect(ask('telecom', 'net billed last quarter')).toEqual({ metrics: ['net_bill_amt'], time_constraint: { start: '2024-01-01', end: '2024-03-31' } })
  })
})
