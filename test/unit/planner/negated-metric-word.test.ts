import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-10.json')

describe('"no", "non" or "not" right before the words that named a metric', () => {
  it('does not answer the metric for its opposite ("no show rate" is not `show_rate`)', () => {
    expect(ask('fitness', 'no show rate by trainer')).toBe('ambiguous_question')
    expect(ask('fitness', 'show rate by trainer')).toEqual({ metrics: ['show_rate'], group_by: ['class_session__trainer__trn_nm'] })
  })

  it('leaves a negated word that is read as a value of its own ("non-promo contracts sold")', () => {
    expect(ask('fitness', 'non-promo contracts sold')).toEqual({ metrics: ['contracts_sold'], filters: [{ field: 'membership__is_promo', op: '=', value: false }] })
  })

  it('leaves "no. of" ("number of") before a metric', () => {
    expect(ask('fitness', 'no. of checkins last month')).toEqual({ metrics: ['checkins'], time_constraint: { start: '2024-05-01', end: '2024-05-31' } })
  })
})
