// "latest visit", "latest mrr", "latest shipment" were answered as the count or sum over all time: the
// word that picks the most recent row or period was silently passed over (once even read as "late").
// A recency word the plan has no period for is asked back now; a period said with it still answers.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-15.json', { demo: 'planner-eval-dev-2.json', logistics: 'planner-eval-dev-2.json' })

describe('a word asking for the most recent row or period', () => {
  it('is not dropped from a plan over all time', () => {
    expect(ask('clinic', 'latest visit')).toEqual(expect.any(String))
    expect(ask('saas', 'latest mrr')).toEqual(expect.any(String))
    expect(ask('hotel', 'latest occupancy')).toEqual(expect.any(String))
    expect(ask('demo', 'the most recent order')).toEqual(expect.any(String))
    expect(ask('logistics', 'latest shipment')).toEqual(expect.any(String))
  })

  it('leaves a period said with it, and an order said with it, answered', () => {
    expect(ask('clinic', 'new patients last month')).toEqual({ metrics: ['new_patients'], time_constraint: { start: '2024-05-01', end: '2024-05-31' } })
    expect(ask('clinic', 'total billed per clinic city, highest first')).toEqual({
      metrics: ['total_billed_amount'], group_by: ['clinic__clinic_city'], order_by: ['-total_billed_amount'],
    })
  })
})
