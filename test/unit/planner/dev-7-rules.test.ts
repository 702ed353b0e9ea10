// The seventh development set (test/fixtures/planner-eval-dev-7.json: an
// un-curated restaurant-chain layer in test/fixtures/restaurant and hurried
// demo phrasing), written before the round's changes to find new confidently
// wrong readings. Each rule is checked through planOffline and the offline-only
// confidence gate, as the service answers, with a question it must still answer
// beside the one it must no longer get wrong.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { file, ask, itCompilesExpectedPlans } = evalFixture('planner-eval-dev-7.json')

describe('planner-eval-dev-7.json', () => {
  it('has at least 100 restaurant and 35 demo questions, a quarter or more expecting a refusal or a clarification', () => {
    const by = (c: string) => file.cases.filter((x) => x.catalog === c).length
    expect(by('restaurant')).toBeGreaterThanOrEqual(100)
    expect(by('demo')).toBeGreaterThanOrEqual(35)
    expect(file.cases.filter((c) => c.expected.error).length / file.cases.length).toBeGreaterThanOrEqual(0.25)
    expect(new Set(file.cases.map((c) => c.id)).size).toBe(file.cases.length)
  })

  itCompilesExpectedPlans()
})

describe('confidently wrong readings no longer answered', () => {
  it('reads "by location" as the location\'s name column when the layer cuts the entity\'s word short (`loc_name`), not its key', () => {
    expect(ask('restaurant', 'net sales by location')).toEqual({ metrics: ['net_sales'], group_by: ['location__loc_name'] })
    expect(ask('restaurant', 'top 3 locations by covers ytd')).toMatchObject({ group_by: ['location__loc_name'], order_by: ['-covers'], limit: 3 })
  })

  it('reads a lone "%" as "percent", so "food cost %" is the ratio and not the cost', () => {
    expect(ask('restaurant', 'food cost % by menu category')).toEqual({ metrics: ['food_cost_pct'], group_by: ['menu_item__menu_cat'] })
    expect(ask('restaurant', 'food cost by menu category')).toEqual({ metrics: ['food_cost'], group_by: ['menu_item__menu_cat'] })
    // a percent after a number stays the number's
    expect(ask('demo', 'what % of sales came from electronics')).toMatchObject({ metrics: ['total_sales'], share_of_total: true })
  })

  it('tells apart metric names that fold to the same words (`item_sales`, `items_sold`) by the words as written', () => {
    expect(ask('restaurant', 'top 5 items by item sales')).toMatchObject({ metrics: ['item_sales'] })
    expect(ask('restaurant', 'items sold by location')).toMatchObject({ metrics: ['items_sold'] })
    expect(ask('restaurant', 'item sales last month')).toMatchObject({ metrics: ['item_sales'] })
  })

  it('reads a column word the layer cut from a word of its own description as that word ("channel" for `order_chnl_cd`)', () => {
    expect(ask('restaurant', 'avg check by channel')).toEqual({ metrics: ['avg_check'], group_by: ['check__order_chnl_cd'] })
    expect(ask('restaurant', 'no show rate by source')).toEqual({ metrics: ['no_show_rate'], group_by: ['reservation__resv_src_cd'] })
    // a word the description does not hold stays unread
    expect(ask('restaurant', 'avg check by medium')).toBe('question_not_understood')
  })
})
