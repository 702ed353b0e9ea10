// "sales in £" was answered with the sales in US dollars: the pound sign was dropped by the tokenizer, so the
// plan gave dollars to a question that asked for pounds ("sales in eur" was already refused). A currency sign
// other than the one the plan's money metrics are formatted in asks for a conversion the layer does not make.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-10.json')

describe('a currency sign the metric is not in', () => {
  it('is not answered in the layer\'s currency', () => {
    expect(ask('demo', 'sales in £')).not.toHaveProperty('metrics')
    expect(ask('demo', 'aov in € by region')).not.toHaveProperty('metrics')
  })

  it('leaves the layer\'s own currency sign answered', () => {
    expect(ask('demo', 'sales ($) by region')).toEqual({ metrics: ['total_sales'], group_by: ['store__region'] })
  })
})
