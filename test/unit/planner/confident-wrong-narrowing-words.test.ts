// Words that narrow what is counted must not vanish from the plan. "refunded invoices" over a layer
// with an invoice count and a refunds metric read "refunded" as the refunds metric, then dropped it as
// a mere qualifier of "invoices" and answered every invoice; "invoices paid late" corrected the English
// word "late" into the catalog word "date" and answered every paid invoice. Both are asked back or
// refused now; a participle the metric itself says ("settled transactions") still answers.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'

const { ask } = evalFixture('planner-eval-dev-15.json')

describe('a word that narrows the counted thing', () => {
  it('is not dropped when a participle before the metric word names another metric', () => {
    expect(ask('saas', 'refunded invoices by region')).toEqual(expect.any(String))
  })

  it('is not corrected into a catalog word when it is plain English', () => {
    expect(ask('saas', 'invoices paid late by region')).toEqual(expect.any(String))
  })

  it('still answers when the metric itself says the participle', () => {
    expect(ask('payments', 'number of settled transactions by channel')).toEqual({ metrics: ['txn_volume'], group_by: ['transaction__channel'] })
    expect(ask('saas', 'churned accounts by region')).toEqual({ metrics: ['churned_accounts'], group_by: ['account__acct_region'] })
  })
})
