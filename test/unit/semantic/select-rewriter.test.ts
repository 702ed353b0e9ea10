// The dialect hook that rewrites a SELECT's structure before it renders
// (Dialect.selectRewriter): ClickHouse 18.16's rewrites live in its dialect,
// the shared renderer renders what they return, other engines render SELECTs
// as built.
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { getDialect } from '../../../semantic'
import { SqlRenderer, select, type Select } from '../../../semantic/compiler/sql'
import { columnRef } from '../../../semantic/dialects/column-ref'

/** orders o LEFT JOIN stores s, LEFT JOIN regions r: two outer joins and an aggregate over them. */
function twoJoins(): Select {
  return select({
    items: [
      { expr: columnRef('r', 'region'), alias: 'region' },
      { expr: `SUM(${columnRef('o', 'amount')})`, alias: 'total' },
    ],
    from: { kind: 'table', sql: 'orders', alias: 'o' },
    joins: [
      { kind: 'left', source: { kind: 'table', sql: 'stores', alias: 's' }, keys: [{ left: columnRef('o', 'store_id'), right: columnRef('s', 'id') }], on: [] },
      { kind: 'left', source: { kind: 'table', sql: 'regions', alias: 'r' }, keys: [{ left: columnRef('s', 'region_id'), right: columnRef('r', 'id') }], on: [] },
    ],
    groupBy: [columnRef('r', 'region')],
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
    const sql = new SqlRenderer(pg).statement(twoJoins())
    expect(sql).toContain('FROM orders o\nLEFT OUTER JOIN stores s')
    expect(joinCount(sql)).toBe(2)
    expect(sql).not.toMatch(/nest_|toNullable/)
  })

  it('gives ClickHouse 18.16 one join per SELECT, outer-joined sides typed Nullable', () => {
    const ch = getDialect('clickhouse')
    const input = twoJoins()
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
    const first = new SqlRenderer(ch).statement(twoJoins())
    const second = new SqlRenderer(ch).statement(twoJoins())
    expect(first).toContain(') nest_1\n')
    expect(second).toBe(first)
  })
})

// The rewrites find the columns an expression reads as ref tokens, not by
// matching `alias.column` in SQL text: text that only looks like a column
// reference (a string literal, a quoted name) is SQL of the model's and stays
// exactly as written.
describe('ClickHouse 18.16 rewrites and text that looks like a column', () => {
  const ch = getDialect('clickhouse')
  const render = (q: Select) => new SqlRenderer(ch).statement(q)

  it('nests joins without reading `alias.column` inside a string literal or a quoted name', () => {
    const q = twoJoins()
    q.items.push({ expr: `concat('o.discount', \`s.secret\`)`, alias: 'label' })
    const sql = render(q)
    expect(sql).toContain("concat('o.discount', `s.secret`)")
    // The old text matching would have passed these through the nested subquery.
    expect(sql).not.toMatch(/__o_discount|__s_secret/)
    // Real refs still go through it.
    expect(sql).toContain('nest_1.`__s_region_id` = r.`id`')
  })

  it('copies an outer join key that is read outside the ON, and leaves a literal naming it alone', () => {
    const q = select({
      items: [
        { expr: columnRef('s', 'id'), alias: 'store' },
        { expr: `concat('s.id', ${columnRef('o', 'note')})`, alias: 'note' },
      ],
      from: { kind: 'table', sql: 'orders', alias: 'o' },
      joins: [{ kind: 'left', source: { kind: 'table', sql: 'stores', alias: 's' }, keys: [{ left: columnRef('o', 'store_id'), right: columnRef('s', 'id') }], on: [] }],
    })
    const sql = render(q)
    // The key column read as a value comes from its non-key copy, typed Nullable...
    expect(sql).toContain('toNullable(s_t.`id`) AS `__jk_id`')
    expect(sql).toContain('s.`__jk_id` AS `__s___jk_id`')
    expect(sql).toContain('nest_1.`__s___jk_id` AS `store`')
    // ...the ON keeps the key itself, and the literal is not a reference.
    expect(sql).toMatch(/ON\n\s+o\.`store_id` = s\.`id`/)
    expect(sql).toContain("concat('s.id', nest_1.`__o_note`) AS `note`")
  })

  it('does not treat an ON condition text as a merged outer-join key: only the join keys are', () => {
    const q = select({
      items: [{ expr: columnRef('s', 'id'), alias: 'store' }],
      from: { kind: 'table', sql: 'orders', alias: 'o' },
      joins: [{ kind: 'left', source: { kind: 'table', sql: 'stores', alias: 's' }, on: [`${columnRef('o', 'store_id')} + 0 = ${columnRef('s', 'id')}`] }],
    })
    expect(render(q)).not.toContain('__jk_')
  })

  it('renames an alias that shadows an unqualified column of a model fragment, but not one a literal mentions', () => {
    const shadowing = select({
      items: [{ expr: 'SUM(amount)', alias: 'amount' }],
      from: { kind: 'table', sql: 'orders', alias: 'o' },
    })
    const sql = render(shadowing)
    expect(sql).toContain('SUM(amount) AS `__shadow_amount`')
    expect(sql).toMatch(/^SELECT\n {2}unshadow_1\.`__shadow_amount` AS `amount`/)

    const literal = select({
      items: [{ expr: `SUM(${columnRef('o', 'amount')})`, alias: 'total' }, { expr: "concat('total', `total `)", alias: 'label' }],
      from: { kind: 'table', sql: 'orders', alias: 'o' },
    })
    expect(render(literal)).not.toContain('unshadow_')
  })

  it('keeps a plain pass-through (one ref named as its alias) without renaming it', () => {
    const q = select({
      items: [{ expr: columnRef('o', 'amount'), alias: 'amount' }, { expr: `${columnRef('o', 'amount')} * 2`, alias: 'double' }],
      from: { kind: 'table', sql: 'orders', alias: 'o' },
    })
    expect(render(q)).not.toContain('unshadow_')
  })

  it('is written without regular expressions over SQL text (dialect SELECT hooks scan ref tokens)', () => {
    const dir = path.join(__dirname, '../../../semantic/dialects')
    const hooks = readdirSync(dir).filter((f) => f.endsWith('.ts') && readFileSync(path.join(dir, f), 'utf8').includes('implements SelectRewriter'))
    expect(hooks).toContain('clickhouse-select.ts')
    for (const f of hooks) {
      const src = readFileSync(path.join(dir, f), 'utf8')
      expect(src, f).not.toMatch(/new RegExp|\.matchAll\(|\.match\(|\.replace\(|\.exec\(|\.test\(/)
    }
  })
})
