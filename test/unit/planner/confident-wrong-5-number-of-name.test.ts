// "avg sales by month" was answered with the average order value by month: the layer names that metric "average
// sale", and "sales" folds onto "sale" for matching, but written in the plural "sales" is the layer's own word for
// total sales, so "average sales" reads as well as the average of the sales (by month, by store) as one sale's
// average. A metric name matched only by changing the number of its last word, where the word as written names
// another metric, is asked back; the name as the layer writes it ("avg sale") is answered.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-10.json')

describe('a metric name matched with its last word in another number', () => {
  it('is not answered when the word as written names another metric', () => {
    expect(ask('demo', 'avg sales by month')).not.toHaveProperty('metrics')
    expect(ask('demo', 'average sales by store')).not.toHaveProperty('metrics')
  })

  it('leaves the name as the layer writes it answered', () => {
    expect(ask('demo', 'avg sale')).toEqual({ metrics: ['average_order_value'] })
    expect(ask('demo', 'average sale by store')).toEqual({ metrics: ['average_order_value'], group_by: ['store__store_name'] })
  })
})
