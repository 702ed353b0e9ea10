// "claims over $1000 by payer" was answered as `claim_count > 1000`: a sum of money, the size of each
// claim, was put on the count of claims. A money threshold on a metric that counts is asked back now; a
// threshold on a count said as a plain number still answers.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-15.json')

describe('a threshold said in money', () => {
  it('is not put on a count', () => {
    expect(ask('clinic', 'claims over $1000 by payer')).toEqual(expect.any(String))
    expect(ask('saas', 'invoices over $5k by region')).toEqual(expect.any(String))
  })

  it('leaves a plain number on a count answered', () => {
    expect(ask('clinic', 'clinics with at least 100 visits')).toEqual({
      metrics: ['visit_count'], group_by: ['clinic__clinic_name'], filters: [{ field: 'visit_count', op: '>=', value: 100 }],
    })
  })
})
