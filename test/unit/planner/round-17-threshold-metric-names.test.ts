// `od7_rt` described as "Share of open tickets 7 or more days overdue at week end.", and `od30_rt`, `od7_cnt`,
// `od30_cnt` with no description: the condition the one description states names the rate with "rate", the
// sibling of another number by the same condition with its number, and the count by the counted noun.
import { describe, expect, it } from 'vitest'
import { ask } from './round-17-layer'
import { buildCatalog, importMetricFlow } from '../../../semantic'
import { getCatalogIndex } from '../../../src/planner/offline/catalog-index'

describe('a metric named by a shorthand and a threshold number', () => {
  it('is named by the condition its description states, said as "N+" or "N <unit>"', () => {
    expect(ask('7+ days overdue rate by segment')).toEqual({ metrics: ['od7_rt'], group_by: ['cust__seg_cd'] })
  })

  it('lends its condition to a sibling that differs only by the number', () => {
    expect(ask('30 day overdue rate')).toEqual({ metrics: ['od30_rt'] })
  })

  it('names the count of the same number by the noun the condition counts', () => {
    expect(ask('tickets 30+ days overdue')).toEqual({ metrics: ['od30_cnt'] })
  })
})

describe('a threshold shorthand the business writes out', () => {
  const yaml = `
semantic_models:
  - name: snap
    node_relation: { schema_name: l, alias: snap }
    defaults: { agg_time_dimension: snap_dt }
    entities: [{ name: snap, type: primary, expr: snap_id }]
    dimensions: [{ name: snap_dt, type: time, type_params: { time_granularity: day } }]
    measures:
      - { name: open_cnt, agg: count, expr: snap_id }
      - { name: dq30_cnt, agg: sum, expr: "case when dpd >= 30 then 1 else 0 end" }
      - { name: dq60_cnt, agg: sum, expr: "case when dpd >= 60 then 1 else 0 end" }
metrics:
  - { name: open_cnt, type: simple, type_params: { measure: open_cnt } }
  - { name: dq30_rt, type: ratio, description: Share of open accounts 30 or more days past due., type_params: { numerator: dq30_cnt, denominator: open_cnt } }
  - { name: dq60_rt, type: ratio, type_params: { numerator: dq60_cnt, denominator: open_cnt } }
project_configuration:
  time_spines: [{ node_relation: { schema_name: l, alias: ts }, primary_column: { name: date_day, time_granularity: day } }]
`
  const idx = getCatalogIndex(buildCatalog(importMetricFlow([{ path: 'l.yml', content: yaml }]).manifest))
  const names = (key: string) => (idx.terms.get(key) ?? []).map((h) => h.target.name)

  it('names each rate by the written-out word with its number', () => {
    expect(names('60 day delinquency rate')).toEqual(['dq60_rt'])
    expect(names('delinquency rate 30 and')).toEqual(['dq30_rt'])
  })

  it('names the whole family by the word alone, more weakly than a full name', () => {
    expect(names('delinquency rate')).toEqual(['dq30_rt', 'dq60_rt'])
    expect(idx.terms.get('delinquency rate')![0].quality).toBeLessThan(idx.terms.get('60 day delinquency rate')![0].quality)
  })
})
