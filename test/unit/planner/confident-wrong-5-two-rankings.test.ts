// "top 5 stores by sales and bottom 5 by aov" was answered with one list of five stores sorted both ways, and
// "top 5 brands and top 5 categories by sales" with the five best brand-and-category pairs: two rankings typed
// as one question. A plan keeps one set of rows, so two ranking words each with its own count (or a ranking
// whose sort keys run in opposite directions over two metrics) is asked back, not answered.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-10.json')

describe('two rankings in one question', () => {
  it('is not answered as one ranking', () => {
    expect(ask('demo', 'top 5 stores by sales and bottom 5 by aov')).not.toHaveProperty('metrics')
    expect(ask('demo', 'top 5 brands and top 5 categories by sales')).not.toHaveProperty('metrics')
  })

  it('leaves one ranking answered', () => {
    expect(ask('demo', 'top 5 brands by sales')).toEqual({ metrics: ['total_sales'], group_by: ['product__brand'], order_by: ['-total_sales'], limit: 5 })
  })
})
