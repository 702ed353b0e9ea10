// ClickHouse 18.16's SELECT rewrites, as a dialect hook over the SELECT's
// structure (Dialect.selectRewriter): the shared renderer renders what this
// returns. Each rewrite works clause by clause on the AST; expressions are SQL
// text, so the columns an expression reads from a source are found as
// `alias.column` references (the compiler always qualifies them so).
//  - copyOuterJoinKeys: outer-join ON keys merge into one column; keys read
//    elsewhere come from non-key copies (capability outerJoinKeysMerge);
//  - nestJoins: one join per SELECT (multipleJoins), and joins isolated from
//    expressions over their columns (exprsOverJoins);
//  - nullableOuterJoins: outer-joined sides typed Nullable so unmatched rows
//    read NULL under join_use_nulls=0 (outerJoinsFillDefaults);
//  - unshadow: aliases that would replace a column of the same name are
//    renamed inside and restored outside (aliasesShadowColumns).
import type { Dialect, SelectRewriter } from './dialect'
import { select, type Query, type Select, type SelectItem, type Source } from './select-ast'

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** One per rendered statement: `nest_N` / `unshadow_N` aliases are numbered in rendering order. */
export class ClickHouseSelectRewriter implements SelectRewriter {
  private counter = 0
  constructor(private readonly dialect: Dialect) {}

  /** The SELECT as ClickHouse 18.16 runs it; called on every SELECT before it renders, outermost first. */
  rewrite(q: Select): Select {
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
}
