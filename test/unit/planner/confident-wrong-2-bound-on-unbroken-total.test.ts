// "sales of products that sold more than 100 units" was answered as total sales and units where the
// grand total of units exceeds 100: with nothing broken down, a bound on any metric of the plan filters
// the one total by itself, while the bound was meant of each product. Asked back now with two metrics
// as it already was with one; a bound on a breakdown still answers.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-15.json', { demo: 'planner-eval-dev-2.json' })

describe('a bound on a metric of a plan with no breakdown', () => {
  it('is not put on the grand total', () => {
    expect(ask('demo', 'sales of products that sold more than 100 units')).toEqual(expect.any(String))
  })

  it('leaves a bound on a breakdown answered', () => {
    expect(ask('clinic', 'clinics with at least 100 visits')).toEqual({
      metrics: ['visit_count'], group_by: ['clinic__clinic_name'], filters: [{ field: 'visit_count', op: '>=', value: 100 }],
    })
  })
})
