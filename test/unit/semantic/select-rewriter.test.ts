// The dialect hook that rewrites a SELECT's structure before it renders
// (Dialect.selectRewriter): ClickHouse 18.16's rewrites live in its dialect,
// the shared renderer renders what they return, other engines render SELECTs
// as built.
import { describe, expect, it } from 'vitest'
import { getDialect } from '../../../semantic'
import { SqlRenderer, select, type Select } from '../../../semantic/compiler/sql'

/** orders o LEFT JOIN stores s, LEFT JOIN regions r: two outer joins and an aggregate over them. */
function twoJoins(q: (n: string) => string): Select {
  return select({
    items: [
      { expr: `r.${q('region')}`, alias: 'region' },
      { expr: `SUM(o.${q('amount')})`, alias: 'total' },
    ],
    from: { kind: 'table', sql: 'orders', alias: 'o' },
    joins: [
      { kind: 'left', source: { kind: 'table', sql: 'stores', alias: 's' }, on: [`o.${q('store_id')} = s.${q('id')}`] },
      { kind: 'left', source: { kind: 'table', sql: 'regions', alias: 'r' }, on: [`s.${q('region_id')} = r.${q('id')}`] },
    ],
    groupBy: [`r.${q('region')}`],
  })
}

const joinCount = (sql: string) => (sql.match(/\bJOIN\b/g) ?? []).length

describe('Dialect.selectRewriter', () => {
  it('is absent on engines that run every SELECT shape as built', () => {
    for (const name of ['postgres', 'redshift', 'mysql', 'bigquery', 'snowflake', 'mssql'] as const) {
      expect(getDialect(name).selectRewriter, name).toBeUndefined()
    }
  })

  it('leaves a SELECT with two joins as written on PostgreSQL', () => {
    const pg = getDialect('postgres')
    const sql = new SqlRenderer(pg).statement(twoJoins((n) => pg.quoteIdentifier(n)))
    expect(sql).toContain('FROM orders o\nLEFT OUTER JOIN stores s')
    expect(joinCount(sql)).toBe(2)
    expect(sql).not.toMatch(/nest_|toNullable/)
  })

  it('gives ClickHouse 18.16 one join per SELECT, outer-joined sides typed Nullable', () => {
    const ch = getDialect('clickhouse')
    const q = (n: string) => ch.quoteIdentifier(n)
    const input = twoJoins(q)
    const before = JSON.stringify(input)
    const sql = new SqlRenderer(ch).statement(input)
    expect(joinCount(sql)).toBe(2)
    // The first join moved into a subquery (nest_1) that the second join reads from...
    expect(sql).toMatch(/FROM orders o\n\s*ALL LEFT OUTER JOIN[\s\S]*\) nest_1\n\s*ALL LEFT OUTER JOIN/)
    // ...passing on, by name, the columns later clauses read from the sources it hides.
    expect(sql).toContain('nest_1.`__s_region_id` = r.`id`')
    // The aggregate is not computed over the join itself: the outermost SELECT reads a subquery.
    expect(sql).toMatch(/\) nest_2\nGROUP BY\n {2}nest_2\.`__r_region`$/)
    // Unmatched rows of the outer-joined tables read NULL, not the type's default.
    expect(sql).toContain('toNullable(s_t.`region_id`)')
    // The hook returns a new structure: the compiler's SELECT is not changed.
    expect(JSON.stringify(input)).toBe(before)
  })

  it('numbers the subqueries it adds per statement, so the same query renders the same text', () => {
    const ch = getDialect('clickhouse')
    const q = (n: string) => ch.quoteIdentifier(n)
    const first = new SqlRenderer(ch).statement(twoJoins(q))
    const second = new SqlRenderer(ch).statement(twoJoins(q))
    expect(first).toContain(') nest_1\n')
    expect(second).toBe(first)
  })
})
