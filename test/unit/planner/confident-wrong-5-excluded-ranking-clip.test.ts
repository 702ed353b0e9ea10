// "sales by brand excl top 3" was answered with the top 3 brands, the very rows it leaves out: the refusal of an
// excluded ranking knew "excluding" and "without" but not the clipped forms a hurried analyst types ("excl",
// "ex", "w/o"), which the filters already read as an exclusion.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-10.json')

describe('a clipped exclusion of ranked rows', () => {
  it('is refused rather than answered with the ranked rows', () => {
    expect(ask('demo', 'sales by brand excl top 3')).toBe('question_not_understood')
    expect(ask('demo', 'sales by store excl. the top 5')).toBe('question_not_understood')
    expect(ask('demo', 'sales by store w/o top 5')).toBe('question_not_understood')
  })

  it('leaves a clipped exclusion of a value answered', () => {
    expect(ask('demo', 'top 3 brands by sales excl electronics')).toEqual({
      metrics: ['total_sales'], group_by: ['product__brand'], filters: [{ field: 'product__category', op: '!=', value: 'Electronics' }], order_by: ['-total_sales'], limit: 3,
    })
  })
})
