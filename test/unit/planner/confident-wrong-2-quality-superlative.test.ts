// "mrr of the cheapest plan" was answered as the plan with the least MRR, "no show rate of the busiest
// clinic" as the clinic with the highest no-show rate: a superlative naming a quality of the thing
// (its price, how busy it is, its size) was taken as a rank by whatever metric the question asked for.
// Such a superlative ranks by the metric only when the metric can measure that quality; else asked back.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-15.json', { demo: 'planner-eval-dev-2.json' })

describe('a superlative naming a quality of the ranked thing', () => {
  it('does not rank by a metric that does not measure that quality', () => {
    expect(ask('saas', 'mrr of the cheapest plan')).toEqual(expect.any(String))
    expect(ask('clinic', 'no show rate of the busiest clinic')).toEqual(expect.any(String))
    expect(ask('demo', 'sales of the cheapest product')).toEqual(expect.any(String))
  })

  it('still ranks by a metric that measures it', () => {
    expect(ask('clinic', 'which clinic had the longest average wait')).toEqual({
      metrics: ['avg_wait_minutes'], group_by: ['clinic__clinic_name'], order_by: ['-avg_wait_minutes'], limit: 1,
    })
    expect(ask('clinic', 'visits of the busiest clinic')).toEqual({
      metrics: ['visit_count'], group_by: ['clinic__clinic_name'], order_by: ['-visit_count'], limit: 1,
    })
  })
})
