import { describe, expect, it } from 'vitest'
import { getDialect } from '../../semantic/dialects'
import { exclusiveStop, renderCheckQuery, renderWhereFilter, type RenderDialect, type RenderEnv } from './render'

// A fake dialect whose output shows exactly which hook was called with what.
const fake: RenderDialect = {
  dateTrunc: (g, e) => `TRUNC_${g}(${e})`,
  extract: (p, e) => `EXTRACT_${p}(${e})`,
  dateAdd: (e, n, g) => `ADD(${e}, ${n}, ${g})`,
  castToTimestamp: (e) => `TS(${e})`,
  percentile: (e, p, d, a) => `PCT(${e}, ${p}, ${d}, ${a})`,
  doubleTypeName: () => 'DBL',
  randomUuid: () => 'UUID()',
  literal: (v) => `'${String(v).replace(/'/g, "''")}'`,
}
const env: RenderEnv = { dialect: fake, sourceSchema: 'mf_s' }

describe('renderCheckQuery', () => {
  it('provides the fixture schema and the day time spine', () => {
    expect(renderCheckQuery('FROM {{ source_schema }}.t JOIN {{ mf_time_spine_source }} s', env)).toBe('FROM mf_s.t JOIN mf_s.mf_time_spine s')
  })

  it('casts to timestamp before truncating or extracting, as upstream does', () => {
    expect(renderCheckQuery('{{ render_date_trunc("ds", TimeGranularity.WEEK) }}', env)).toBe('TRUNC_week(TS(ds))')
    expect(renderCheckQuery('{{ render_extract("a.ds", DatePart.DOW) }}', env)).toBe('EXTRACT_dow(TS(a.ds))')
  })

  it('subtracts intervals from an alias-qualified column', () => {
    expect(renderCheckQuery('{{ render_date_sub("subq_3", "ds", 5, TimeGranularity.DAY) }}', env)).toBe('ADD(subq_3.ds, -5, day)')
  })

  it('adds an SQL count expression as given', () => {
    expect(renderCheckQuery('{{ render_date_add("x.first", "(cte.rn - 1)", TimeGranularity.DAY) }}', env)).toBe('ADD(x.first, (cte.rn - 1), day)')
  })

  it('renders percentiles, the double type and random UUIDs with the dialect', () => {
    expect(renderCheckQuery('{{ render_percentile_expr("v", 0.99, True, False) }}', env)).toBe('PCT(v, 0.99, true, false)')
    expect(renderCheckQuery('CAST(x AS {{ double_data_type_name }}), {{ generate_random_uuid() }}', env)).toBe('CAST(x AS DBL), UUID()')
  })

  it('writes a bare date literal as midnight', () => {
    expect(renderCheckQuery("{{ cast_to_ts('2020-01-03') }}", env)).toBe("TS('2020-01-03 00:00:00')")
    expect(renderCheckQuery("{{ cast_to_ts('2020-01-03 04:05:06') }}", env)).toBe("TS('2020-01-03 04:05:06')")
  })

  it('renders a date time constraint that covers the whole stop day', () => {
    expect(renderCheckQuery('{{ render_time_constraint("ds", "2020-01-01", "2020-01-31") }}', env))
      .toBe("TS(ds) >= TS('2020-01-01 00:00:00') AND TS(ds) < TS('2020-02-01 00:00:00')")
  })

  it('renders a timestamp time constraint that covers the whole stop second', () => {
    expect(renderCheckQuery('{{ render_time_constraint("ts", "2020-01-01 02:00:00", "2020-01-03 05:59:59") }}', env))
      .toBe("TS(ts) >= TS('2020-01-01 02:00:00') AND TS(ts) < TS('2020-01-03 06:00:00')")
  })

  it('renders a one-sided time constraint', () => {
    expect(renderCheckQuery('{{ render_time_constraint("ds", start_time="2019-12-20") }}', env)).toBe("TS(ds) >= TS('2019-12-20 00:00:00')")
    expect(renderCheckQuery('{{ render_time_constraint("ds", stop_time="2019-12-31") }}', env)).toBe("TS(ds) < TS('2020-01-01 00:00:00')")
  })

  it('refuses a time constraint without bounds or with a malformed bound', () => {
    expect(() => renderCheckQuery('{{ render_time_constraint("ds") }}', env)).toThrow(/needs start_time or stop_time/)
    expect(() => renderCheckQuery('{{ render_time_constraint("ds", "2020/01/01") }}', env)).toThrow(/neither YYYY-MM-DD/)
  })

  it('refuses a granularity given as a plain string', () => {
    expect(() => renderCheckQuery('{{ render_date_trunc("ds", "day") }}', env)).toThrow(/TimeGranularity member/)
  })

  it('does not offer the where-filter template functions to check queries', () => {
    expect(() => renderCheckQuery("{{ render_dimension_template('x') }}", env)).toThrow(/undefined/)
  })

  it('renders real PostgreSQL SQL with the postgres dialect', () => {
    const pg: RenderEnv = { dialect: getDialect('postgres'), sourceSchema: 's' }
    expect(renderCheckQuery('{{ render_date_trunc("ds", TimeGranularity.MONTH) }}', pg)).toBe("DATE_TRUNC('month', CAST(ds AS TIMESTAMP))")
    expect(renderCheckQuery('{{ render_time_constraint("ds", "2020-01-01", "2020-01-01") }}', pg))
      .toBe("CAST(ds AS TIMESTAMP) >= CAST('2020-01-01 00:00:00' AS TIMESTAMP) AND CAST(ds AS TIMESTAMP) < CAST('2020-01-02 00:00:00' AS TIMESTAMP)")
  })
})

describe('renderWhereFilter', () => {
  it('emits MetricFlow filter templates for our where-filter parser', () => {
    expect(renderWhereFilter("{{ render_dimension_template('booking__is_instant') }}", env)).toBe("{{ Dimension('booking__is_instant') }}")
    expect(renderWhereFilter("{{ render_dimension_template('country', entity_path=['listing']) }} = 'us'", env))
      .toBe("{{ Dimension('country', entity_path=['listing']) }} = 'us'")
    expect(renderWhereFilter("{{ render_entity_template('listing') }} IS NOT NULL", env)).toBe("{{ Entity('listing') }} IS NOT NULL")
    expect(renderWhereFilter("{{ render_metric_template('bookings', ['listing']) }} > 2", env)).toBe("{{ Metric('bookings', group_by=['listing']) }} > 2")
    expect(renderWhereFilter("{{ render_time_dimension_template('metric_time', 'day') }}", env)).toBe("{{ TimeDimension('metric_time', 'day') }}")
    expect(renderWhereFilter("{{ render_time_dimension_template('metric_time') }}", env)).toBe("{{ TimeDimension('metric_time') }}")
  })

  it('wraps a filter template in a time constraint rendered by the dialect', () => {
    expect(renderWhereFilter(
      "{{ render_time_constraint(render_time_dimension_template('listing__ds', 'alien_day'), start_time=\"2019-12-20\") }}\n",
      env,
    )).toBe("TS({{ TimeDimension('listing__ds', 'alien_day') }}) >= TS('2019-12-20 00:00:00')")
  })
})

describe('exclusiveStop', () => {
  it.each([
    ['2020-01-31', '2020-02-01'],
    ['2020-02-28', '2020-02-29'],
    ['2019-12-31', '2020-01-01'],
    ['2020-01-03 05:59:59', '2020-01-03 06:00:00'],
    ['2020-12-31 23:59:59', '2021-01-01 00:00:00'],
  ])('moves %s to %s', (input, out) => {
    expect(exclusiveStop(input)).toBe(out)
  })
})
