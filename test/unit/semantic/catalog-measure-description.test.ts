// A dbt project often documents the measure and leaves the simple metric over it bare:
// the planner-facing catalog then describes the metric by its measure.
import { describe, expect, it } from 'vitest'
import { buildCatalog, importMetricFlow } from '../../../semantic'

const YAML = `
semantic_models:
  - name: enrollments
    node_relation: { schema_name: sis, alias: enrollments }
    defaults: { agg_time_dimension: enrolled_on }
    entities:
      - { name: enrollment, type: primary, expr: enrollment_id }
    dimensions:
      - { name: enrolled_on, type: time, type_params: { time_granularity: day } }
      - { name: status, type: categorical }
    measures:
      - { name: enr_cnt, agg: count, expr: enrollment_id, description: Course registrations. }
      - { name: cr_hrs, agg: sum, expr: credit_hours, description: Credit hours attempted. }
      - { name: seat_cnt, agg: count, expr: enrollment_id }
metrics:
  - { name: enr_cnt, type: simple, type_params: { measure: enr_cnt } }
  - { name: cr_hrs, type: simple, description: Credit hours taken., type_params: { measure: cr_hrs } }
  - { name: seats, type: simple, type_params: { measure: seat_cnt } }
  - { name: dropped_enr, type: simple, filter: "{{ Dimension('enrollment__status') }} = 'D'", type_params: { measure: enr_cnt } }
  - { name: waitlisted_enr, type: simple, type_params: { measure: { name: enr_cnt, filter: "{{ Dimension('enrollment__status') }} = 'W'" } } }
  - { name: cr_per_enr, type: ratio, type_params: { numerator: cr_hrs, denominator: enr_cnt } }
`

describe('catalog metric descriptions', () => {
  const { manifest, problems } = importMetricFlow([{ path: 'sis.yml', content: YAML }])
  const catalog = buildCatalog(manifest)
  const metric = (name: string) => catalog.metrics.find((m) => m.name === name)!

  it('reads the layer without problems', () => {
    expect(problems).toEqual([])
  })

  it("takes a bare simple metric's description from its measure", () => {
    expect(metric('enr_cnt').description).toBe('Course registrations.')
  })

  it("keeps the metric's own description over its measure's", () => {
    expect(metric('cr_hrs').description).toBe('Credit hours taken.')
  })

  it('leaves a metric undescribed when its measure is undescribed too', () => {
    expect(metric('seats').description).toBeUndefined()
  })

  it('gives a filtered metric no description from its measure, since it counts only part of it', () => {
    expect(metric('dropped_enr').description).toBeUndefined()
    expect(metric('waitlisted_enr').description).toBeUndefined()
  })

  it('gives a ratio metric no measure description', () => {
    expect(metric('cr_per_enr').description).toBeUndefined()
  })
})
