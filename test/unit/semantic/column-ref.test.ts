// Column refs are tokens inside expression text (semantic/dialects/column-ref.ts):
// the compiler writes them, dialect rewrites find them, the renderer quotes
// them. They must survive any column name, and no text from outside the
// compiler may ever read as one.
import { describe, expect, it } from 'vitest'
import { compile, getDialect } from '../../../semantic'
import { Params, SqlRenderer, select } from '../../../semantic/compiler/sql'
import { columnRef, mapRefs, refsIn, renderRefs, soleRef } from '../../../semantic/dialects/column-ref'
import { sqlFragmentProblem, sqlTokens } from '../../../semantic/sql-fragment'
import { parseWhereFilter } from '../../../semantic/where-filter'
import { DIALECT_NAMES } from '../../../semantic/types'
import { shopManifest } from './shop-manifest'

const ODD_NAMES = ['amount', 'a.b', 'with "quotes"', 'back`tick', 'br]acket', "it's", 'x\u0003y', '[1,"2"]', 'ünï']

describe('column refs', () => {
  it('carry any alias and column name through the text unchanged', () => {
    for (const name of ODD_NAMES) {
      const text = `COALESCE(${columnRef('subq_1', name)}, ${columnRef('spine_2', name, true)}) + 1`
      expect(refsIn(text)).toEqual([{ alias: 'subq_1', name }, { alias: 'spine_2', name, stored: true }])
    }
  })

  it('are told apart from an expression that merely contains one', () => {
    const r = columnRef('a', 'x')
    expect(soleRef(r)).toEqual({ alias: 'a', name: 'x' })
    expect(soleRef(`${r} + 0`)).toBeUndefined()
    expect(soleRef(`${r}${columnRef('b', 'y')}`)).toBeUndefined()
    expect(soleRef('a.x')).toBeUndefined()
  })

  it('are replaced one by one, the text around them kept', () => {
    const text = `SUM(${columnRef('a', 'x')}) / 'a.x'`
    expect(mapRefs(text, (r) => ({ alias: 'nest_1', name: `__${r.alias}_${r.name}` }))).toBe(`SUM(${columnRef('nest_1', '__a_x')}) / 'a.x'`)
    expect(mapRefs(text, (r) => `<${r.name}>`)).toBe("SUM(<x>) / 'a.x'")
  })

  it('render as the dialect quotes a column: output names with quoteIdentifier, stored ones with sourceIdentifier', () => {
    const pg = getDialect('postgres')
    const sf = getDialect('snowflake')
    expect(renderRefs(`${columnRef('a', 'x"y')} = ${columnRef('b', 'id')}`, pg)).toBe('a."x""y" = b."id"')
    expect(renderRefs(columnRef('s', 'ds', true), sf)).toBe(`s.${sf.sourceIdentifier('ds')}`)
    expect(renderRefs(columnRef('s', 'ds'), sf)).toBe(`s.${sf.quoteIdentifier('ds')}`)
  })

  it('never reach a statement unrendered', () => {
    const ch = getDialect('clickhouse')
    const sql = new SqlRenderer(ch).statement(select({ items: [{ expr: columnRef('t', 'x'), alias: 'x' }], from: { kind: 'table', sql: 'tbl', alias: 't' } }))
    expect(sql).toBe('SELECT\n  t.`x` AS `x`\nFROM tbl t')
    expect(() => new Params().finalize(`SELECT ${columnRef('t', 'x')}`, ch)).toThrow(/column reference/)
  })
})

describe('text that could pass for a column ref', () => {
  const forged = `\u0002${JSON.stringify(['subq_1', 'secret'])}\u0003`

  it('is refused in a semantic-layer fragment and in a where filter', () => {
    expect(sqlFragmentProblem(`amount + ${forged}`)).toMatch(/control character U\+0002/)
    expect(() => parseWhereFilter(`{{ Dimension('order__status') }} = ${forged}`)).toThrow()
  })

  it('is refused in a derived metric expression built in code, at compile time', () => {
    const manifest = shopManifest()
    const m = manifest.metrics.find((x) => x.name === 'revenue_growth_wow')!
    m.type_params.expr = `revenue - ${forged}`
    expect(() => compile({ metrics: ['revenue_growth_wow'], group_by: ['metric_time__day'] }, manifest, 'clickhouse')).toThrow(/control character/)
  })

  it('is refused as an identifier on every dialect (model, column and relation names are quoted)', () => {
    for (const name of DIALECT_NAMES) {
      const d = getDialect(name)
      for (const bad of [forged, 'x\u0001P0\u0001']) {
        expect(() => d.quoteIdentifier(bad), name).toThrow(/control character/)
        expect(() => d.sourceIdentifier(bad), name).toThrow(/control character/)
      }
    }
  })

  it('cannot come from a parameter: values stand in the text as their index and are written after rendering', () => {
    const params = new Params()
    const marker = params.marker(forged)
    expect(refsIn(marker)).toEqual([])
    // Inlined (ClickHouse) the value is a plain string literal, after every ref was rendered.
    const { sql } = params.finalize(`SELECT ${marker}`, getDialect('clickhouse'))
    expect(sql.startsWith("SELECT '")).toBe(true)
  })
})

describe('sqlTokens', () => {
  it('reads names, bare or quoted, and not the words inside string literals', () => {
    const names = (t: string) => sqlTokens(t, { backslashEscapes: true }).filter((x) => x.kind === 'name').map((x) => x.name)
    expect(names("CASE WHEN status = 'amount total' THEN `net amount` ELSE \"gross\"\"x\" END")).toEqual(['CASE', 'WHEN', 'status', 'THEN', 'net amount', 'ELSE', 'gross"x', 'END'])
    expect(names('`a\\`b` + 1e5 + x1')).toEqual(['a`b', 'x1'])
    expect(sqlTokens('x = \u0001P3\u0001').map((t) => t.kind)).toEqual(['name', 'symbol', 'param'])
  })
})
