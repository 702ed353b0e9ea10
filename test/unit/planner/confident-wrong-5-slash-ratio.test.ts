// "orders/customer" was answered with the orders and the customers side by side, "rev / order by region" with
// the revenue by region, and "sales ÷ customers" with the customers alone: a slash before a singular noun (and a
// division sign anywhere) asks for one thing per another, a ratio the plan does not compute. A slash between two
// plurals ("sales/orders by region") or between two values or breakdowns ("by brand/category") still lists them.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-10.json')

describe('a slash before a singular noun', () => {
  it('is not answered as a list of the two metrics', () => {
    expect(ask('demo', 'orders/customer')).not.toHaveProperty('metrics')
    expect(ask('demo', 'units / order')).not.toHaveProperty('metrics')
  })

  it('is not answered as the first metric alone', () => {
    expect(ask('demo', 'rev / order by region')).not.toHaveProperty('metrics')
  })
})

describe('a division sign', () => {
  it('is not answered with one side of the division', () => {
    expect(ask('demo', 'sales ÷ customers')).not.toHaveProperty('metrics')
  })
})

describe('a slash between plurals, values or breakdowns', () => {
  it('still lists them', () => {
    expect(ask('demo', 'sales/orders by region')).toEqual({ metrics: ['total_sales', 'order_count'], group_by: ['store__region'] })
    expect(ask('demo', 'sales by brand/category')).toEqual({ metrics: ['total_sales'], group_by: ['product__brand', 'product__category'] })
  })
})
