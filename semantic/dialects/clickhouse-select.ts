// ClickHouse 18.16's SELECT rewrites, as a dialect hook over the SELECT's
// structure (Dialect.selectRewriter): the shared renderer renders what this
// returns. Each rewrite works clause by clause on the AST. The columns an
// expression reads through an alias are ref tokens (column-ref.ts), found and
// replaced without reading SQL; outer-join keys are the join's `keys` pairs.
// Only unshadow reads SQL text, through a lexer (sql-fragment.ts sqlTokens),
// for the unqualified names inside model fragments.
//  - copyOuterJoinKeys: outer-join ON keys merge into one column; keys read
//    elsewhere come from non-key copies (capability outerJoinKeysMerge);
//  - nestJoins: one join per SELECT (multipleJoins), and joins isolated from
//    expressions over their columns (exprsOverJoins);
//  - nullableOuterJoins: outer-joined sides typed Nullable so unmatched rows
//    read NULL under join_use_nulls=0 (outerJoinsFillDefaults);
//  - unshadow: aliases that would replace a column of the same name are
//    renamed inside and restored outside (aliasesShadowColumns).
import { sqlTokens } from '../sql-fragment'
import { columnRef, mapRefs, refToken, refsIn, segments, soleRef, type ColumnRef } from './column-ref'
import type { Dialect, SelectRewriter } from './dialect'
import { select, type Join, type Query, type Select, type SelectItem, type Source } from './select-ast'

/** A join's condition texts in rendering order: key sides, then the other conditions. */
function joinTexts(j: Join): string[] {
  return [...(j.keys ?? []).flatMap((k) => [k.left, k.right]), ...j.on]
}

/** The same ref however it is quoted (stored and output quoting render alike on ClickHouse). */
function refKey(r: ColumnRef): string {
  return JSON.stringify([r.alias, r.name])
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

  /** Every expression of the SELECT with `f` applied (join keys, ON conditions and leftKey included). */
  private mapExprs(q: Select, f: (t: string) => string, joins = true): Select {
    return {
      ...q,
      items: q.items.map((i) => ({ expr: f(i.expr), alias: i.alias })),
      joins: joins ? q.joins.map((j) => this.mapJoin(j, f)) : q.joins,
      where: q.where.map(f),
      groupBy: q.groupBy.map(f),
      orderBy: q.orderBy.map((o) => ({ expr: f(o.expr), desc: o.desc })),
    }
  }

  private mapJoin(j: Join, f: (t: string) => string): Join {
    return {
      ...j,
      ...(j.keys ? { keys: j.keys.map((k) => ({ left: f(k.left), right: f(k.right) })) } : {}),
      on: j.on.map(f),
      ...(j.leftKey ? { leftKey: f(j.leftKey) } : {}),
    }
  }

  /** The name tokens (bare or quoted, unquoted) of SQL text outside its refs; string literals are not names. */
  private namesIn(text: string): string[] {
    return segments(text).flatMap((s) => (s.ref ? [] : sqlTokens(s.text, { backslashEscapes: true }).flatMap((t) => (t.kind === 'name' ? [t.name!] : []))))
  }

  /** The one name an expression consists of (`x`, `` `x` ``), as model fragments over a table write columns. */
  private soleName(text: string): string | undefined {
    if (refsIn(text).length > 0) return undefined
    const tokens = sqlTokens(text, { backslashEscapes: true })
    return tokens.length === 1 && tokens[0].kind === 'name' ? tokens[0].name : undefined
  }

  /**
   * One join per SELECT (ClickHouse 18.16): the first join moves into a
   * subquery that exposes every column later parts of the SELECT read from it.
   */
  private nestJoins(q: Select, all = false): Select {
    if (q.joins.length === 0 || (!all && q.joins.length <= 1)) return q
    const moved = all ? q.joins : [q.joins[0]]
    const first = q.joins[0]
    const innerAliases = new Set([q.from.alias, ...moved.map((j) => j.source.alias)])
    const later = q.joins.slice(moved.length)
    const texts = [
      ...q.items.map((i) => i.expr), ...q.where, ...q.groupBy, ...q.orderBy.map((o) => o.expr),
      ...later.flatMap((j) => [...joinTexts(j), ...(j.leftKey ? [j.leftKey] : [])]),
    ]
    const needed = new Map<string, { ref: ColumnRef; alias: string }>()
    for (const t of texts) {
      for (const r of refsIn(t)) if (innerAliases.has(r.alias) && !needed.has(refKey(r))) needed.set(refKey(r), { ref: r, alias: `__${r.alias}_${r.name}` })
    }
    const nest = `nest_${++this.counter}`
    const innerItems: SelectItem[] = [...needed.values()].map((n) => ({ expr: refToken(n.ref), alias: n.alias }))
    if (innerItems.length === 0) innerItems.push({ expr: '1', alias: '__one' })
    const inner = select({ items: innerItems, from: q.from, joins: all ? moved : [first] })
    const rewrite = (t: string) => mapRefs(t, (r) => (innerAliases.has(r.alias) ? { alias: nest, name: needed.get(refKey(r))!.alias } : r))
    const outer: Select = { ...this.mapExprs({ ...q, joins: later }, rewrite), from: { kind: 'query', query: inner, alias: nest } }
    return all ? outer : this.nestJoins(outer)
  }

  /** True when every part of the SELECT only passes columns through: each item is one column and nothing else. */
  private passesColumnsOnly(q: Select): boolean {
    const plain = (e: string) => soleRef(e) !== undefined || this.soleName(e) !== undefined
    return q.items.every((i) => plain(i.expr)) && q.where.length === 0 && q.groupBy.length === 0 && !q.distinct
  }

  /**
   * ClickHouse 18.16 substitutes an alias wherever a column of that name
   * appears in the SELECT: an alias naming anything but that plain column is
   * renamed inside and restored by an outer SELECT. The names an expression
   * reads are its refs' columns and the names in its fragment text (a model's
   * unqualified columns; keywords and function names count too, harmlessly).
   */
  private unshadow(q: Select): Select {
    const referenced = new Set<string>()
    const texts = [...q.items.map((i) => i.expr), ...q.where, ...q.groupBy, ...q.joins.flatMap(joinTexts)]
    for (const t of texts) {
      for (const r of refsIn(t)) referenced.add(r.name)
      for (const name of this.namesIn(t)) referenced.add(name)
    }
    const plain = (i: SelectItem) => (soleRef(i.expr)?.name ?? this.soleName(i.expr)) === i.alias
    const conflicts = q.items.filter((i) => referenced.has(i.alias) && !plain(i))
    if (conflicts.length === 0) return q
    const rename = new Map(conflicts.map((i) => [i.alias, `__shadow_${i.alias}`]))
    const w = `unshadow_${++this.counter}`
    const inner: Select = { ...q, items: q.items.map((i) => ({ expr: i.expr, alias: rename.get(i.alias) ?? i.alias })), orderBy: [], limit: undefined }
    return select({
      items: q.items.map((i) => ({ expr: columnRef(w, rename.get(i.alias) ?? i.alias), alias: i.alias })),
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
    const texts = [...q.items.map((i) => i.expr), ...q.where, ...q.groupBy, ...q.joins.flatMap(joinTexts)]
    const cols = new Map<string, ColumnRef>()
    for (const t of texts) for (const r of refsIn(t)) if (r.alias === s.alias && !cols.has(r.name)) cols.set(r.name, r)
    const inner = `${s.alias}_t`
    const items = [...cols.values()].map((r) => ({ expr: wrap(columnRef(inner, r.name, r.stored === true)), alias: r.name }))
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
    const keys = new Map<string, Set<string>>()
    for (const j of q.joins) {
      if ((j.kind !== 'left' && j.kind !== 'right' && j.kind !== 'full') || (j.using && j.using.length > 0)) continue
      for (const k of j.keys ?? []) {
        const left = soleRef(k.left)
        const right = soleRef(k.right)
        if (!left || !right || left.alias === right.alias) continue
        for (const r of [left, right]) {
          const set = keys.get(r.alias) ?? new Set<string>()
          set.add(r.name)
          keys.set(r.alias, set)
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
    const outside = [...q.items.map((i) => i.expr), ...q.where, ...q.groupBy, ...q.orderBy.map((o) => o.expr)]
    const readFrom = (texts: string[]) => texts.flatMap((t) => refsIn(t)).filter((r) => r.alias === alias).map((r) => r.name)
    const read = new Set(readFrom(outside).filter((c) => keys.has(c)))
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
      const cols = new Set<string>([...read, ...readFrom([...outside, ...q.joins.flatMap((j) => [...joinTexts(j), ...(j.leftKey ? [j.leftKey] : [])])])])
      const inner = `${s.alias}_t`
      const items = [...cols].map((c) => ({ expr: columnRef(inner, c), alias: c }))
      for (const c of read) items.push({ expr: columnRef(inner, c), alias: copy(c) })
      return { kind: 'query', query: select({ items, from: { kind: 'table', sql: s.sql, alias: inner } }), alias: s.alias }
    }
    const from = fix(q.from)
    const joins = q.joins.map((j) => ({ ...j, source: fix(j.source) }))
    if (!ok) return q
    const rewrite = (t: string) => mapRefs(t, (r) => (r.alias === alias && read.has(r.name) ? { alias, name: copy(r.name) } : r))
    return { ...this.mapExprs(q, rewrite, false), from, joins }
  }
}
