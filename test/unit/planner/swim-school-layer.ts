// A small un-curated swim-school layer for planner unit tests written from language: lessons
// reach a level through the swimmer (`swm_lvl_cd`, described "Level: ...") and through the
// class (`cls_lvl`); swimmers have a categorical season year; one metric counts lessons and
// another the refunded ones ("Lessons refunded."); lane bookings, which lessons do not reach, have
// a code legend that uses the word swimmer ("SW = swimmer or family") and a bare metric whose
// measure is described ("Pool lanes reserved."); lessons reach their coach's rank, a legend of roles.
import { buildCatalog, importMetricFlow, type Catalog, type SemanticQuery } from '../../../semantic'
import { planOffline } from '../../../src/planner/offline/offline-planner'
import { gateConfidence } from '../../../src/planner/offline/confidence-gate'
import { PlanningError } from '../../../src/planner/planner'
import { CLOCK } from './catalogs'

const YAML = `
semantic_models:
  - name: lessons
    node_relation: { schema_name: swim, alias: fct_lsn }
    defaults: { agg_time_dimension: lsn_dt }
    entities:
      - { name: lesson, type: primary, expr: lsn_id }
      - { name: swimmer, type: foreign, expr: swm_id }
      - { name: class, type: foreign, expr: cls_id }
      - { name: coach, type: foreign, expr: coach_id }
    dimensions:
      - { name: lsn_dt, type: time, description: Day of the lesson., type_params: { time_granularity: day } }
      - { name: lsn_stat_cd, type: categorical, description: "Status: S = scheduled, C = completed, X = cancelled." }
    measures:
      - { name: lsn_cnt, agg: count, expr: lsn_id }
      - { name: lsn_rfnd_cnt, agg: sum, expr: "case when refunded then 1 else 0 end", description: Lessons refunded. }
  - name: swimmers
    node_relation: { schema_name: swim, alias: dim_swm }
    entities:
      - { name: swimmer, type: primary, expr: swm_id }
    dimensions:
      - { name: swm_lvl_cd, type: categorical, description: "Level: B = beginner, I = intermediate, A = advanced." }
      - { name: swm_stat_cd, type: categorical, description: "Status: A = active, L = lapsed." }
      - { name: ssn_yr, type: categorical, description: Season year. }
      - { name: is_1st_ssn, type: categorical, description: In the first season with the school. }
  - name: classes
    node_relation: { schema_name: swim, alias: dim_cls }
    entities:
      - { name: class, type: primary, expr: cls_id }
    dimensions:
      - { name: cls_lvl, type: categorical, description: Class level (1 to 6). }
      - { name: pool_nm, type: categorical, description: Pool name. }
  - name: coaches
    node_relation: { schema_name: swim, alias: dim_coach }
    entities:
      - { name: coach, type: primary, expr: coach_id }
    dimensions:
      - { name: coach_rank_cd, type: categorical, description: "Rank: HC = head coach, AC = assistant coach, VOL = volunteer." }
  - name: lane_bookings
    node_relation: { schema_name: swim, alias: fct_lane_bkg }
    defaults: { agg_time_dimension: bkg_dt }
    entities:
      - { name: lane_booking, type: primary, expr: bkg_id }
    dimensions:
      - { name: bkg_dt, type: time, description: Day the lane is booked for., type_params: { time_granularity: day } }
      - { name: bkr_typ_cd, type: categorical, description: "Booked by: SW = swimmer or family, CLB = club." }
    measures:
      - { name: lane_cnt, agg: count, expr: bkg_id, description: Pool lanes reserved. }
metrics:
  - { name: lsn_cnt, type: simple, type_params: { measure: lsn_cnt } }
  - { name: lsn_rfnd_cnt, type: simple, type_params: { measure: lsn_rfnd_cnt } }
  - { name: lane_cnt, type: simple, type_params: { measure: lane_cnt } }
project_configuration:
  time_spines:
    - node_relation: { schema_name: swim, alias: time_spine }
      primary_column: { name: date_day, time_granularity: day }
`

export function swimSchoolCatalog(): Catalog {
  const { manifest, problems } = importMetricFlow([{ path: 'swim.yml', content: YAML }])
  if (problems.length > 0) throw new Error(`swim-school layer has problems: ${JSON.stringify(problems)}`)
  return buildCatalog(manifest)
}

/** The plan offline-only mode answers with, or the code of its refusal or clarification. */
export function askSwimSchool(catalog: Catalog, question: string): SemanticQuery | string {
  try {
    return gateConfidence(planOffline(question, catalog, [], CLOCK), 0.75).query
  } catch (err) {
    if (err instanceof PlanningError) return err.code
    throw err
  }
}

/** The planner's own reading and the plans a clarification offers with it. */
export function readingsOf(catalog: Catalog, question: string): SemanticQuery[] {
  const plan = planOffline(question, catalog, [], CLOCK)
  try {
    return [gateConfidence(plan, 0.75).query]
  } catch (err) {
    if (!(err instanceof PlanningError)) throw err
    const offered = ((err.details[0] as { candidates?: Array<{ plan: SemanticQuery }> } | undefined)?.candidates ?? []).map((c) => c.plan)
    return [plan.query, ...offered]
  }
}
