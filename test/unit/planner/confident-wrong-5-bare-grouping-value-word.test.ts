// "store sales ytd" was answered with the sales by store: with no "by", "store" before the metric was taken as a
// breakdown, but the layer's channel has the value "In store", and "store sales" is as often the sales made in
// stores (not online). A breakdown no grouping word asks for, whose word is the noun of a value made of a
// preposition and that noun on another column the metric reaches, is a guess between a column and a value, and
// is asked back. Asked for with "by", or with no such value beside it ("brand sales"), the breakdown stays.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-10.json')

describe('a bare breakdown word that is also the noun of a value', () => {
  it('is not answered as the breakdown', () => {
    expect(ask('demo', 'store sales ytd')).toBe('ambiguous_question')
    expect(ask('demo', 'store sales')).toBe('ambiguous_question')
  })

  it('leaves a breakdown asked with "by" answered', () => {
    expect(ask('demo', 'sales by store ytd')).toEqual({ metrics: ['total_sales'], group_by: ['store__store_name'], time_constraint: { start: '2024-01-01', end: '2024-06-15' } })
  })

  it('leaves a bare breakdown with no such value answered', () => {
    expect(ask('demo', 'brand sales')).toEqual({ metrics: ['total_sales'], group_by: ['product__brand'] })
  })
})
