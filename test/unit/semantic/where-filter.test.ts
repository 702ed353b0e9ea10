import { describe, expect, it } from 'vitest'
import { SemanticError, parseWhereFilter } from '../../../semantic'

describe('parseWhereFilter', () => {
  it('reads Dimension, TimeDimension, Entity and Metric calls and keeps the SQL around them', () => {
    const f = parseWhereFilter("{{ Dimension('listing__country') }} = 'us' AND {{ TimeDimension('metric_time', 'month') }} >= '2024-01-01' AND {{ Entity('listing') }} IS NOT NULL AND {{ Metric('bookings', group_by=['listing']) }} > 2")
    expect(f.refs.map((r) => [r.kind, r.name])).toEqual([
      ['dimension', 'listing__country'], ['time_dimension', 'metric_time'], ['entity', 'listing'], ['metric', 'bookings'],
    ])
    expect(f.refs[1].grain).toBe('month')
    expect(f.refs[3].groupBy).toEqual(['listing'])
    expect(f.parts[1]).toBe(" = 'us' AND ")
  })

  it('reads keyword arguments and chained methods', () => {
    const f = parseWhereFilter("{{ Dimension('country', entity_path=['listing']) }} = 'x' OR {{ Dimension('booking__ds').grain('week') }} > '2024-01-01' OR {{ TimeDimension('booking__ds', date_part_name='year') }} = 2024 OR {{ Metric('views', ['listing']) }} > 1")
    expect(f.refs[0]).toMatchObject({ name: 'country', entityPath: ['listing'] })
    expect(f.refs[1]).toMatchObject({ grain: 'week' })
    expect(f.refs[2]).toMatchObject({ datePart: 'year' })
    expect(f.refs[3]).toMatchObject({ name: 'views', groupBy: ['listing'] })
  })

  it('marks references used alone as boolean predicates', () => {
    const f = parseWhereFilter("NOT {{ Dimension('a__is_x') }} AND ({{ Dimension('a__is_y') }} OR {{ Dimension('a__z') }} IS NULL) AND {{ Dimension('a__w') }} = 1")
    expect(f.refs.map((r) => r.standalone)).toEqual([true, true, false, false])
  })

  it('treats bare query names in the SQL as dimension references', () => {
    const f = parseWhereFilter("metric_time__day >= '2024-01-01' AND t.a__b = 1 AND 'x__y' = listing__country")
    expect(f.refs.map((r) => r.name)).toEqual(['metric_time__day', 'listing__country'])
  })

  it('rejects unknown functions and malformed templates with invalid_filter', () => {
    for (const bad of ["{{ Dimensoin('x') }}", "{{ Dimension('x' }}", '{{ Dimension(x) }}', "{{ Dimension('x') ", "{{ TimeDimension('t', date_part_name='fortnight') }}"]) {
      let err: unknown
      try {
        parseWhereFilter(bad)
      } catch (e) {
        err = e
      }
      expect(err, bad).toBeInstanceOf(SemanticError)
      expect((err as SemanticError).code).toBe('invalid_filter')
    }
  })
})
