import { describe, expect, it } from 'vitest'
import { DIALECT_NAMES, getDialect, inlineParams } from '../../../semantic'

describe('inlineParams (display SQL with values written in)', () => {
  const cases: Record<string, { sql: string; expected: string }> = {
    postgres: { sql: `SELECT 1 FROM t WHERE a = $1 AND d >= $2 AND n = $3 AND s = '$1'`, expected: `SELECT 1 FROM t WHERE a = 'O''Brien' AND d >= DATE '2024-05-01' AND n = 42 AND s = '$1'` },
    redshift: { sql: `SELECT 1 FROM t WHERE a = $1 AND d >= $2 AND n = $3`, expected: `SELECT 1 FROM t WHERE a = 'O''Brien' AND d >= DATE '2024-05-01' AND n = 42` },
    mysql: { sql: "SELECT 1 FROM `t?` WHERE a = ? AND d >= ? AND n = ? AND s = '?'", expected: "SELECT 1 FROM `t?` WHERE a = 'O''Brien' AND d >= DATE '2024-05-01' AND n = 42 AND s = '?'" },
    bigquery: { sql: 'SELECT 1 FROM t WHERE a = ? AND d >= ? AND n = ?', expected: `SELECT 1 FROM t WHERE a = 'O\\'Brien' AND d >= DATE '2024-05-01' AND n = 42` },
    snowflake: { sql: 'SELECT 1 FROM "T" WHERE a = ? AND d >= ? AND n = ?', expected: `SELECT 1 FROM "T" WHERE a = 'O''Brien' AND d >= DATE '2024-05-01' AND n = 42` },
    mssql: { sql: 'SELECT 1 FROM [t@p1] WHERE a = @p1 AND d >= @p2 AND n = @p3', expected: `SELECT 1 FROM [t@p1] WHERE a = N'O''Brien' AND d >= CAST(N'2024-05-01' AS DATE) AND n = 42` },
    clickhouse: { sql: 'SELECT 1', expected: 'SELECT 1' },
  }

  it('has a case for every dialect', () => {
    expect(Object.keys(cases).sort()).toEqual([...DIALECT_NAMES].sort())
  })

  for (const [name, c] of Object.entries(cases)) {
    it(`inlines strings, dates and numbers for ${name} and leaves placeholders inside literals alone`, () => {
      const params = name === 'clickhouse' ? [] : ["O'Brien", '2024-05-01', 42]
      const got = inlineParams(c.sql, params, getDialect(name as never))
      // the exact string literal form is the dialect's own (N'' on SQL Server, \' on BigQuery)
      const lit = getDialect(name as never).literal("O'Brien")
      expect(got).toBe(c.expected.replace(/N?'O(''|\\')Brien'/, lit).replace(/N'2024-05-01'/, getDialect(name as never).literal('2024-05-01')))
    })
  }

  it('writes typed timestamps and booleans, and NULL for null', () => {
    const pg = getDialect('postgres')
    expect(inlineParams('SELECT $1, $2, $3, $10', ['2024-05-01T10:00:00Z', true, null], pg)).toBe(`SELECT TIMESTAMP '2024-05-01T10:00:00Z', TRUE, NULL, $10`)
  })

  it('skips comments', () => {
    expect(inlineParams('SELECT $1 -- $1\n/* $1 */', ['x'], getDialect('postgres'))).toBe(`SELECT 'x' -- $1\n/* $1 */`)
  })
})
