import { describe, expect, it } from 'vitest'
import { SemanticError, compile, getDialect, importMetricFlow, type SemanticQuery } from '../../../semantic'
import { SHOP_YAML, shopManifest } from './shop-manifest'

const manifest = shopManifest()

function compileError(query: SemanticQuery, dialect: Parameters<typeof compile>[2] = 'postgres'): SemanticError {
  try {
    compile(query, manifest, dialect)
  } catch (e) {
    if (e instanceof SemanticError) return e
    throw e
  }
  throw new Error('expected compile to throw')
}

describe('compile: unknown names', () => {
  it('rejects an unknown metric and suggests the closest names', () => {
    const err = compileError({ metrics: ['revenu'] })
    expect(err.code).toBe('unknown_metric')
    expect(err.details[0].suggestions?.[0]).toBe('revenue')
  })

  it('rejects an unknown dimension and suggests reachable ones', () => {
    const err = compileError({ metrics: ['revenue'], group_by: ['customer__regoin'] })
    expect(err.code).toBe('unknown_dimension')
    expect(err.details[0]).toMatchObject({ path: 'group_by[0]' })
    expect(err.details[0].suggestions).toContain('customer__region')
  })

  it('suggests the qualified name for a bare dimension typo', () => {
    const err = compileError({ metrics: ['revenue'], group_by: ['regoin'] })
    expect(err.details[0].suggestions).toContain('customer__region')
  })

  it('rejects a grain finer than the metric allows', () => {
    const err = compileError({ metrics: ['revenue'], group_by: ['metric_time__hour'] })
    expect(err.code).toBe('invalid_query')
    expect(err.message).toMatch(/day grain/)
  })
})

describe('compile: joins', () => {
  it('refuses a one-to-many join and names the path', () => {
    // customers -> orders joins on customer, which is only a foreign key in orders.
    const err = compileError({ metrics: ['customers'], group_by: ['customer__status'] })
    expect(err.code).toBe('fan_out_join')
    expect(err.message).toMatch(/customers -> orders on customer/)
    expect(err.message).toMatch(/one-to-many/)
  })

  it('aggregates measures of different models separately and joins the results', () => {
    const { sql } = compile({ metrics: ['revenue', 'visits'], group_by: ['customer__region'] }, manifest, 'postgres')
    expect(sql).toMatch(/FULL OUTER JOIN/)
    // Both sides are grouped before the join: two GROUP BY inside, one on the coalesced keys.
    expect(sql.match(/GROUP BY/g)).toHaveLength(3)
    expect(sql).toMatch(/COALESCE\(subq_\d+\."customer__region", subq_\d+\."customer__region"\)/)
  })

  it('emulates FULL OUTER JOIN on MySQL with a union of keys and NULL-safe joins', () => {
    const { sql } = compile({ metrics: ['revenue', 'visits'], group_by: ['customer__region'] }, manifest, 'mysql')
    expect(sql).not.toMatch(/FULL/)
    expect(sql).toMatch(/UNION/)
    expect(sql).toMatch(/<=>/)
  })

  it('reads measures of one model with the same filters in a single aggregation', () => {
    const { sql } = compile({ metrics: ['revenue', 'orders'], group_by: ['metric_time__day'] }, manifest, 'postgres')
    expect(sql).not.toMatch(/JOIN/)
    expect(sql.match(/FROM "shop"\."orders"/g)).toHaveLength(1)
    const ratio = compile({ metrics: ['revenue_per_order'], group_by: ['metric_time__day'] }, manifest, 'postgres')
    expect(ratio.sql).not.toMatch(/JOIN/)
  })

  it('lists the physical relations it reads', () => {
    const compiled = compile({ metrics: ['revenue_growth_wow'], group_by: ['customer__region', 'metric_time__day'] }, manifest, 'postgres')
    expect(compiled.relations).toEqual(['shop.customers', 'shop.orders', 'shop.time_spine'])
  })
})

describe('compile: values are never spliced into SQL', () => {
  const hostile = "EU' OR 1=1 --"
  const query: SemanticQuery = {
    metrics: ['revenue'],
    group_by: ['customer__region'],
    filters: [{ field: 'customer__region', op: '=', value: hostile }, { field: 'revenue', op: '>', value: 10 }],
    time_constraint: { start: '2024-01-01', end: '2024-01-31' },
  }

  it('passes filter values and time bounds as bind parameters', () => {
    const { sql, params } = compile(query, manifest, 'postgres')
    expect(sql).not.toContain('OR 1=1')
    expect(sql).not.toContain('2024-01')
    expect(params).toEqual([hostile, '2024-01-01 00:00:00', '2024-02-01 00:00:00', 10])
    expect(sql).toMatch(/\$1/)
    expect(sql).toMatch(/\$4/)
  })

  it('numbers positional placeholders in textual order', () => {
    const { sql, params } = compile(query, manifest, 'mysql')
    expect(sql.match(/\?/g)).toHaveLength(params.length)
    expect(params[params.length - 1]).toBe(10)
  })

  it('uses @pN placeholders on SQL Server', () => {
    const { sql, params } = compile(query, manifest, 'mssql')
    expect(sql).toMatch(/@p1\b/)
    expect(sql).toMatch(new RegExp(`@p${params.length}\\b`))
  })

  it('inlines escaped literals on ClickHouse, which has no bind parameters', () => {
    const { sql, params } = compile(query, manifest, 'clickhouse')
    expect(params).toEqual([])
    expect(sql).toContain("'EU\\' OR 1=1 --'")
    expect(sql).toContain("toDateTime('2024-01-01 00:00:00')")
  })

  it('filters on a metric name filter the aggregated rows, like HAVING', () => {
    const { sql } = compile({ metrics: ['revenue'], group_by: ['order__status'], filters: [{ field: 'revenue', op: '>=', value: 100 }] }, manifest, 'postgres')
    expect(sql).toMatch(/WHERE \(result\."revenue" >= \$1\)$/m)
  })

  it('supports in, between, like and null checks', () => {
    const { sql, params } = compile({
      metrics: ['revenue'],
      filters: [
        { field: 'customer__region', op: 'in', value: ['EU', 'US'] },
        { field: 'order__status', op: 'like', value: 'ship%' },
        { field: 'metric_time__day', op: 'between', value: ['2024-01-01', '2024-02-01'] },
        { field: 'order__is_gift', op: 'is_not_null' },
      ],
    }, manifest, 'postgres')
    expect(sql).toMatch(/IN \(\$\d, \$\d\)/)
    expect(sql).toMatch(/LIKE \$\d/)
    expect(sql).toMatch(/BETWEEN CAST\(\$\d AS TIMESTAMP\) AND CAST\(\$\d AS TIMESTAMP\)/)
    expect(sql).toMatch(/IS NOT NULL/)
    expect(params).toEqual(['EU', 'US', 'ship%', '2024-01-01', '2024-02-01'])
  })

  it('rejects a filter operator it does not know', () => {
    const err = compileError({ metrics: ['revenue'], filters: [{ field: 'order__status', op: 'drop table' as never, value: 'x' }] })
    expect(err.code).toBe('invalid_filter')
  })
})

describe('compile: where templates', () => {
  it('renders Dimension references and keeps the rest of the SQL', () => {
    const { sql } = compile({ metrics: ['revenue'], where: ["{{ Dimension('order__status') }} <> 'cancelled'"] }, manifest, 'postgres')
    expect(sql).toMatch(/WHERE \(src_\d+\."order__status" <> 'cancelled'\)|WHERE \("status" <> 'cancelled'\)/)
  })

  it('turns a boolean dimension used as a predicate into "= 1" on SQL Server', () => {
    const { sql } = compile({ metrics: ['revenue'], where: ["{{ Dimension('order__is_gift') }}"] }, manifest, 'mssql')
    expect(sql).toMatch(/\[is_gift\] = 1/)
    const pg = compile({ metrics: ['revenue'], where: ["{{ Dimension('order__is_gift') }}"] }, manifest, 'postgres')
    expect(pg.sql).not.toMatch(/= 1/)
  })

  it('reports template syntax errors as invalid_filter', () => {
    expect(compileError({ metrics: ['revenue'], where: ["{{ Dimension('order__status' }}"] }).code).toBe('invalid_filter')
  })
})

describe('compile: output', () => {
  it('names and orders columns the MetricFlow way: metrics first, then group-bys', () => {
    const { columns } = compile({ metrics: ['revenue', 'orders'], group_by: ['metric_time', 'customer__region', 'order'] }, manifest, 'postgres')
    expect(columns).toEqual([
      { name: 'revenue', kind: 'metric', label: 'Revenue' },
      { name: 'orders', kind: 'metric' },
      { name: 'metric_time__day', kind: 'time_dimension', grain: 'day' },
      { name: 'customer__region', kind: 'dimension' },
      { name: 'order', kind: 'entity' },
    ])
  })

  it('is deterministic: the same query gives the same SQL, even from a freshly imported manifest', () => {
    const q: SemanticQuery = { metrics: ['revenue_growth_wow', 'visits', 'revenue_per_order'], group_by: ['metric_time__week', 'customer__region'], order_by: ['-visits'], limit: 5 }
    const a = compile(q, manifest, 'postgres')
    const b = compile(q, manifest, 'postgres')
    const fresh = importMetricFlow([{ path: 'shop.yml', content: SHOP_YAML }]).manifest
    const c = compile(q, fresh, 'postgres')
    expect(b).toEqual(a)
    expect(c).toEqual(a)
  })

  it('orders by requested names, including metric_time without its grain', () => {
    const { sql } = compile({ metrics: ['revenue'], group_by: ['metric_time'], order_by: ['-metric_time', 'revenue'] }, manifest, 'postgres')
    expect(sql).toMatch(/ORDER BY "metric_time__day" DESC, "revenue"$/m)
  })

  it('rejects ordering by something not selected', () => {
    expect(compileError({ metrics: ['revenue'], order_by: ['visits'] }).code).toBe('invalid_query')
  })

  it('caps the row count with max_rows', () => {
    expect(compile({ metrics: ['revenue'], group_by: ['order'], limit: 500 }, manifest, 'postgres', { max_rows: 100 }).sql).toMatch(/LIMIT 100$/)
    expect(compile({ metrics: ['revenue'], group_by: ['order'], limit: 5 }, manifest, 'postgres', { max_rows: 100 }).sql).toMatch(/LIMIT 5$/)
  })

  it('limits with TOP-free OFFSET..FETCH on SQL Server', () => {
    const { sql } = compile({ metrics: ['revenue'], group_by: ['order'], limit: 5 }, manifest, 'mssql')
    expect(sql).toMatch(/ORDER BY \(SELECT NULL\)\nOFFSET 0 ROWS FETCH NEXT 5 ROWS ONLY$/)
  })
})

describe('compile: queries without metrics', () => {
  it('returns distinct values of dimensions', () => {
    const { sql, columns } = compile({ metrics: [], group_by: ['customer__region'] }, manifest, 'postgres')
    expect(columns).toEqual([{ name: 'customer__region', kind: 'dimension' }])
    expect(sql).toMatch(/FROM "shop"\."customers"/)
    expect(sql).toMatch(/GROUP BY\n {2}"region"/)
  })

  it('reads metric_time from the time spine', () => {
    const { sql } = compile({ metrics: [], group_by: ['metric_time__month'], time_constraint: { start: '2024-01-15', end: '2024-03-02' } }, manifest, 'postgres')
    expect(sql).toMatch(/FROM "shop"\."time_spine"/)
  })

  it('widens the time constraint to whole periods of the grain', () => {
    const { params } = compile({ metrics: [], group_by: ['metric_time__month'], time_constraint: { start: '2024-01-15', end: '2024-03-02' } }, manifest, 'postgres')
    expect(params).toEqual(['2024-01-01 00:00:00', '2024-04-01 00:00:00'])
  })

  it('returns MIN and MAX of each item with min_max_only', () => {
    const { sql, columns } = compile({ metrics: [], group_by: ['customer__region'], min_max_only: true }, manifest, 'postgres')
    expect(columns.map((c) => c.name)).toEqual(['customer__region__min', 'customer__region__max'])
    expect(sql).toMatch(/MIN\(/)
  })
})

describe('compile: saved queries and dialect objects', () => {
  it('runs a saved query', () => {
    const a = compile({ metrics: [], saved_query: 'revenue_by_region' }, manifest, 'postgres')
    const b = compile({ metrics: ['revenue'], group_by: ['customer__region'], order_by: ['-revenue'], limit: 5 }, manifest, 'postgres')
    expect(a.sql).toBe(b.sql)
  })

  it('accepts a Dialect object as well as a name', () => {
    expect(compile({ metrics: ['revenue'] }, manifest, getDialect('snowflake')).sql).toBe(compile({ metrics: ['revenue'] }, manifest, 'snowflake').sql)
  })

  it('refuses percentiles the engine cannot compute, naming the measure', () => {
    const err = compileError({ metrics: ['order_amount_p90'] }, 'mysql')
    expect(err.code).toBe('unsupported')
    expect(err.message).toMatch(/amount_p90/)
  })

  it('rejects an empty query', () => {
    expect(compileError({ metrics: [] }).code).toBe('invalid_query')
  })
})

describe('compile: malformed queries', () => {
  it('answers SemanticError, never a TypeError, for wrongly shaped input', () => {
    const bad: unknown[] = [
      { metrics: 'revenue' },
      { metrics: ['revenue'], group_by: 'customer__region' },
      { metrics: ['revenue'], group_by: [42] },
      { metrics: ['revenue'], filters: 'x' },
      { metrics: ['revenue'], filters: [null] },
      { metrics: ['revenue'], time_constraint: { start: 20240101 } },
      { metrics: ['revenue'], time_constraint: { start: '2024-13-45' } },
      { metrics: ['revenue'], limit: -1 },
      { metrics: ['revenue'], order_by: [1] },
      { metrics: ['revenue'], group_by: [{ name: 'metric_time', grain: 'fortnight' }] },
      { metrics: [], group_by: ['customer__region'], time_constraint: { start: '2024-01-01' } },
    ]
    for (const q of bad) {
      let err: unknown
      try {
        compile(q as SemanticQuery, manifest, 'postgres')
      } catch (e) {
        err = e
      }
      expect(err, JSON.stringify(q)).toBeInstanceOf(SemanticError)
    }
  })
})
