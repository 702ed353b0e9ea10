// "apex sales and voltix units" was answered with the sales and the units of Apex and Voltix together, and
// "sales by brand and units by category" with both metrics over a brand-by-category matrix: two questions typed
// as one, each metric with its own filter or breakdown. One plan applies every filter and breakdown to every
// metric, so it answers neither question; such a plan is asked back. A filter or breakdown said once for a list
// of metrics ("sales and units by category"), or the same metric on both sides ("apex sales vs voltix sales"),
// is one question.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-10.json')

describe('two metrics each with its own filter or breakdown', () => {
  it('is not answered with the filters of both applied to both', () => {
    expect(ask('demo', 'apex sales and voltix units')).toBe('ambiguous_question')
    expect(ask('demo', 'electronics sales & grocery units')).toBe('ambiguous_question')
    expect(ask('demo', 'online sales and in store orders')).toBe('ambiguous_question')
  })

  it('is not answered with the breakdowns of both applied to both', () => {
    expect(ask('demo', 'sales by brand and units by category')).toBe('ambiguous_question')
  })

  it('is not answered when the second metric word was read as something else', () => {
    expect(ask('demo', 'sales by region, orders by state')).not.toHaveProperty('metrics')
    expect(ask('demo', 'sales in west, orders in south')).not.toHaveProperty('metrics')
  })

  it('leaves a breakdown said once for a list of metrics answered', () => {
    expect(ask('demo', 'sales and units by category')).toEqual({ metrics: ['total_sales', 'units_sold'], group_by: ['product__category'] })
    expect(ask('demo', 'electronics sales and units')).toEqual({ metrics: ['total_sales', 'units_sold'], filters: [{ field: 'product__category', op: '=', value: 'Electronics' }] })
  })
})

describe('a metric word right after a value', () => {
  it('is the value\'s noun, not a second question', () => {
    expect(ask('demo', 'Revenue from Corporate and Small Business customers')).toEqual({
      metrics: ['total_sales'], filters: [{ field: 'customer__segment', op: 'in', value: ['Corporate', 'Small Business'] }],
    })
  })
})
