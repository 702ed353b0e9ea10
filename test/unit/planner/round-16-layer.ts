// A small un-curated billing layer in business shorthand (`txn_cnt`, `pymt_amt`, `rgn_nm`,
// `cust`), with no labels or synonyms: the round-16 mechanisms are tested over it.
import { expect } from 'vitest'
import { buildCatalog, importMetricFlow, type SemanticQuery } from '../../../semantic'
import { planOffline } from '../../../src/planner/offline/offline-planner'
import { gateConfidence } from '../../../src/planner/offline/confidence-gate'
import { PlanningError } from '../../../src/planner/planner'
import { CLOCK } from './catalogs'

const YAML = `
semantic_models:
  - name: txn
    node_relation: { schema_name: bill, alias: fct_txn }
    defaults: { agg_time_dimension: txn_dt }
    entities:
      - { name: txn, type: primary, expr: txn_id }
      - { name: cust, type: foreign, expr: cust_id }
    dimensions:
      - { name: txn_dt, type: time, type_params: { time_granularity: day } }
      - { name: pymt_mthd, type: categorical }
      - { name: term_mo, type: categorical, description: Contract term in months. }
    measures:
      - { name: txn_cnt, agg: count, expr: txn_id }
      - { name: pymt_amt, agg: sum, expr: paid }
      - { name: due_amt, agg: sum, expr: due }
      - { name: aprv_cnt, agg: sum, expr: "case when aprv then 1 else 0 end" }
      - { name: rsv_vol, agg: sum, expr: deposit }
  - name: cust
    node_relation: { schema_name: bill, alias: dim_cust }
    entities:
      - { name: cust, type: primary, expr: cust_id }
    dimensions:
      - { name: rgn_nm, type: categorical }
      - { name: seg_cd, type: categorical, description: "Segment: SMB = small business, ENT = enterprise." }
  - name: wo
    node_relation: { schema_name: bill, alias: fct_wo }
    defaults: { agg_time_dimension: wo_dt }
    entities:
      - { name: wo, type: primary, expr: wo_id }
    dimensions:
      - { name: wo_dt, type: time, type_params: { time_granularity: day } }
    measures:
      - { name: p1_cnt, agg: count, expr: wo_id }
      - { name: p1_snap, agg: count, expr: wo_id }
metrics:
  - { name: txn_cnt, type: simple, type_params: { measure: txn_cnt } }
  - { name: pymt_amt, type: simple, type_params: { measure: pymt_amt } }
  - { name: due_amt, type: simple, type_params: { measure: due_amt } }
  - { name: aprv_cnt, type: simple, description: "Transactions approved by the issuer.", type_params: { measure: aprv_cnt } }
  - { name: aprv_rt, type: ratio, description: "Approved transactions over all transactions.", type_params: { numerator: aprv_cnt, denominator: txn_cnt } }
  - { name: rsv_vol, type: simple, description: "Deposits reserved, USD.", type_params: { measure: rsv_vol } }
  - { name: p1_cnt, type: simple, type_params: { measure: p1_cnt } }
  - { name: p1_rt, type: ratio, type_params: { numerator: p1_cnt, denominator: p1_snap } }
  - { name: p2_rt, type: ratio, type_params: { numerator: p1_cnt, denominator: p1_snap } }
  - { name: p1_snap, type: simple, type_params: { measure: p1_snap } }
project_configuration:
  time_spines:
    - node_relation: { schema_name: bill, alias: time_spine }
      primary_column: { name: date_day, time_granularity: day }
`

/** The plan the offline planner answers at the service's threshold, or the error code it gives. */
export function ask(question: string): SemanticQuery | string {
  const { manifest, problems } = importMetricFlow([{ path: 'bill.yml', content: YAML }])
  expect(problems).toEqual([])
  try {
    return gateConfidence(planOffline(question, buildCatalog(manifest), [], CLOCK), 0.75).query
  } catch (err) {
    if (err instanceof PlanningError) return err.code
    throw err
  }
}
