// A small un-curated support-desk layer (`tkt`, `agt`, `cust`, `rvw`): what an entity is, what a code means and
// what a metric measures are said only in descriptions. The round-17 mechanisms are tested over it.
import { expect } from 'vitest'
import { buildCatalog, importMetricFlow, type SemanticQuery } from '../../../semantic'
import { planOffline } from '../../../src/planner/offline/offline-planner'
import { gateConfidence } from '../../../src/planner/offline/confidence-gate'
import { PlanningError } from '../../../src/planner/planner'
import { CLOCK } from './catalogs'

const YAML = `
semantic_models:
  - name: tkt
    description: Support tickets opened, one row per ticket.
    node_relation: { schema_name: sd, alias: fct_tkt }
    defaults: { agg_time_dimension: tkt_dt }
    entities:
      - { name: tkt, type: primary, expr: tkt_id }
      - { name: agt, type: foreign, expr: agt_id }
      - { name: cust, type: foreign, expr: cust_id }
    dimensions:
      - { name: tkt_dt, type: time, description: Day the ticket was opened., type_params: { time_granularity: day } }
      - { name: res_cd, type: categorical, description: "Resolution: FIX = fixed, ESC = escalate, ABN = abandoned by the caller before pickup." }
      - { name: st_cd, type: categorical, description: "Ticket status today: OPN = open, CLS = closed, DEC = declined." }
      - { name: sev_cd, type: categorical, description: "Severity: HI = high, LO = low." }
      - { name: fee_stat_cd, type: categorical, description: "Fee status: BIL = billed, WVD = waived." }
    measures:
      - { name: tkt_cnt, agg: count, expr: tkt_id }
      - { name: fee_amt, agg: sum, expr: fee, description: "Amount billed for the ticket, USD." }
      - { name: open_cnt, agg: sum, expr: "case when is_open then 1 else 0 end" }
      - { name: od7_cnt, agg: sum, expr: "case when age_days >= 7 then 1 else 0 end" }
      - { name: od30_cnt, agg: sum, expr: "case when age_days >= 30 then 1 else 0 end" }
  - name: agt
    description: Support agents with the team they sit in, one row per agent.
    node_relation: { schema_name: sd, alias: dim_agt }
    entities:
      - { name: agt, type: primary, expr: agt_id }
    dimensions:
      - { name: agt_nm, type: categorical, description: Agent full name. }
      - { name: team_nm, type: categorical, description: Team name. }
  - name: cust
    description: Accounts (clients), one row per account.
    node_relation: { schema_name: sd, alias: dim_cust }
    defaults: { agg_time_dimension: cust_dt }
    entities:
      - { name: cust, type: primary, expr: cust_id }
    dimensions:
      - { name: cust_dt, type: time, description: Date the account first became a client., type_params: { time_granularity: day } }
      - { name: seg_cd, type: categorical, description: "Segment: SMB = small business, ENT = enterprise." }
      - { name: tier_bnd, type: categorical, description: Support tier band at signup. }
      - { name: term_mo, type: categorical, description: Contract term in months. }
    measures:
      - { name: cust_cnt, agg: count_distinct, expr: cust_id }
      - { name: out_bal, agg: sum, expr: open_amt, description: "Outstanding invoice balance as of today, USD." }
  - name: rvw
    description: Quality reviews, one row per review of a ticket.
    node_relation: { schema_name: sd, alias: fct_rvw }
    defaults: { agg_time_dimension: rvw_dt }
    entities:
      - { name: rvw, type: primary, expr: rvw_id }
      - { name: tkt, type: foreign, expr: tkt_id }
    dimensions:
      - { name: rvw_dt, type: time, type_params: { time_granularity: day } }
      - { name: rvw_cd, type: categorical, description: "Review outcome: A = approve, D = decline." }
      - { name: mthd_cd, type: categorical, description: "How the review was done: AUTO = automated scoring engine, MAN = manual check by a team lead on the floor." }
    measures:
      - { name: rvw_cnt, agg: count, expr: rvw_id }
      - { name: scr_avg, agg: average, expr: score, description: Quality score given. }
metrics:
  - { name: tkt_cnt, type: simple, type_params: { measure: tkt_cnt } }
  - { name: cust_cnt, type: simple, type_params: { measure: cust_cnt } }
  - { name: out_bal, type: simple, type_params: { measure: out_bal } }
  - { name: rvw_cnt, type: simple, type_params: { measure: rvw_cnt } }
  - { name: avg_scr, type: simple, type_params: { measure: scr_avg } }
  - { name: fee_amt, type: simple, type_params: { measure: fee_amt } }
  - { name: cb_cnt, type: simple, description: Priority callbacks., type_params: { measure: tkt_cnt } }
  - { name: open_cnt, type: simple, type_params: { measure: open_cnt } }
  - { name: od7_cnt, type: simple, type_params: { measure: od7_cnt } }
  - { name: od30_cnt, type: simple, type_params: { measure: od30_cnt } }
  - { name: od7_rt, type: ratio, description: Share of open tickets 7 or more days overdue at week end., type_params: { numerator: od7_cnt, denominator: open_cnt } }
  - { name: od30_rt, type: ratio, type_params: { numerator: od30_cnt, denominator: open_cnt } }
project_configuration:
  time_spines:
    - node_relation: { schema_name: sd, alias: time_spine }
      primary_column: { name: date_day, time_granularity: day }
`

export function catalog() {
  const { manifest, problems } = importMetricFlow([{ path: 'sd.yml', content: YAML }])
  expect(problems).toEqual([])
  return buildCatalog(manifest)
}

/** The plan the offline planner answers at the service's threshold, or the error code it gives. */
export function ask(question: string): SemanticQuery | string {
  try {
    return gateConfidence(planOffline(question, catalog(), [], CLOCK), 0.75).query
  } catch (err) {
    if (err instanceof PlanningError) return err.code
    throw err
  }
}
