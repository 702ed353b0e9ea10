// Rendering the SQL AST (dialects/select-ast.ts). The compiler builds nested
// SELECTs whose columns are always referenced by name through a subquery
// alias, so raw model expressions never see more than their own table.
// Parameters are symbolic markers until the final render, which numbers them
// in textual order (needed for positional `?` placeholders) or inlines them as
// literals (ClickHouse). The renderer is the same for every engine; a dialect
// that cannot run some shapes rewrites each SELECT's structure first
// (Dialect.selectRewriter).
import type { Dialect, SelectRewriter } from '../dialects/dialect'
import { hasRefs, renderRefs } from '../dialects/column-ref'
import type { Join, Query, Select, Source } from '../dialects/select-ast'
import { SemanticError } from '../types'

export { select, type Join, type JoinKind, type Query, type Select, type SelectItem, type Source, type Union } from '../dialects/select-ast'

// ---------------------------------------------------------------- parameters

const MARK = '\u0001'

/** Collects parameter values; `marker()` returns a placeholder token for the SQL text. */
export class Params {
  private readonly values: unknown[] = []

  marker(value: string | number | boolean | null): string {
    this.values.push(value)
    return `${MARK}P${this.values.length - 1}${MARK}`
  }

  /**
   * Replaces markers in textual order. With bind parameters, repeated markers
   * get their own placeholder each (positional dialects need one value per `?`).
   */
  finalize(sql: string, dialect: Dialect): { sql: string; params: unknown[] } {
    // Checked before values are inlined: a value may hold any character.
    if (hasRefs(sql)) throw new SemanticError('invalid_query', 'internal error: unrendered column reference')
    const out: unknown[] = []
    const re = new RegExp(`${MARK}P(\\d+)${MARK}`, 'g')
    const text = sql.replace(re, (_m, idx: string) => {
      const value = this.values[Number(idx)] as string | number | boolean | null
      if (!dialect.capabilities.bindParameters) return dialect.literal(value)
      out.push(value)
      return dialect.placeholder(out.length)
    })
    if (text.includes(MARK)) throw new SemanticError('invalid_query', 'internal error: unresolved parameter marker')
    return { sql: text, params: out }
  }
}

// ---------------------------------------------------------------- rendering

function indent(text: string, by = '  '): string {
  return text.split('\n').map((l) => (l === '' ? l : by + l)).join('\n')
}

export class SqlRenderer {
  /** One per statement: the rewriter numbers the subqueries it adds (same query -> same SQL text). */
  private readonly rewriter: SelectRewriter | undefined
  constructor(private readonly dialect: Dialect) {
    this.rewriter = dialect.selectRewriter?.()
  }

  /** The dialect's own SELECT rewrites (none on most engines), applied before each SELECT renders. */
  private prepare(q: Select): Select {
    return this.rewriter ? this.rewriter.rewrite(q) : q
  }

  /** Column refs (dialects/column-ref.ts) as `alias.<quoted column>`, once the rewrites are done. */
  private renderColumns(q: Select): Select {
    const r = (t: string) => renderRefs(t, this.dialect)
    return {
      ...q,
      items: q.items.map((i) => ({ expr: r(i.expr), alias: i.alias })),
      joins: q.joins.map((j) => ({
        ...j,
        on: [...(j.keys ?? []).map((k) => `${r(k.left)} = ${r(k.right)}`), ...j.on.map(r)],
        keys: undefined,
      })),
      where: q.where.map(r),
      groupBy: q.groupBy.map(r),
      orderBy: q.orderBy.map((o) => ({ expr: r(o.expr), desc: o.desc })),
    }
  }

  private source(s: Source): string {
    if (s.kind === 'table') return `${s.sql} ${s.alias}`
    return `(\n${indent(this.query(s.query))}\n) ${s.alias}`
  }

  private joinLine(j: Join): string {
    const head = `${this.dialect.joinKeyword(j.kind)} ${this.source(j.source)}`
    if (j.using && j.using.length > 0) return `${head}\nUSING (${j.using.map((u) => this.dialect.quoteIdentifier(u)).join(', ')})`
    if (j.kind === 'cross' || j.on.length === 0) return j.kind === 'cross' ? head : `${head}\nON 1 = 1`
    const on = j.on.length === 1 ? j.on[0] : j.on.map((c) => `(${c})`).join('\n  AND ')
    return `${head}\nON\n  ${on}`
  }

  select(input: Select): string {
    const q = this.renderColumns(this.prepare(input))
    const lines: string[] = []
    if (q.with && q.with.length > 0) {
      if (!this.dialect.capabilities.ctes) throw new SemanticError('unsupported', `${this.dialect.name} has no common table expressions`)
      lines.push('WITH ' + q.with.map((w) => `${w.name} AS (\n${indent(this.query(w.query))}\n)`).join('\n, '))
    }
    if (q.items.length === 0) throw new SemanticError('invalid_query', 'internal error: SELECT without columns')
    const items = q.items.map((i) => (i.expr === i.alias ? i.expr : `${i.expr} AS ${this.dialect.quoteIdentifier(i.alias)}`))
    lines.push(`SELECT${q.distinct ? ' DISTINCT' : ''}`)
    lines.push(items.map((i, n) => (n === 0 ? `  ${i}` : `  , ${i}`)).join('\n'))
    lines.push(`FROM ${this.source(q.from)}`)
    for (const j of q.joins) lines.push(this.joinLine(j))
    if (q.where.length > 0) lines.push(`WHERE ${q.where.length === 1 ? q.where[0] : q.where.map((w) => `(${w})`).join(' AND ')}`)
    if (q.groupBy.length > 0) lines.push(`GROUP BY\n${q.groupBy.map((g, n) => (n === 0 ? `  ${g}` : `  , ${g}`)).join('\n')}`)
    if (q.orderBy.length > 0) {
      const sourceOf = (e: string) => q.items.find((i) => this.dialect.quoteIdentifier(i.alias) === e)?.expr
      lines.push(`ORDER BY ${q.orderBy.map((o) => this.dialect.orderByTerm(o.expr, o.desc, sourceOf(o.expr))).join(', ')}`)
    }
    return lines.join('\n')
  }

  query(q: Query): string {
    if (q.type === 'select') return this.select(q)
    return q.parts.map((p) => this.select(p)).join(q.all ? '\nUNION ALL\n' : '\nUNION\n')
  }

  /** The outermost statement, with LIMIT applied by the dialect. */
  statement(q: Query): string {
    const sql = this.query(q)
    if (q.type === 'select' && q.limit !== undefined) return this.dialect.limitOffset(sql, q.limit, undefined, q.orderBy.length > 0)
    return sql
  }
}
