// "approved applications" read as the application count filtered to APR beside `appr_cnt` ("Applications in
// approved status."): the legend word and the plan metric's noun name that metric too, so it is asked back.
import { describe, expect, it } from 'vitest'
import { buildCatalog, importMetricFlow } from '../../../semantic'
import { planOffline } from '../../../src/planner/offline/offline-planner'
import { gateConfidence } from '../../../src/planner/offline/confidence-gate'
import { codedValueMetricReadings } from '../../../src/planner/offline/coded-value-metric'
import { getCatalogIndex } from '../../../src/planner/offline/catalog-index'
import { PlanningError } from '../../../src/planner/planner'
import { CLOCK } from './catalogs'

const YAML = `
semantic_models:
  - name: appl
    node_relation: { schema_name: l, alias: appl }
    defaults: { agg_time_dimension: appl_dt }
    entities: [{ name: appl, type: primary, expr: appl_id }]
    dimensions:
      - { name: appl_dt, type: time, type_params: { time_granularity: day } }
      - { name: appl_stat_cd, type: categorical, description: "Status: APR = approved, DEC = declined, WD = withdrawn." }
    measures:
      - { name: appl_cnt, agg: count, expr: appl_id }
      - { name: appr_cnt, agg: sum, expr: "case when appl_stat_cd = 'APR' then 1 else 0 end" }
metrics:
  - { name: appl_cnt, type: simple, type_params: { measure: appl_cnt } }
  - { name: appr_cnt, type: simple, description: Applications in approved status., type_params: { measure: appr_cnt } }
project_configuration:
  time_spines: [{ node_relation: { schema_name: l, alias: ts }, primary_column: { name: date_day, time_granularity: day } }]
`
const catalog = buildCatalog(importMetricFlow([{ path: 'l.yml', content: YAML }]).manifest)
function ask(question: string) {
  try {
    return gateConfidence(planOffline(question, catalog, [], CLOCK), 0.75).query
  } catch (err) {
    if (err instanceof PlanningError) return err.code
    throw err
  }
}

describe('a legend value beside a metric named by its word', () => {
  it('is asked back between the filtered count and that metric', () => {
    expect(ask('approved applications')).toBe('ambiguous_question')
  })

  it('offers the metric only where the question said the legend word', () => {
    const idx = getCatalogIndex(catalog)
    const query = { metrics: ['appl_cnt'], filters: [{ field: 'appl__appl_stat_cd', op: '=' as const, value: 'APR' }] }
    expect(codedValueMetricReadings(query, query.filters[0], idx, new Set(['approved', 'application'])).map((r) => r.query)).toEqual([{ metrics: ['appr_cnt'] }])
    expect(codedValueMetricReadings(query, query.filters[0], idx, new Set(['apr', 'application']))).toEqual([])
  })

  it('leaves a value with no such metric filtered', () => {
    expect(ask('withdrawn applications')).toEqual({ metrics: ['appl_cnt'], filters: [{ field: 'appl__appl_stat_cd', op: '=', value: 'WD' }] })
  })
})
