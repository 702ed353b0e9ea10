// "average loan size", "avg loan amount" over `avg_orig_amt`, an average amount on the loans' rows whose name
// never says "loan": the average of an amount over one entity's rows is "the average <entity> amount" (or size,
// value) in everyday words. The bare "average loan" is not indexed: other averages of the loans (APR, LTV)
// are as much an average of a loan.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-16.json')

describe('an average amount named by the entity whose rows it averages', () => {
  it('answers "average <entity> size/amount" with the average amount metric', () => {
    expect(ask('lending', 'avg loan size by product')).toEqual({ metrics: ['avg_orig_amt'], group_by: ['prod__prod_nm'] })
    expect(ask('lending', 'average loan amount by quarter')).toEqual({ metrics: ['avg_orig_amt'], group_by: ['metric_time__quarter'] })
  })

  it('leaves another average of the same entity to its own name', () => {
    expect(ask('lending', 'average apr by product')).toEqual({ metrics: ['avg_apr'], group_by: ['prod__prod_nm'] })
  })
})
