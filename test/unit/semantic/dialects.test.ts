import { describe, expect, it } from 'vitest'
import { DIALECT_NAMES, SemanticError, editDistance, getDialect, suggest } from '../../../semantic'

describe('getDialect', () => {
  it('returns every dialect by its name', () => {
    for (const name of DIALECT_NAMES) expect(getDialect(name).name).toBe(name)
  })

  it('knows no connection types: pglite is mapped to postgres by the connector registry, not here', () => {
    expect(() => getDialect('pglite' as never)).toThrow(SemanticError)
  })

  it('rejects an unknown dialect with the known names', () => {
    expect(() => getDialect('oracle' as never)).toThrow(SemanticError)
  })
})

describe('dialect hooks', () => {
  it('quotes identifiers, doubling or escaping the quote character', () => {
    expect(getDialect('postgres').quoteIdentifier('a"b')).toBe('"a""b"')
    expect(getDialect('mysql').quoteIdentifier('a`b')).toBe('`a``b`')
    expect(getDialect('mssql').quoteIdentifier('a]b')).toBe('[a]]b]')
    expect(getDialect('bigquery').quoteIdentifier('a`b')).toBe('`a\\`b`')
    expect(getDialect('clickhouse').quoteIdentifier('a`b')).toBe('`a\\`b`')
  })

  it('leaves simple model names unquoted on Snowflake so its case folding applies', () => {
    const d = getDialect('snowflake')
    expect(d.sourceIdentifier('orders')).toBe('orders')
    expect(d.sourceIdentifier('order')).toBe('"order"')
    expect(d.sourceIdentifier('Mixed Case')).toBe('"Mixed Case"')
    expect(d.quoteIdentifier('revenue')).toBe('"revenue"')
  })

  it('escapes string literals per engine', () => {
    expect(getDialect('postgres').literal("it's")).toBe("'it''s'")
    expect(getDialect('mysql').literal("a\\'b")).toBe("'a\\\\''b'")
    expect(getDialect('clickhouse').literal("a\\'b")).toBe("'a\\\\\\'b'")
    expect(getDialect('mssql').literal('x')).toBe("N'x'")
    expect(() => getDialect('postgres').literal('a\u0000b')).toThrow(SemanticError)
    expect(() => getDialect('postgres').literal(Number.NaN)).toThrow(SemanticError)
  })

  it('uses each engine placeholder syntax', () => {
    expect(DIALECT_NAMES.filter((n) => n !== 'clickhouse').map((n) => getDialect(n).placeholder(2))).toEqual(['$2', '$2', '?', '?', '?', '@p2'])
    expect(() => getDialect('clickhouse').placeholder(1)).toThrow(SemanticError)
    expect(getDialect('clickhouse').capabilities.bindParameters).toBe(false)
  })

  it('truncates weeks to Monday without toStartOfWeek on ClickHouse', () => {
    expect(getDialect('clickhouse').dateTrunc('week', 'x')).toBe('toDateTime(toMonday(x))')
    for (const g of ['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second'] as const) {
      expect(getDialect('clickhouse').dateTrunc(g, 'x')).not.toMatch(/toStartOfInterval|toStartOfWeek/)
    }
  })

  it('states capabilities instead of special cases', () => {
    expect(getDialect('mysql').capabilities.fullOuterJoin).toBe(false)
    expect(getDialect('clickhouse').capabilities).toMatchObject({ ctes: false, windowFunctions: false, multipleJoins: false })
    expect(getDialect('mssql').capabilities.booleanPredicates).toBe(false)
    expect(getDialect('postgres').capabilities.percentile).toEqual({ continuous: true, discrete: true, approximateContinuous: false, approximateDiscrete: false })
  })

  it('refuses percentile kinds the engine lacks', () => {
    expect(() => getDialect('postgres').percentile('x', 0.5, false, true)).toThrow(/approximate continuous/)
    expect(getDialect('snowflake').percentile('x', 0.9, false, true)).toBe('APPROX_PERCENTILE(x, 0.9)')
    expect(() => getDialect('mysql').percentile('x', 0.5, false)).toThrow(SemanticError)
  })

  it('applies LIMIT and OFFSET..FETCH', () => {
    expect(getDialect('postgres').limitOffset('SELECT 1', 10, 5)).toBe('SELECT 1\nLIMIT 10\nOFFSET 5')
    expect(getDialect('mssql').limitOffset('SELECT 1 ORDER BY 1', 10, undefined, true)).toBe('SELECT 1 ORDER BY 1\nOFFSET 0 ROWS FETCH NEXT 10 ROWS ONLY')
    expect(() => getDialect('postgres').limitOffset('SELECT 1', -1)).toThrow(SemanticError)
  })
})

describe('suggest', () => {
  it('ranks close names first and drops distant ones', () => {
    expect(suggest('revnue', ['revenue', 'revenue_7d', 'visits'])).toEqual(['revenue', 'revenue_7d'])
    expect(suggest('country', ['listing__country_latest', 'user__home_state'])).toEqual(['listing__country_latest'])
    expect(suggest('zzzzzz', ['revenue'])).toEqual([])
  })

  it('counts transpositions as one edit', () => {
    expect(editDistance('reveune', 'revenue')).toBe(1)
  })
})
