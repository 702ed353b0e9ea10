// A governed principal's where filter may name members only through templates:
// what governedWhereProblem lets through and what it refuses.
import { describe, expect, it } from 'vitest'
import { governedWhereProblem } from '../../../src/governance/governed-layer'

describe('governedWhereProblem', () => {
  it.each([
    "{{ Dimension('store__region') }} = 'West'",
    "{{ Dimension('store__region') }} <> 'West' OR 1 = 1",
    "{{ Metric('revenue', group_by=['store']) }} > 1e3",
    "lower({{ Dimension('store__region') }}) LIKE 'select % from table'",
    "{{ TimeDimension('metric_time', 'day') }} >= CAST('2026-01-01' AS date)",
    "{{ TimeDimension('metric_time', 'day') }}::date BETWEEN DATE '2026-01-01' AND current_date - INTERVAL '7 days'",
    "CASE WHEN {{ Dimension('store__region') }} IS NULL THEN FALSE ELSE TRUE END",
    "{{ Dimension('store__region') }} IN ('it''s; -- not a comment', '#1')",
  ])('lets %s through', (where) => {
    expect(governedWhereProblem(where)).toBeNull()
  })

  it.each([
    ['(SELECT sum(amount) FROM shop.sales) > 0', /query|names/],
    ["{{ Dimension('store__region') }} IN (TABLE shop.stores)", /names|query/],
    ["{{ Dimension('store__region') }} IN stores", /names "stores"/],
    ["{{ Dimension('store__region') }} = \"region\"", /quotes/],
    ["{{ Dimension('store__region') }} = `region`", /quotes/],
    ['region IS NOT NULL', /names "region"/],
    ["1 IN (SeLeCt(1))", /query/],
    ["EXISTS (VALUES (1))", /query/],
    ["{{ Dimension('store__region') }} = 'a\\' OR 1=1", /backslash/],
    ["{{ Dimension('store__region') }} = 'West' -- comment", /comment/],
    ["{{ Dimension('store__region') }} = 'open", /string open/],
    ["{{ Dimension('store__region') }} = $$x$$", /quotes/],
  ])('refuses %s', (where, why) => {
    expect(governedWhereProblem(where)).toMatch(why)
  })
})
