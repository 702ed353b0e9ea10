import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-10.json')

describe('an entity word right before a column the entity owns', () => {
  it('reads "payment method" as the payment\'s method, one grouping', () => {
    expect(ask('fitness', 'cash collected by payment method')).toEqual({ metrics: ['cash_collected'], group_by: ['payment__pay_mthd'] })
    expect(ask('fitness', 'pt revenue by member gender')).toEqual({ metrics: ['pt_revenue'], group_by: ['member__gndr_cd'] })
  })

  it('keeps two listed groupings as two breakdowns', () => {
    expect(ask('fitness', 'checkins by region and club format')).toEqual({ metrics: ['checkins'], group_by: ['club__club_rgn', 'club__club_fmt_cd'] })
  })
})
