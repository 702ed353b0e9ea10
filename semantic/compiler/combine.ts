// Joining metric datasets on the group-by items (FULL OUTER JOIN, or its
// emulations for MySQL and ClickHouse 18).
import { SemanticError } from '../types'
import type { CompileContext, Dataset, MetricValue } from './context'
import type { QueryItem } from './items'
import { select, type Join } from './sql'

/**
 * Joins metric datasets on the group-by items. Values computed in the same
 * dataset are read from it once. With FULL OUTER JOIN, rows are re-grouped on
 * the coalesced keys (NULL keys from both sides meet there); without it
 * (MySQL), the union of keys is LEFT JOINed to each dataset with NULL-safe
 * equality; on ClickHouse 18, datasets are joined two at a time USING the keys.
 */
export function combine(ctx: CompileContext, parts: MetricValue[], items: QueryItem[]): Dataset {
  const groups: Array<{ dataset: Dataset; values: MetricValue[] }> = []
  for (const p of parts) {
    const g = groups.find((x) => x.dataset === p.dataset)
    if (g) g.values.push(p)
    else groups.push({ dataset: p.dataset, values: [p] })
  }
  if (groups.length === 1) return groups[0].dataset
  const columns = [...items.map((i) => i.name), ...parts.map((p) => p.column)]
  const fillWrap = (p: MetricValue, e: string) => (p.fill !== undefined ? `COALESCE(${e}, ${p.fill})` : e)
  if (ctx.dialect.capabilities.keyJoinsByUsing) return combinePairwise(ctx, groups, items)
  const aliases = groups.map(() => ctx.alias())
  const valueItems = (wrap: (e: string) => string) => groups.flatMap((g, n) => g.values.map((p) => ({ expr: fillWrap(p, wrap(ctx.col(aliases[n], p.column))), alias: p.column })))
  if (items.length === 0) {
    const sel = select({
      items: valueItems((e) => e),
      from: ctx.sub(groups[0].dataset, aliases[0]),
      joins: groups.slice(1).map((g, n) => ({ kind: 'cross' as const, source: ctx.sub(g.dataset, aliases[n + 1]), on: [] })),
    })
    return { query: sel, columns }
  }
  if (ctx.dialect.capabilities.fullOuterJoin) {
    const coalesced = (upTo: number, name: string) => {
      const refs = aliases.slice(0, upTo).map((a) => ctx.col(a, name))
      return refs.length === 1 ? refs[0] : `COALESCE(${refs.join(', ')})`
    }
    const joins: Join[] = groups.slice(1).map((g, n) => ({
      kind: 'full',
      source: ctx.sub(g.dataset, aliases[n + 1]),
      on: items.map((i) => `${coalesced(n + 1, i.name)} = ${ctx.col(aliases[n + 1], i.name)}`),
    }))
    const keyExprs = items.map((i) => coalesced(groups.length, i.name))
    const sel = select({
      items: [...items.map((i, n) => ({ expr: keyExprs[n], alias: i.name })), ...valueItems((e) => `MAX(${e})`)],
      from: ctx.sub(groups[0].dataset, aliases[0]),
      joins,
      groupBy: keyExprs,
    })
    return { query: sel, columns }
  }
  // No FULL OUTER JOIN: keys = UNION of every dataset's keys, then LEFT JOIN each.
  const names = groups.map(() => ctx.alias('metric'))
  const keyParts = groups.map((_g, n) => {
    const a = ctx.alias()
    return select({ items: items.map((i) => ({ expr: ctx.col(a, i.name), alias: i.name })), from: { kind: 'table', sql: names[n], alias: a } })
  })
  const k = ctx.alias('keys')
  const sel = select({
    with: groups.map((g, n) => ({ name: names[n], query: g.dataset.query })),
    items: [...items.map((i) => ({ expr: ctx.col(k, i.name), alias: i.name })), ...valueItems((e) => e)],
    from: { kind: 'query', query: { type: 'union', all: false, parts: keyParts }, alias: k },
    joins: groups.map((_g, n) => ({
      kind: 'left' as const,
      source: { kind: 'table' as const, sql: names[n], alias: aliases[n] },
      on: items.map((i) => ctx.dialect.nullSafeEquals(ctx.col(k, i.name), ctx.col(aliases[n], i.name))),
    })),
  })
  return { query: sel, columns }
}

/**
 * ClickHouse 18: one join per SELECT, FULL JOIN USING the keys. Its joins
 * drop NULL keys, so each side joins on a NULL-safe text encoding of the keys,
 * and the key values are taken from whichever side has the row.
 */
export function combinePairwise(ctx: CompileContext, groups: Array<{ dataset: Dataset; values: MetricValue[] }>, items: QueryItem[]): Dataset {
  let acc = groups[0].dataset
  let accValues = [...groups[0].values]
  const encode = ctx.dialect.nullSafeKey
  const nullable = (e: string) => ctx.dialect.nullable?.(e) ?? e
  for (const g of groups.slice(1)) {
    const values = [...accValues, ...g.values]
    const fill = (p: MetricValue, e: string) => (p.fill !== undefined ? `COALESCE(${e}, ${p.fill})` : e)
    const a = ctx.alias()
    const b = ctx.alias()
    if (items.length > 0 && !encode) throw new SemanticError('unsupported', `${ctx.dialect.name} cannot join metrics on keys that may be NULL`)
    if (items.length === 0) {
      const joined = select({
        items: values.map((p) => ({ expr: fill(p, ctx.col(accValues.includes(p) ? a : b, p.column)), alias: p.column })),
        from: ctx.sub(acc, a),
        joins: [{ kind: 'cross', source: ctx.sub(g.dataset, b), on: [] }],
      })
      acc = { query: joined, columns: values.map((p) => p.column) }
      accValues = values
      continue
    }
    const keyed = (ds: Dataset, cols: MetricValue[]): Dataset => {
      const x = ctx.alias()
      return {
        query: select({
          items: [
            // Outer-join sides must be able to hold NULL for the rows the other side lacks.
            ...items.map((i) => ({ expr: nullable(ctx.col(x, i.name)), alias: i.name })),
            ...cols.map((p) => ({ expr: nullable(ctx.col(x, p.column)), alias: p.column })),
            ...items.map((i, n) => ({ expr: encode!.call(ctx.dialect, ctx.col(x, i.name)), alias: `__key_${n}` })),
          ],
          from: ctx.sub(ds, x),
        }),
        columns: [],
      }
    }
    const joined = select({
      items: [
        ...items.map((i) => ({ expr: `COALESCE(${ctx.col(a, i.name)}, ${ctx.col(b, i.name)})`, alias: i.name })),
        ...values.map((p) => ({ expr: fill(p, ctx.col(accValues.includes(p) ? a : b, p.column)), alias: p.column })),
      ],
      from: ctx.sub(keyed(acc, accValues), a),
      joins: [{ kind: 'full', source: ctx.sub(keyed(g.dataset, g.values), b), on: [], using: items.map((_i, n) => `__key_${n}`) }],
    })
    acc = { query: joined, columns: [...items.map((i) => i.name), ...values.map((p) => p.column)] }
    accValues = values
  }
  return acc
}
