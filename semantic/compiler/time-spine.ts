// The time spine: distinct instants at a grain, time items computed from it,
// join_to_timespine, and the day mapping of custom-granularity offsets.
import { SemanticError, type TimeGrain } from '../types'
import { coarserGrain, grainRank, type TimeWindow } from '../names'
import type { CompileContext, Dataset, MetricRequest, MetricValue } from './context'
import { filterOnlyUses, renderResolved, resolveFilter, type ResolvedFilter } from './filters'
import { isStandardGrain, itemBaseGrain, type QueryItem, type ResolveContext } from './items'
import { select, type Select, type SelectItem } from './sql'
import { rangePredicates } from './time-constraint'
import { aggGrainOf, metricResolveContext } from './metric-helpers'

// ---------------------------------------------------------------- time spine

export interface SpineInfo {
  source: Select
  /** Expression of the spine's time at `grain` inside `source` (column `__t`). */
  grain: TimeGrain
}

/** Distinct spine instants at `grain`, with every custom granularity column when at the spine's own grain. */
export function spineAt(ctx: CompileContext, grain: TimeGrain, customItems: QueryItem[] = []): SpineInfo {
  const wanted = customItems.map((i) => ctx.graph.customGrains.get(i.grain!)!).filter(Boolean)
  const s = wanted.length > 0 ? { spine: wanted[0].spine, column: wanted[0].spine.primary_column.name, grain: wanted[0].spine.primary_column.time_granularity } : ctx.spine(grain)
  const a = ctx.alias('spine')
  const col = ctx.storedCol(a, s.column)
  const sameGrain = s.grain === grain
  // At the spine's own grain the column is used raw, so joins on it can use an index.
  const items: SelectItem[] = [{ expr: sameGrain ? col : ctx.dialect.dateTrunc(grain, col), alias: '__t' }]
  if (wanted.length > 0 && !sameGrain) {
    throw new SemanticError('unsupported', `custom granularity "${customItems[0].grain}" needs the metric at the ${s.grain} grain of its time spine`)
  }
  if (sameGrain) {
    // Custom granularities may be needed by filters too: the spine carries them all.
    for (const c of ctx.graph.customGrains.values()) {
      if (c.spine === s.spine) items.push({ expr: ctx.storedCol(a, c.column), alias: `__cg_${c.name}` })
    }
  }
  return { source: select({ items, from: ctx.spineTable(s.spine, a), distinct: !sameGrain }), grain }
}

/** A time item's value computed from a spine alias (`__t` at base grain, custom columns). */
export function timeFromSpine(ctx: CompileContext, spineAlias: string, item: QueryItem): string {
  const t = ctx.col(spineAlias, '__t')
  if (item.datePart) return ctx.dialect.extract(item.datePart, t)
  if (isStandardGrain(item.grain)) return ctx.dialect.dateTrunc(item.grain, t)
  return ctx.col(spineAlias, `__cg_${item.grain}`)
}

/** The finest standard grain needed to compute the time items (custom grains: their spine's grain). */
export function finestGrain(ctx: CompileContext, items: QueryItem[], floor: TimeGrain): TimeGrain {
  let g: TimeGrain | undefined
  for (const i of items) {
    const base = itemBaseGrain(ctx, i) ?? 'day'
    g = g === undefined || grainRank(base) < grainRank(g) ? base : g
  }
  return g === undefined ? floor : coarserGrain(g, floor)
}

/**
 * join_to_timespine: every spine period in the queried range appears, with the
 * metric's value or NULL (then fill_nulls_with). Query filters on the group-by
 * items are applied again on the result, as MetricFlow does.
 */
export function joinToTimeSpine(
  ctx: CompileContext, value: MetricValue, items: QueryItem[], timeItems: QueryItem[], req: MetricRequest, measure: string,
): MetricValue {
  const grain = finestGrain(ctx, timeItems, aggGrainOf(ctx, measure))
  const spine = spineAt(ctx, grain, timeItems.filter((i) => i.grain && !isStandardGrain(i.grain)))
  const sa = ctx.alias('spine')
  const spineItems = timeItems.map((i) => ({ expr: timeFromSpine(ctx, sa, i), alias: i.name }))
  const spineSel = select({
    items: spineItems, distinct: true, from: { kind: 'query', query: spine.source, alias: sa },
    where: rangePredicates(ctx, ctx.col(sa, '__t'), req.range),
  })
  const s = ctx.alias()
  const v = ctx.alias()
  const timeNames = new Set(timeItems.map((i) => i.name))
  const fill = value.fill
  const sel = select({
    items: [
      ...items.map((i) => ({ expr: ctx.col(timeNames.has(i.name) ? s : v, i.name), alias: i.name })),
      { expr: fill !== undefined ? `COALESCE(${ctx.col(v, value.column)}, ${fill})` : ctx.col(v, value.column), alias: value.column },
    ],
    from: ctx.sub({ query: spineSel, columns: [] }, s),
    joins: [{ kind: 'left', source: ctx.sub(value.dataset, v), keys: timeItems.map((i) => ({ left: ctx.col(s, i.name), right: ctx.col(v, i.name) })), on: [] }],
  })
  let ds: Dataset = { query: sel, columns: [...items.map((i) => i.name), value.column] }
  // Query filters that only use group-by items are applied once more on the joined result.
  const names = new Set(items.map((i) => i.name))
  const rc: ResolveContext = { sources: [ctx.graph.measure(measure).model.name], metrics: [], metricTimeGrain: ctx.metricTimeGrain }
  const post = req.filters.filter((f) => f.origin === 'query')
    .map((f) => resolveFilter(ctx, f, rc, (m) => metricResolveContext(ctx, m)))
    .filter((f) => filterOnlyUses(f, names))
  if (post.length > 0) ds = filterDataset(ctx, ds, post)
  return { dataset: ds, column: value.column, fill }
}

/** SELECT * FROM ds WHERE filters, with filters referencing columns by name. */
export function filterDataset(ctx: CompileContext, ds: Dataset, filters: ResolvedFilter[]): Dataset {
  const a = ctx.alias()
  return {
    query: select({
      items: ds.columns.map((c) => ({ expr: ctx.col(a, c), alias: c })),
      from: ctx.sub(ds, a),
      where: filters.map((f) => renderResolved(ctx, f, (n) => (ds.columns.includes(n) ? ctx.col(a, n) : undefined))),
    }),
    columns: ds.columns,
  }
}

/**
 * Offsets in a custom granularity (`1 alien_day`): each spine day moves to the
 * same position (n-th day) in the period `count` periods later, capped at that
 * period's last day. Columns: `__base` (original day), `__t` (day it lands on)
 * and the custom granularity columns of the landing day.
 */
export function customOffsetSpine(ctx: CompileContext, w: TimeWindow, baseGrain: TimeGrain): Select {
  const cg = ctx.graph.customGrains.get(w.unit)
  if (!cg) throw new SemanticError('invalid_model', `unknown granularity "${w.unit}" in an offset window`)
  const spineGrain = cg.spine.primary_column.time_granularity
  if (spineGrain !== baseGrain) {
    throw new SemanticError('unsupported', `an offset of "${w.count} ${w.unit}" needs the metric at the ${spineGrain} grain of its time spine`)
  }
  const d = ctx.dialect
  const day = (a: string) => d.dateTrunc(spineGrain, ctx.storedCol(a, cg.spine.primary_column.name))
  const period = (a: string) => ctx.storedCol(a, cg.column)
  // Per day: its period, the period's first and last day, its position in the period;
  // per period: the first and last day of the period `count` periods later.
  const { dayRows, leads } = d.capabilities.windowFunctions ? windowedOffsetParts() : countedOffsetParts()

  function windowedOffsetParts(): { dayRows: () => Select; leads: Select } {
    const dayRows = () => {
      const a = ctx.alias('spine')
      const over = `OVER (PARTITION BY ${period(a)} ORDER BY ${day(a)} ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)`
      return select({
        items: [
          { expr: day(a), alias: '__day' },
          { expr: period(a), alias: '__period' },
          { expr: `FIRST_VALUE(${day(a)}) ${over}`, alias: '__first' },
          { expr: `LAST_VALUE(${day(a)}) ${over}`, alias: '__last' },
          { expr: `ROW_NUMBER() OVER (PARTITION BY ${period(a)} ORDER BY ${day(a)})`, alias: '__row' },
        ],
        from: ctx.spineTable(cg!.spine, a),
      })
    }
    const pd = ctx.alias()
    const periods = select({ distinct: true, items: ['__period', '__first', '__last'].map((c) => ({ expr: ctx.col(pd, c), alias: c })), from: ctx.sub({ query: dayRows(), columns: [] }, pd) })
    const pl = ctx.alias()
    const leads = select({
      items: [
        { expr: ctx.col(pl, '__period'), alias: '__period' },
        { expr: `LEAD(${ctx.col(pl, '__first')}, ${w.count}) OVER (ORDER BY ${ctx.col(pl, '__period')})`, alias: '__first' },
        { expr: `LEAD(${ctx.col(pl, '__last')}, ${w.count}) OVER (ORDER BY ${ctx.col(pl, '__period')})`, alias: '__last' },
      ],
      from: ctx.sub({ query: periods, columns: [] }, pl),
    })
    return { dayRows, leads }
  }

  /** The same without window functions: positions and period ranks counted with self-joins. */
  function countedOffsetParts(): { dayRows: () => Select; leads: Select } {
    const days = () => {
      const a = ctx.alias('spine')
      return select({ items: [{ expr: day(a), alias: '__day' }, { expr: period(a), alias: '__period' }], from: ctx.spineTable(cg!.spine, a) })
    }
    const periods = () => {
      const a = ctx.alias()
      return select({
        items: [
          { expr: ctx.col(a, '__period'), alias: '__period' },
          { expr: `MIN(${ctx.col(a, '__day')})`, alias: '__first' },
          { expr: `MAX(${ctx.col(a, '__day')})`, alias: '__last' },
        ],
        from: ctx.sub({ query: days(), columns: [] }, a),
        groupBy: [ctx.col(a, '__period')],
      })
    }
    const dayRows = () => {
      const d1 = ctx.alias()
      const d2 = ctx.alias()
      const positions = select({
        items: [
          { expr: ctx.col(d1, '__day'), alias: '__day' },
          { expr: ctx.col(d1, '__period'), alias: '__period' },
          { expr: 'COUNT(*)', alias: '__row' },
        ],
        from: ctx.sub({ query: days(), columns: [] }, d1),
        joins: [{ kind: 'inner', source: ctx.sub({ query: days(), columns: [] }, d2), on: [`${ctx.col(d1, '__period')} = ${ctx.col(d2, '__period')}`] }],
        where: [`${ctx.col(d2, '__day')} <= ${ctx.col(d1, '__day')}`],
        groupBy: [ctx.col(d1, '__day'), ctx.col(d1, '__period')],
      })
      const r = ctx.alias()
      const p = ctx.alias()
      return select({
        items: [
          { expr: ctx.col(r, '__day'), alias: '__day' },
          { expr: ctx.col(r, '__period'), alias: '__period' },
          { expr: ctx.col(p, '__first'), alias: '__first' },
          { expr: ctx.col(p, '__last'), alias: '__last' },
          { expr: ctx.col(r, '__row'), alias: '__row' },
        ],
        from: ctx.sub({ query: positions, columns: [] }, r),
        joins: [{ kind: 'inner', source: ctx.sub({ query: periods(), columns: [] }, p), on: [`${ctx.col(r, '__period')} = ${ctx.col(p, '__period')}`] }],
      })
    }
    const ranked = () => {
      const p1 = ctx.alias()
      const p2 = ctx.alias()
      return select({
        items: [
          { expr: ctx.col(p1, '__period'), alias: '__period' },
          { expr: ctx.col(p1, '__first'), alias: '__first' },
          { expr: ctx.col(p1, '__last'), alias: '__last' },
          { expr: 'COUNT(*)', alias: '__rank' },
        ],
        from: ctx.sub({ query: periods(), columns: [] }, p1),
        joins: [{ kind: 'cross', source: ctx.sub({ query: periods(), columns: [] }, p2), on: [] }],
        where: [`${ctx.col(p2, '__period')} <= ${ctx.col(p1, '__period')}`],
        groupBy: ['__period', '__first', '__last'].map((c) => ctx.col(p1, c)),
      })
    }
    const a = ctx.alias()
    const target = select({
      items: [{ expr: ctx.col(a, '__period'), alias: '__period' }, { expr: `${ctx.col(a, '__rank')} + ${w.count}`, alias: '__target' }],
      from: ctx.sub({ query: ranked(), columns: [] }, a),
    })
    const t = ctx.alias()
    const b = ctx.alias()
    const leads = select({
      items: [
        { expr: ctx.col(t, '__period'), alias: '__period' },
        { expr: ctx.col(b, '__first'), alias: '__first' },
        { expr: ctx.col(b, '__last'), alias: '__last' },
      ],
      from: ctx.sub({ query: target, columns: [] }, t),
      joins: [{ kind: 'inner', source: ctx.sub({ query: ranked(), columns: [] }, b), on: [`${ctx.col(t, '__target')} = ${ctx.col(b, '__rank')}`] }],
    })
    return { dayRows, leads }
  }

  const ds = ctx.alias()
  const ls = ctx.alias()
  const candidate = d.dateAdd(ctx.col(ls, '__first'), `${ctx.col(ds, '__row')} - 1`, spineGrain)
  const mapping = select({
    items: [
      { expr: ctx.col(ds, '__day'), alias: '__base' },
      { expr: `CASE WHEN ${candidate} <= ${ctx.col(ls, '__last')} THEN ${candidate} ELSE ${ctx.col(ls, '__last')} END`, alias: '__lead' },
    ],
    from: ctx.sub({ query: dayRows(), columns: [] }, ds),
    joins: [{ kind: 'inner', source: ctx.sub({ query: leads, columns: [] }, ls), on: [`${ctx.col(ds, '__period')} = ${ctx.col(ls, '__period')}`] }],
  })
  const m = ctx.alias()
  const sp = ctx.alias('spine')
  const items: SelectItem[] = [
    { expr: ctx.col(m, '__base'), alias: '__base' },
    { expr: d.dateTrunc(spineGrain, ctx.col(m, '__lead')), alias: '__t' },
  ]
  for (const c of ctx.graph.customGrains.values()) if (c.spine === cg.spine) items.push({ expr: ctx.storedCol(sp, c.column), alias: `__cg_${c.name}` })
  return select({
    items,
    from: ctx.sub({ query: mapping, columns: [] }, m),
    joins: [{ kind: 'left', source: ctx.spineTable(cg.spine, sp), on: [`${day(sp)} = ${ctx.col(m, '__lead')}`] }],
  })
}
