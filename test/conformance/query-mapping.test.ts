import { describe, expect, it } from 'vitest'
import type { SemanticManifest } from '../../semantic/types'
import type { ConformanceCase } from './cases'
import { checkColumnOrder, columnMatches, mapCase } from './query-mapping'

function kase(patch: Partial<ConformanceCase>): ConformanceCase {
  return {
    id: 'f/c', name: 'c', file: 'f', model: 'SIMPLE_MODEL', metrics: [], group_bys: [], group_by_objs: [], order_bys: [],
    min_max_only: false, apply_group_by: true, check_order: false, allow_empty: false, required_features: [], check_query: 'SELECT 1',
    ...patch,
  }
}

const manifest: SemanticManifest = {
  semantic_models: [], metrics: [], time_spines: [],
  saved_queries: [{ name: 'sq', query_params: { metrics: ['bookings'], group_by: ['metric_time__day'], where: ["{{ Dimension('x') }} > 3"], limit: 5 } }],
}

describe('mapCase', () => {
  it('maps metrics, group-bys, time constraint, order and limit', () => {
    const { query } = mapCase(kase({
      metrics: ['booking_value'], group_bys: ['metric_time'], time_constraint: ['2020-01-01', '2020-01-02'],
      order_bys: ['-booking_value'], limit: 3,
    }), manifest, "{{ Dimension('booking__is_instant') }}")
    expect(query).toEqual({
      metrics: ['booking_value'], group_by: ['metric_time'], where: ["{{ Dimension('booking__is_instant') }}"],
      time_constraint: { start: '2020-01-01', end: '2020-01-02' }, order_by: ['-booking_value'], limit: 3,
    })
  })

  it('maps group_by_objs with grain and date part, a custom grain included', () => {
    const { query } = mapCase(kase({
      group_by_objs: [{ name: 'metric_time', grain: 'week' }, { name: 'metric_time', date_part: 'dow' }, { name: 'booking__ds', grain: 'alien_day' }, { name: 'listing' }],
    }), manifest)
    expect(query.group_by).toEqual([{ name: 'metric_time', grain: 'week' }, { name: 'metric_time', date_part: 'dow' }, { name: 'booking__ds', grain: 'alien_day' }, 'listing'])
  })

  it('passes a saved query by name with the case filter', () => {
    const { query } = mapCase(kase({ saved_query_name: 'sq', apply_group_by: false }), manifest, 'x = 1')
    expect(query).toEqual({ metrics: [], saved_query: 'sq', where: ['x = 1'], apply_group_by: false })
  })

  it('asks for min/max only', () => {
    const { query, columns } = mapCase(kase({ min_max_only: true, group_bys: ['verification__ds'] }), manifest)
    expect(query).toEqual({ metrics: [], group_by: ['verification__ds'], min_max_only: true })
    expect(checkColumnOrder(['verification__ds__day__min', 'verification__ds__day__max'], columns)).toBeNull()
    expect(checkColumnOrder(['verification__ds__day__max', 'verification__ds__day__min'], columns)).toMatch(/not in query order/)
  })

  it('fails clearly for a saved query the manifest lacks or an unknown date part', () => {
    expect(() => mapCase(kase({ saved_query_name: 'missing' }), manifest)).toThrow(/not in the imported manifest/)
    expect(() => mapCase(kase({ group_by_objs: [{ name: 'metric_time', date_part: 'century' }] }), manifest)).toThrow(/date_part/)
  })
})

describe('checkColumnOrder', () => {
  const { columns } = mapCase(kase({ metrics: ['bookings', 'booking_value'], group_bys: ['metric_time'], group_by_objs: [{ name: 'booking__ds', date_part: 'dow' }] }), manifest)

  it('accepts metrics first, then group-bys with their grain suffix', () => {
    expect(checkColumnOrder(['bookings', 'booking_value', 'metric_time__day', 'booking__ds__extract_dow'], columns)).toBeNull()
  })

  it('rejects group-bys before metrics', () => {
    expect(checkColumnOrder(['metric_time__day', 'bookings', 'booking_value', 'booking__ds__extract_dow'], columns)).toMatch(/not in query order/)
  })

  it('rejects a column whose name only starts like the group-by', () => {
    expect(checkColumnOrder(['bookings', 'booking_value', 'metric_timex', 'booking__ds__extract_dow'], columns)).toMatch(/not in query order/)
  })
})

describe('column expectations of saved queries', () => {
  it("reads MetricFlow's object syntax for group-bys", () => {
    const m: SemanticManifest = { ...manifest, saved_queries: [{ name: 's', query_params: { metrics: ['bookings'], group_by: ["TimeDimension('metric_time', 'day')", "Dimension('listing__capacity_latest')"] } }] }
    const { columns } = mapCase(kase({ saved_query_name: 's' }), m)
    expect(checkColumnOrder(['bookings', 'metric_time__day', 'listing__capacity_latest'], columns)).toBeNull()
    expect(checkColumnOrder(['bookings', 'listing__capacity_latest', 'metric_time__day'], columns)).toMatch(/not in query order/)
  })
})

describe('columnMatches', () => {
  it('accepts an output name that spells out the resolved entity path', () => {
    expect(columnMatches('listing__user__last_login_ts__minute', { exact: 'user__last_login_ts__minute' })).toBe(true)
    expect(columnMatches('listing__user__last_login_ts__minute', { prefix: 'user__last_login_ts' })).toBe(true)
    expect(columnMatches('xuser__last_login_ts__minute', { exact: 'user__last_login_ts__minute' })).toBe(false)
    expect(columnMatches('user__last_login_ts__minute__extra', { exact: 'user__last_login_ts__minute' })).toBe(false)
  })
})
