// A small SQL AST and its renderer. The compiler builds nested SELECTs whose
// columns are always referenced by name through a subquery alias, so raw model
// expressions never see more than their own table. Parameters are symbolic
// markers until the final render, which numbers them in textual order (needed
// for positional `?` placeholders) or inlines them as literals (ClickHouse).
import type { Dialect } from '../dialects/dialect'
import { SemanticError } from '../types'

export interface SelectItem {
  expr: string
  alias: string
}

export type Source =
  | { kind: 'table'; sql: string; alias: string }
  | { kind: 'query'; query: Query; alias: string }

export type JoinKind = 'inner' | 'left' | 'right' | 'full' | 'cross'

export interface Join {
  kind: JoinKind
  source: Source
  /** ANDed conditions; empty for cross joins. */
  on: string[]
  /** Left side of the key equality (used to emulate FULL OUTER JOIN where it is missing). */
  leftKey?: string
  /** Join USING these column names instead of ON conditions. */
  using?: string[]
}

export interface Select {
  type: 'select'
  /** Named subqueries rendered as WITH (only used where the dialect has CTEs). */
  with?: Array<{ name: string; query: Query }>
  distinct?: boolean
  items: SelectItem[]
  from: Source
  joins: Join[]
  where: string[]
  groupBy: string[]
  orderBy: Array<{ expr: string; desc: boolean }>
  /** Only honoured on the outermost query (rendered through Dialect.limitOffset). */
  limit?: number
}

export interface Union {
  type: 'union'
  all: boolean
  parts: Select[]
}

export type Query = Select | Union

export function select(partial: Partial<Select> & { items: SelectItem[]; from: Source }): Select {
  return { type: 'select', joins: [], where: [], groupBy: [], orderBy: [], ...partial }
}

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

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

export class SqlRenderer {
  private counter = 0
  constructor(private readonly dialect: Dialect) {}

  /** Quoted-identifier token pattern of this dialect (`"x"`, `` `x` ``, `[x]`). */
  private identPattern(): string {
    const [open] = this.dialect.quoteIdentifier('x')
    if (open === '[') return '\\[(?:[^\\]]|\\]\\])*\\]'
    if (open === '`') return '`(?:[^`\\\\]|\\\\.|``)*`'
    return '"(?:[^"]|"")*"'
  }

  private unquote(token: string): string {
    if (/^[A-Za-z_]/.test(token)) return token
    const inner = token.slice(1, -1)
    return inner.replace(/\\(.)/g, '$1').replace(/""/g, '"').replace(/``/g, '`').replace(/]]/g, ']')
  }

  /**
   * One join per SELECT (ClickHouse 18.16): the first join moves into a
   * subquery that exposes every column later parts of the SELECT read from it.
   */
  private nestJoins(q: Select, all = false): Select {
    if (q.joins.length === 0 || (!all && q.joins.length <= 1)) return q
    const moved = all ? q.joins : [q.joins[0]]
    const first = q.joins[0]
    const innerAliases = [q.from.alias, ...moved.map((j) => j.source.alias)]
    const ref = new RegExp(`\\b(${innerAliases.map(escapeRegExp).join('|')})\\.(${this.identPattern()}|[A-Za-z_][A-Za-z0-9_]*)`, 'g')
    const texts = [
      ...q.items.map((i) => i.expr), ...q.where, ...q.groupBy, ...q.orderBy.map((o) => o.expr),
      ...q.joins.slice(moved.length).flatMap((j) => [...j.on, ...(j.leftKey ? [j.leftKey] : [])]),
    ]
    const needed = new Map<string, string>()
    for (const t of texts) {
      for (const m of t.matchAll(ref)) needed.set(`${m[1]}.${m[2]}`, `__${m[1]}_${this.unquote(m[2])}`)
    }
    const nest = `nest_${++this.counter}`
    const innerItems: SelectItem[] = [...needed].map(([expr, alias]) => ({ expr, alias }))
    if (innerItems.length === 0) innerItems.push({ expr: '1', alias: '__one' })
    const inner = select({ items: innerItems, from: q.from, joins: all ? moved : [first] })
    const rewrite = (t: string) => t.replace(ref, (m: string) => `${nest}.${this.dialect.quoteIdentifier(needed.get(m)!)}`)
    const outer: Select = {
      ...q,
      items: q.items.map((i) => ({ expr: rewrite(i.expr), alias: i.alias })),
      from: { kind: 'query', query: inner, alias: nest },
      joins: q.joins.slice(moved.length).map((j) => ({ ...j, on: j.on.map(rewrite), ...(j.leftKey ? { leftKey: rewrite(j.leftKey) } : {}) })),
      where: q.where.map(rewrite),
      groupBy: q.groupBy.map(rewrite),
      orderBy: q.orderBy.map((o) => ({ expr: rewrite(o.expr), desc: o.desc })),
    }
    return all ? outer : this.nestJoins(outer)
  }

  /** True when every part of the SELECT only passes columns through. */
  private passesColumnsOnly(q: Select): boolean {
    const plain = new RegExp(`^([A-Za-z_][A-Za-z0-9_]*\\.)?(${this.identPattern()}|[A-Za-z_][A-Za-z0-9_]*)$`)
    return q.items.every((i) => plain.test(i.expr)) && q.where.length === 0 && q.groupBy.length === 0 && !q.distinct
  }

  /**
   * ClickHouse 18.16 substitutes an alias wherever a column of that name
   * appears in the SELECT: an alias naming anything but that plain column is
   * renamed inside and restored by an outer SELECT.
   */
  private unshadow(q: Select): Select {
    const tokens = new RegExp(`${this.identPattern()}|[A-Za-z_][A-Za-z0-9_]*`, 'g')
    const referenced = new Set<string>()
    const texts = [...q.items.map((i) => i.expr), ...q.where, ...q.groupBy, ...q.joins.flatMap((j) => j.on)]
    for (const t of texts) for (const m of t.matchAll(tokens)) referenced.add(this.unquote(m[0]))
    const plain = (i: SelectItem) => {
      const last = i.expr.split('.').pop() ?? ''
      return /^[A-Za-z_][A-Za-z0-9_]*$|^[`"[]/.test(last) && this.unquote(last) === i.alias && !/[()\s]/.test(i.expr.replace(/`[^`]*`/g, 'x'))
    }
    const conflicts = q.items.filter((i) => referenced.has(i.alias) && !plain(i))
    if (conflicts.length === 0) return q
    const rename = new Map(conflicts.map((i) => [i.alias, `__shadow_${i.alias}`]))
    const w = `unshadow_${++this.counter}`
    const inner: Select = { ...q, items: q.items.map((i) => ({ expr: i.expr, alias: rename.get(i.alias) ?? i.alias })), orderBy: [], limit: undefined }
    return select({
      items: q.items.map((i) => ({ expr: `${w}.${this.dialect.quoteIdentifier(rename.get(i.alias) ?? i.alias)}`, alias: i.alias })),
      from: { kind: 'query', query: inner, alias: w },
      orderBy: q.orderBy,
      ...(q.limit !== undefined ? { limit: q.limit } : {}),
    })
  }

  /** Types every column of an outer-joined side as nullable, so unmatched rows read NULL. */
  private nullableSource(s: Source, q: Select): Source {
    const wrap = (e: string) => this.dialect.nullable?.(e) ?? e
    const wrapSelect = (x: Select): Select => ({ ...x, items: x.items.map((i) => ({ expr: wrap(i.expr), alias: i.alias })) })
    if (s.kind === 'query') {
      const query: Query = s.query.type === 'select' ? wrapSelect(s.query) : { ...s.query, parts: s.query.parts.map(wrapSelect) }
      return { ...s, query }
    }
    // A table: project the columns this SELECT reads from it.
    const ref = new RegExp(`\\b${escapeRegExp(s.alias)}\\.(${this.identPattern()}|[A-Za-z_][A-Za-z0-9_]*)`, 'g')
    const texts = [...q.items.map((i) => i.expr), ...q.where, ...q.groupBy, ...q.joins.flatMap((j) => j.on)]
    const cols = new Set<string>()
    for (const t of texts) for (const m of t.matchAll(ref)) cols.add(m[1])
    const inner = `${s.alias}_t`
    const items = [...cols].map((c) => ({ expr: wrap(`${inner}.${c}`), alias: this.unquote(c) }))
    if (items.length === 0) items.push({ expr: '1', alias: '__one' })
    return { kind: 'query', query: select({ items, from: { kind: 'table', sql: s.sql, alias: inner } }), alias: s.alias }
  }

  private nullableOuterJoins(q: Select): Select {
    if (!q.joins.some((j) => j.kind === 'left' || j.kind === 'full' || j.kind === 'right')) return q
    let from = q.from
    const joins = q.joins.map((j) => {
      if (j.kind === 'right' || j.kind === 'full') from = this.nullableSource(from, q)
      return j.kind === 'left' || j.kind === 'full' ? { ...j, source: this.nullableSource(j.source, q) } : j
    })
    return { ...q, from, joins }
  }

  /**
   * ClickHouse 18.16 merges the key columns of an outer join ON `a.x = b.y`
   * into one (as USING would), whatever their names: a row only one side has
   * reads the other side's key on the missing side instead of NULL. Each key
   * column read anywhere but in the ON comes from a non-key copy (`__jk_x`),
   * which reads NULL like any other column of the missing side.
   */
  private copyOuterJoinKeys(q: Select): Select {
    const ident = `${this.identPattern()}|[A-Za-z_][A-Za-z0-9_]*`
    const eq = new RegExp(`^\\s*(?:\\(\\s*)?([A-Za-z_][A-Za-z0-9_]*)\\.(${ident})\\s*=\\s*([A-Za-z_][A-Za-z0-9_]*)\\.(${ident})(?:\\s*\\))?\\s*$`)
    const keys = new Map<string, Set<string>>()
    for (const j of q.joins) {
      if ((j.kind !== 'left' && j.kind !== 'right' && j.kind !== 'full') || (j.using && j.using.length > 0)) continue
      for (const c of j.on) {
        const m = eq.exec(c)
        if (!m || m[1] === m[3]) continue
        for (const [alias, col] of [[m[1], m[2]], [m[3], m[4]]]) {
          const set = keys.get(alias) ?? new Set<string>()
          set.add(this.unquote(col))
          keys.set(alias, set)
        }
      }
    }
    let out = q
    for (const [alias, cols] of keys) out = this.readKeyCopies(out, alias, cols)
    return out
  }

  /** Points references to `alias`'s columns `keys` outside ON conditions at copies `__jk_<name>` added to that source. */
  private readKeyCopies(q: Select, alias: string, keys: Set<string>): Select {
    const copy = (c: string) => `__jk_${c}`
    const ref = new RegExp(`\\b${escapeRegExp(alias)}\\.(${this.identPattern()}|[A-Za-z_][A-Za-z0-9_]*)`, 'g')
    const outside = [...q.items.map((i) => i.expr), ...q.where, ...q.groupBy, ...q.orderBy.map((o) => o.expr)]
    const read = new Set<string>()
    for (const t of outside) for (const m of t.matchAll(ref)) if (keys.has(this.unquote(m[1]))) read.add(this.unquote(m[1]))
    if (read.size === 0) return q
    let ok = true
    const fix = (s: Source): Source => {
      if (s.alias !== alias) return s
      if (s.kind === 'query') {
        const add = (x: Select): Select => {
          const extra = [...read].map((c) => {
            const item = x.items.find((i) => i.alias === c)
            if (!item) ok = false
            return { expr: item?.expr ?? '', alias: copy(c) }
          })
          return { ...x, items: [...x.items, ...extra] }
        }
        return { ...s, query: s.query.type === 'select' ? add(s.query) : { ...s.query, parts: s.query.parts.map(add) } }
      }
      const cols = new Set<string>(read)
      for (const t of [...outside, ...q.joins.flatMap((j) => [...j.on, ...(j.leftKey ? [j.leftKey] : [])])]) for (const m of t.matchAll(ref)) cols.add(this.unquote(m[1]))
      const inner = `${s.alias}_t`
      const items = [...cols].map((c) => ({ expr: `${inner}.${this.dialect.quoteIdentifier(c)}`, alias: c }))
      for (const c of read) items.push({ expr: `${inner}.${this.dialect.quoteIdentifier(c)}`, alias: copy(c) })
      return { kind: 'query', query: select({ items, from: { kind: 'table', sql: s.sql, alias: inner } }), alias: s.alias }
    }
    const from = fix(q.from)
    const joins = q.joins.map((j) => ({ ...j, source: fix(j.source) }))
    if (!ok) return q
    const rewrite = (t: string) => t.replace(ref, (m: string, col: string) => (read.has(this.unquote(col)) ? `${alias}.${this.dialect.quoteIdentifier(copy(this.unquote(col)))}` : m))
    return {
      ...q,
      items: q.items.map((i) => ({ expr: rewrite(i.expr), alias: i.alias })),
      from,
      joins,
      where: q.where.map(rewrite),
      groupBy: q.groupBy.map(rewrite),
      orderBy: q.orderBy.map((o) => ({ expr: rewrite(o.expr), desc: o.desc })),
    }
  }

  private prepare(q: Select): Select {
    let out = q
    if (this.dialect.capabilities.outerJoinKeysMerge) out = this.copyOuterJoinKeys(out)
    if (!this.dialect.capabilities.multipleJoins) out = this.nestJoins(out)
    if (!this.dialect.capabilities.exprsOverJoins && out.joins.length > 0 && !out.joins.some((j) => j.using) && !this.passesColumnsOnly(out)) {
      out = this.nestJoins(out, true)
    }
    if (this.dialect.capabilities.outerJoinsFillDefaults) out = this.nullableOuterJoins(out)
    if (this.dialect.capabilities.aliasesShadowColumns) out = this.unshadow(out)
    return out
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
    const q = this.prepare(input)
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
