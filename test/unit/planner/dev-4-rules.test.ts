// The fourth development set (test/fixtures/planner-eval-dev-4.json: an
// un-curated HR/recruiting layer in test/fixtures/hr and busy demo phrasing)
// and the general "know when you are not sure" rules added with it. Each rule
// is checked through planOffline and the offline-only confidence gate, as the
// service answers, with a question it must still answer beside the one it
// must no longer answer confidently.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'
import type { SemanticQuery } from '../../../semantic'

const { file, ask, candidates, itCompilesExpectedPlans } = evalFixture('planner-eval-dev-4.json', { logistics: 'planner-eval-dev-2.json', clinic: 'planner-eval-dev-3.json' })

describe('planner-eval-dev-4.json', () => {
  it('has at least 60 HR and 40 demo questions, over 30% expecting a refusal or a clarification', () => {
    const by = (c: string) => file.cases.filter((x) => x.catalog === c).length
    expect(by('hr')).toBeGreaterThanOrEqual(60)
    expect(by('demo')).toBeGreaterThanOrEqual(40)
    expect(file.cases.filter((c) => c.expected.error).length / file.cases.length).toBeGreaterThanOrEqual(0.3)
    expect(new Set(file.cases.map((c) => c.id)).size).toBe(file.cases.length)
  })

  itCompilesExpectedPlans()
})

describe('not sure, so not answered', () => {
  it('does not drop a placeholder noun that stands for an unmatched dimension ("by type", "store type")', () => {
    // where the layer has a column headed by the word (`term_type_cd`), it names that column (dev-6 round)
    expect(ask('hr', 'terminations by type this year')).toMatchObject({ group_by: ['termination__term_type_cd'] })
    expect(ask('hr', 'terminations by kind')).toBe('question_not_understood')
    expect(ask('demo', 'sales by store type')).toBe('question_not_understood')
    expect(ask('demo', 'sales by store')).toMatchObject({ group_by: ['store__store_name'] })
  })

  it('does not read an agent noun as a typo of its verb ("interviewer" is not "interview")', () => {
    expect(ask('hr', 'avg interview score by interviewer')).toBe('question_not_understood')
    expect(ask('hr', 'avg interview score by round')).toMatchObject({ metrics: ['avg_interview_score'], group_by: ['interview__interview_round_cd'] })
  })

  it('asks back when two metrics stand apart with no list word ("sales to new york customers")', () => {
    expect(ask('demo', 'sales to new york customers')).toBe('ambiguous_question')
    expect(ask('demo', 'sales and customers in new york')).toMatchObject({ metrics: ['total_sales', 'customers'] })
  })

  it('asks back when two values of one dimension were not listed together', () => {
    expect(ask('demo', 'returned units for cancelled orders')).toBe('ambiguous_question')
    expect(ask('hr', 'avg days open for reqs on hold')).not.toHaveProperty('metrics')
    expect(ask('demo', 'sales in texas and florida')).toMatchObject({ filters: [{ field: 'store__state', op: 'in', value: ['TX', 'FL'] }] })
  })

  it('asks back on "per <entity>" over a total: a list by id, or an average the layer lacks', () => {
    expect(candidates('demo', 'sales per order')).toEqual([{ metrics: ['total_sales'], group_by: ['order'] }])
    expect(ask('demo', 'sales per store')).toMatchObject({ group_by: ['store__store_name'] })
  })

  it('does not read an entity abbreviation as the classifier of that entity ("per req" is not req_status)', () => {
    // "req" is the layer's short form of the requisition entity: a list per requisition or an average, asked back
    expect(ask('hr', 'offers per req')).toBe('ambiguous_question')
    expect(candidates('hr', 'offers per req').flatMap((q) => q.group_by ?? [])).not.toContain('requisition__req_status')
  })

  it('asks back when a metric was named without the word that says how it aggregates', () => {
    expect(ask('demo', 'order value')).toBe('ambiguous_question')
    expect(ask('demo', 'average order value')).toMatchObject({ metrics: ['average_order_value'] })
    expect(ask('hr', 'unique candidates since march')).toMatchObject({ metrics: ['distinct_candidates'] })
  })

  it('asks back when a metric was named by its tail without a word that narrows it ("accounts" for new_accounts)', () => {
    expect(ask('logistics', 'accounts by industry')).toBe('ambiguous_question')
    // the noun of an entity left out does not narrow: "acceptance rate" is the offers' rate
    expect(ask('hr', 'acceptance rate ytd')).toMatchObject({ metrics: ['offer_acceptance_rate'] })
  })

  it('asks back when an aggregation word and a name leave out what the metric measures ("avg visit")', () => {
    expect(ask('clinic', 'avg visit')).toBe('ambiguous_question')
    expect(ask('clinic', 'avg claim')).toMatchObject({ metrics: ['avg_claim_amount'] })
    expect(ask('hr', 'avg tenure by division')).toMatchObject({ metrics: ['avg_tenure_years'] })
  })

  it('asks back when one period lies inside another and the range would span both ("q4 sales last year")', () => {
    expect(ask('demo', 'q4 sales last year')).toBe('ambiguous_question')
    expect(ask('demo', 'sales 2023 vs 2024')).toMatchObject({ time_constraint: { start: '2023-01-01', end: '2024-12-31' } })
  })

  it('asks back when two periods stand side by side with nothing saying how they relate', () => {
    expect(ask('demo', 'sales year to date last year')).toBe('ambiguous_question')
    expect(ask('demo', 'sales last month and this month')).toMatchObject({ time_constraint: { start: '2024-05-01', end: '2024-06-30' } })
  })

  it('reads "min" after a metric\'s words as its unit of minutes, not as "lowest first"', () => {
    const q = ask('clinic', 'avg wait min by clinic') as SemanticQuery
    expect(q).toMatchObject({ metrics: ['avg_wait_minutes'], group_by: ['clinic__clinic_name'] })
    expect(q.order_by).toBeUndefined()
  })

  it('does not read a negated word as a typo of its opposite ("inactive" is not "active")', () => {
    expect(ask('hr', 'employee count inactive')).toBe('question_not_understood')
    expect(ask('hr', 'employee count active vs inactive')).toMatchObject({ group_by: ['employee__is_active'] })
  })

  it('does not take another attribute of the same entity as the noun of a value ("Product division" is not department Product)', () => {
    expect(ask('hr', 'employee count product division')).toBe('question_not_understood')
    expect(ask('hr', 'employee count product department')).toMatchObject({ filters: [{ field: 'department__dept_name', op: '=', value: 'Product' }] })
    expect(ask('demo', 'chicago store sales')).toMatchObject({ filters: [{ field: 'store__city', op: '=', value: 'Chicago' }] })
  })

  it('does not drop "no" before a metric or "distinct" before a dimension as filler', () => {
    expect(ask('demo', 'which brand had no sales')).toBe('question_not_understood')
    expect(ask('demo', 'distinct products sold')).toBe('question_not_understood')
    expect(ask('demo', 'which brand had the most sales')).toMatchObject({ group_by: ['product__brand'], order_by: ['-total_sales'] })
    expect(ask('hr', 'unique candidates since march')).toMatchObject({ metrics: ['distinct_candidates'] })
  })

  it('asks back on "avg ... per <x>" when the average metric was not named in full', () => {
    expect(ask('demo', 'avg sales per day')).toBe('ambiguous_question')
    expect(ask('demo', 'avg orders per customer')).toBe('ambiguous_question')
    expect(ask('demo', 'average order value per store')).toMatchObject({ metrics: ['average_order_value'], group_by: ['store__store_name'] })
  })
})
