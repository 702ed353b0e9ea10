// Words a question uses to restate what the catalog already says (round 15): a verb or noun of the
// chosen metric's own description ("loyalty members enrolled", "cancellation fees charged"), a word of a
// grouped column's description inside its grouping ("by hotel management type"), a count word beside counts ("interview volume") and the unit a
// metric's name ends in ("in years"). Each is tested on a layer other than the one that showed it where
// the layer has such a metric.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'
import { descriptionSays, descriptionSaysVerb, verbForms } from '../../../src/planner/offline/description-verbs'

const { ask } = evalFixture('planner-eval-dev-15.json')

describe('a word of the metric\'s own description', () => {
  it('restates the metric and leaves the plan sure', () => {
    expect(ask('restaurant', 'loyalty members enrolled by tier')).toEqual({ metrics: ['loyalty_members'], group_by: ['guest__loyalty_tier'] })
    expect(ask('hotel', 'cancellation fees charged by reason')).toEqual({ metrics: ['cancellation_fees'], group_by: ['cancellation__cxl_reason_cd'] })
  })

  it('is matched by verb form, regular or irregular, and by number for nouns', () => {
    expect(verbForms('opened')).toEqual(expect.arrayContaining(['open', 'opened']))
    expect(descriptionSaysVerb('pay', 'Amount paid by payers on claims.')).toBe(true)
    expect(descriptionSaysVerb('refund', 'Amount paid by payers on claims.')).toBe(false)
    expect(descriptionSays('agencies', 'Commission paid to online travel agencies.')).toBe(true)
  })

  it('does not account for a word the description lacks', () => {
    expect(ask('restaurant', 'loyalty members upgraded by tier')).toBe('question_not_understood')
  })
})

describe('a word of a grouped column\'s description', () => {
  it('restates the column inside its grouping phrase', () => {
    // `mgmt_typ` is described "Who runs the hotel (managed, franchised)"
    expect(ask('hotel', 'property count by hotel management type')).toEqual({ metrics: ['property_count'], group_by: ['property__mgmt_typ'] })
  })
})

describe('an everyday count word', () => {
  it('restates a count', () => {
    expect(ask('hr', 'interview volume by round')).toEqual({ metrics: ['interview_count'], group_by: ['interview__interview_round_cd'] })
  })

  it('is not read beside an amount, where it may mean the sum', () => {
    expect(ask('restaurant', 'tips volume by daypart')).toBe('question_not_understood')
  })
})

describe('"in" and the unit a metric\'s name ends in', () => {
  it('restates the metric\'s unit', () => {
    expect(ask('hr', 'average tenure in years by office city')).toEqual({ metrics: ['avg_tenure_years'], group_by: ['employee__office_city'] })
  })
})
