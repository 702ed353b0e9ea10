// The third development set (test/fixtures/planner-eval-dev-3.json) and the
// general language rules added with it, over the un-curated clinic layer
// (test/fixtures/clinic: snake_case names, codes explained only in
// descriptions, no synonyms) and the demo. Every expected plan of the set
// compiles against its manifest; every rule is checked through planOffline and
// the offline-only confidence gate, as the service answers.
import { describe, expect, it } from 'vitest'
import { evalFixture } from './eval-fixture'
import type { SemanticQuery } from '../../../semantic'
import { findTimeRanges } from '../../../src/planner/time/parse-time'
import { codeLegend } from '../../../src/planner/offline/catalog-index'

const { file, ctx, plan: ask, refusal, itCompilesExpectedPlans } = evalFixture('planner-eval-dev-3.json', { logistics: 'planner-eval-dev-2.json' })

describe('planner-eval-dev-3.json', () => {
  it('has at least 70 clinic and 50 demo questions, about a quarter expecting a refusal or a clarification', () => {
    const by = (c: string) => file.cases.filter((x) => x.catalog === c).length
    expect(by('clinic')).toBeGreaterThanOrEqual(70)
    expect(by('demo')).toBeGreaterThanOrEqual(50)
    const nonAnswers = file.cases.filter((c) => c.expected.error).length / file.cases.length
    expect(nonAnswers).toBeGreaterThan(0.2)
    expect(nonAnswers).toBeLessThan(0.35)
  })

  itCompilesExpectedPlans()
})

describe('language rules over an un-curated layer', () => {
  it('reads a code legend in a description ("MCR = Medicare") as names of the codes', () => {
    expect(codeLegend('Payer category: MCR = Medicare, MCD = Medicaid, SP = self-pay.')).toEqual([['MCR', 'Medicare'], ['MCD', 'Medicaid'], ['SP', 'self-pay']])
    expect(codeLegend("role_code 'M' = member")).toEqual([['M', 'member']])
    expect(codeLegend('When the parcel left the warehouse.')).toEqual([])
    expect(ask('clinic', 'billed amount for medicare claims this year').filters).toEqual([{ field: 'claim__payer_type_cd', op: '=', value: 'MCR' }])
    expect(ask('clinic', 'claims for female patients').filters).toEqual([{ field: 'patient__patient_sex_cd', op: '=', value: 'F' }])
  })

  it('reads "cd" as code, so "payer type" names payer_type_cd', () => {
    expect(ask('clinic', 'denial rate by payer type')).toMatchObject({ metrics: ['denial_rate'], group_by: ['claim__payer_type_cd'] })
  })

  it('takes words that are both a value and a metric as the metric when the question names no other metric', () => {
    expect(ask('clinic', 'no-shows last month').metrics).toEqual(['no_show_count'])
    expect(ask('clinic', 'paid amount by clinic').metrics).toEqual(['total_paid_amount'])
  })

  it('keeps a modifier that is also a value as a filter ("new patient visits" are NP visits, not all visits)', () => {
    const q = ask('clinic', 'new patient visits last month')
    expect(q.metrics).toEqual(['visit_count'])
    expect(q.filters).toEqual([{ field: 'visit__visit_type_cd', op: '=', value: 'NP' }])
  })

  it('asks back when a value is as much a value of another dimension (NP: visit type or provider role)', () => {
    const err = refusal('clinic', 'NP visits this year')
    expect(err.code).toBe('ambiguous_question')
    const fields = (err.details![0] as unknown as { candidates: Array<{ plan: SemanticQuery }> }).candidates.map((c) => c.plan.filters?.[0]?.field).sort()
    expect(fields).toEqual(['provider__provider_role_cd', 'visit__visit_type_cd'])
  })

  it('refuses an aggregation word the metric does not compute instead of answering another aggregation', () => {
    const err = refusal('clinic', 'max wait minutes by clinic')
    expect(err.code).toBe('question_not_understood')
    expect(err.message).toContain('avg_wait_minutes')
    // the same words with the aggregation the metric has are answered
    expect(ask('clinic', 'average wait time by clinic city')).toMatchObject({ metrics: ['avg_wait_minutes'], group_by: ['clinic__clinic_city'] })
    // the max metric of a noun is chosen for "largest"
    expect(ask('clinic', 'largest claim last quarter').metrics).toEqual(['max_claim_amount'])
  })

  it('refuses "sum" or "total" of an average instead of answering the average', () => {
    expect(refusal('clinic', 'total wait minutes').message).toContain('avg_wait_minutes is the average')
    expect(refusal('clinic', 'sum of wait minutes').code).toBe('question_not_understood')
    // a total of a count, and the overall rate, are what the metrics compute
    expect(ask('clinic', 'total visits').metrics).toEqual(['visit_count'])
    expect(ask('clinic', 'total no show rate').metrics).toEqual(['no_show_rate'])
  })

  it('names a dimension by what it classifies ("by payer", "by sex"), and prefers the metric\'s own dimension', () => {
    expect(ask('clinic', 'claims by payer').group_by).toEqual(['claim__payer_type_cd'])
    expect(ask('clinic', 'visits by sex').group_by).toEqual(['patient__patient_sex_cd'])
    expect(ask('clinic', 'claims by status').group_by).toEqual(['claim__claim_status'])
    expect(ask('clinic', 'visits by status').group_by).toEqual(['visit__visit_status'])
  })

  it('reads "65+" after a noun as a value, never as an entity id', () => {
    expect(ask('clinic', 'visits for patients 65+').filters).toEqual([{ field: 'patient__age_band', op: '=', value: '65+' }])
  })

  it('asks back when a value word stands where the left-out words of a metric name would be', () => {
    // "shipment rate" names `late_shipment_rate` without "late"; "lost" in its place is not the late rate of lost shipments
    expect(refusal('logistics', 'lost shipments rate').code).toBe('ambiguous_question')
    // with the whole name the filter is plain
    expect(ask('logistics', 'late shipment rate for express shipments').filters).toEqual([{ field: 'shipment__service_level', op: '=', value: 'express' }])
  })

  it('reads a value plus a noun after a preposition as a filter of the first metric, not a second metric', () => {
    const q = ask('clinic', 'billed amount for denied claims')
    expect(q.metrics).toEqual(['total_billed_amount'])
    expect(q.filters).toEqual([{ field: 'claim__claim_status', op: '=', value: 'denied' }])
    const vs = ask('clinic', 'paid vs denied claims by clinic')
    expect(vs.metrics).toEqual(['claim_count'])
    expect(vs.filters).toEqual([{ field: 'claim__claim_status', op: 'in', value: ['paid', 'denied'] }])
  })
})

describe('language rules of a hurried analyst', () => {
  it('reads abbreviations that keep the first and last letters ("regn") and "w/"', () => {
    expect(ask('demo', 'sales by regn and chanel').group_by).toEqual(['store__region', 'order__channel'])
    expect(ask('demo', 'brands w/ sales over 50k this yr').filters).toEqual([{ field: 'total_sales', op: '>', value: 50000 }])
  })

  it('reads a compound typed as one word ("instore")', () => {
    expect(ask('demo', 'online vs instore orders last qtr').filters).toEqual([{ field: 'order__channel', op: 'in', value: ['Online', 'In store'] }])
  })

  it('filters on the entity when an id follows "id" or "#"', () => {
    expect(ask('demo', 'units for product id 88').filters).toEqual([{ field: 'product', op: '=', value: 88 }])
  })

  it('lists several ids of one entity as one filter, and compares them side by side after "vs"', () => {
    expect(ask('demo', 'sales for store 5 and store 6').filters).toEqual([{ field: 'store', op: 'in', value: [5, 6] }])
    const vs = ask('demo', 'sales at store 5 vs store 6')
    expect(vs.filters).toEqual([{ field: 'store', op: 'in', value: [5, 6] }])
    expect(vs.group_by).toEqual(['store'])
  })

  it('reads a year after a noun as a period ("orders 2023") and after "for customer" as an id', () => {
    expect(ask('demo', 'orders 2023')).toEqual({ metrics: ['order_count'], time_constraint: { start: '2023-01-01', end: '2023-12-31' } })
    expect(ask('demo', 'sales for customer 2023').filters).toEqual([{ field: 'customer', op: '=', value: 2023 }])
  })

  it('breaks single days set side by side down by day ("yesterday vs today")', () => {
    expect(ask('demo', 'orders yesterday vs today')).toMatchObject({ group_by: ['metric_time__day'], time_constraint: { start: '2024-06-14', end: '2024-06-15' } })
  })

  it('compares periods typed in short forms ("this wk vs last wk", "this yr vs last")', () => {
    expect(ask('demo', 'orders this wk vs last wk')).toMatchObject({ compare: { offset_window: '1 week' }, time_constraint: { start: '2024-06-10', end: '2024-06-15' } })
    expect(ask('demo', 'sales this yr vs last')).toMatchObject({ compare: { offset_window: '1 year' } })
  })

  it('reads "last 30d" as the last 30 days, and never "over 50m" as months', () => {
    expect(findTimeRanges('orders last 30d', ctx).map((t) => t.range)).toEqual([{ start: '2024-05-16', end: '2024-06-14' }])
    expect(findTimeRanges('sales over 50m', ctx)).toEqual([])
  })

  it('refuses an everyday word that is only part of a value ("new" is not New York)', () => {
    const err = refusal('demo', 'new customers last month')
    expect(err.code).toBe('question_not_understood')
    expect(err.message).toContain('"new"')
  })

  it('refuses a preposition that introduces nothing ("sales in or") rather than answering for everything', () => {
    expect(refusal('demo', 'sales in or').message).toContain('in or')
  })

  it('refuses a time grain finer than the data keeps', () => {
    const err = refusal('demo', 'sales by hour yesterday')
    expect(err.message).toContain('cannot be grouped by hour')
  })
})
