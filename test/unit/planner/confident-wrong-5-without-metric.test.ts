// "products w/o sales last month" was answered with every product's sales last month: "without" before the
// words that named the metric asks for the rows that have none of it (products that did not sell), which a plan
// listing the rows that have some cannot show. It is doubted as "no sales" already was; "without" before a value
// ("orders without returns", "sales without electronics") stays an exclusion of that value.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-10.json')

describe('"without" before the metric\'s words', () => {
  it('is not answered with the rows that have the metric', () => {
    expect(ask('demo', 'products w/o sales last month')).not.toHaveProperty('metrics')
    expect(ask('demo', 'stores without orders in may')).not.toHaveProperty('metrics')
  })

  it('leaves "without" before a value an exclusion', () => {
    expect(ask('demo', 'sales without electronics')).toEqual({ metrics: ['total_sales'], filters: [{ field: 'product__category', op: '!=', value: 'Electronics' }] })
  })
})
