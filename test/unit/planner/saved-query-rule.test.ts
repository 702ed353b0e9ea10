import { describe, expect, it } from 'vitest'
import { buildCatalog, importDbtManifest } from '../../../semantic'
import { planOffline } from '../../../src/planner/offline/offline-planner'
import { matchSavedQuery } from '../../../src/planner/offline/saved-query-rule'
import { dbtSemanticManifest } from '../../support/dbt-semantic-manifest'

const manifest = importDbtManifest(dbtSemanticManifest()).manifest
const catalog = buildCatalog(manifest)
const ctx = { timezone: 'UTC', now: new Date('2026-11-23T12:00:00Z') }

describe('saved queries in the catalog and the offline planner', () => {
  it('lists each saved query in the catalog with the query it runs', () => {
    expect(catalog.saved_queries?.map((q) => q.name)).toEqual(['weekly_revenue_report', 'top_shops'])
    expect(catalog.saved_queries?.[1].query).toEqual({ metrics: ['gross_revenue'], group_by: ['shop__store_name'], order_by: ['-gross_revenue'], limit: 3 })
  })

  it.each([
    'run the weekly revenue report', 'Weekly revenue report', 'show me the weekly revenue', 'run weekly_revenue_report', 'please run the saved query top shops',
  ])('plans "%s" as a saved query', (q) => {
    const plan = planOffline(q, catalog, [], ctx)
    expect(plan.reasons[0]).toMatch(/runs the saved query/)
  })

  it('matches a description only after "run"', () => {
    expect(matchSavedQuery('run the shops with the most revenue', catalog)?.entry.name).toBe('top_shops')
    expect(matchSavedQuery('shops with the most revenue', catalog)).toBeUndefined()
  })

  it('leaves questions that say more than the name to the usual planning', () => {
    expect(matchSavedQuery('weekly revenue report for last month', catalog)).toBeUndefined()
    expect(matchSavedQuery('gross revenue by region', catalog)).toBeUndefined()
  })

  it('prefers a metric of the same name', () => {
    const m = importDbtManifest(dbtSemanticManifest()).manifest
    m.saved_queries[1].label = 'Gross revenue'
    expect(matchSavedQuery('gross revenue', buildCatalog(m))).toBeUndefined()
  })

  it('does nothing without saved queries', () => {
    expect(matchSavedQuery('run the weekly revenue report', { metrics: [], dimensions: [] })).toBeUndefined()
  })
})
