// Queries without metrics return the distinct values of the group-by items, as
// MetricFlow does: metric_time comes from the time spine; other items come from
// one semantic model that reaches them all, joined with FULL OUTER JOIN so
// values without a match on the other side are kept.
import { SemanticError, type SemanticModel } from '../types'
import { formatQueryName } from '../names'
import type { CompileContext, Dataset } from './context'
import {
  filterItems, filterMetricRefs, renderResolved, resolveFilter, type FilterSpec, type ResolvedFilter,
} from './filters'
import { isStandardGrain, itemBaseGrain, resolveParsed, type QueryItem, type ResolveContext } from './items'
import { compileMetricSet } from './metrics'
import { metricResolveContext } from './metric-helpers'
import { buildRows, type MetricJoin } from './rows'
import { select, type Join, type SelectItem } from './sql'
import { rangePredicates, type TimeRange } from './time-constraint'

export interface DimensionQuery {
  items: QueryItem[]
  filters: FilterSpec[]
  range?: TimeRange
  applyGroupBy: boolean
}

function finestTimeGrain(ctx: CompileContext, items: QueryItem[]) {
  let best: ReturnType<typeof itemBaseGrain>
  const order = ['nanosecond', 'microsecond', 'millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']
  for (const i of items) {
    const g = itemBaseGrain(ctx, i) ?? 'day'
    if (!best || order.indexOf(g) < order.indexOf(best)) best = g
  }
  return best ?? 'day'
}

/** Tries to resolve every item and filter of the query from one model; returns how many joins it needs. */
function score(ctx: CompileContext, model: SemanticModel, names: QueryItem[]): number | undefined {
  const chains = new Set<string>()
  for (const item of names) {
    const el = ctx.graph.resolveElement(model.name, { entityPath: item.entityPath, element: item.element }, item.kind === 'time_dimension')
    if (!el || formatQueryName(el) !== formatQueryName({ entityPath: item.entityPath, element: item.element })) return undefined
    if (el.hops.length > 0) chains.add(el.hops.map((h) => `${h.entity}>${h.to}`).join('|'))
  }
  return chains.size
}

/** How many group-by specs a model offers by itself (time dimensions count once per grain and date part). */
function localSpecCount(model: SemanticModel): number {
  let n = 0
  n += 2 * model.entities.length
  for (const d of model.dimensions) {
    if (d.type !== 'time') { n += 2; continue }
    const order = ['nanosecond', 'microsecond', 'millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']
    const grains = order.length - order.indexOf(d.type_params?.time_granularity ?? 'day')
    n += 2 * (grains + 6)
  }
  return n
}

export function compileDimensionQuery(ctx: CompileContext, q: DimensionQuery): Dataset {
  const timeItems = q.items.filter((i) => i.kind === 'metric_time')
  const others = q.items.filter((i) => i.kind !== 'metric_time')
  const rcAll: ResolveContext = { sources: [], metrics: [], metricTimeGrain: ctx.metricTimeGrain }

  // Resolve filters from any model first, to know which items they need.
  const preliminary = q.filters.map((f) => resolveFilter(ctx, f, rcAll, (m) => metricResolveContext(ctx, m)))
  const filterNeeds = preliminary.flatMap(filterItems).filter((i) => i.kind !== 'metric_time')
  const metricRefs = preliminary.flatMap(filterMetricRefs)

  let model: SemanticModel | undefined
  const needed = [...others, ...filterNeeds, ...metricRefs.map((r): QueryItem => ({ name: r.groupBy[0].element, kind: 'entity', entityPath: [], element: r.groupBy[0].element }))]
  if (needed.length > 0) {
    // MetricFlow's choice: fewest joins, then the model with the fewest local elements.
    let best: { model: SemanticModel; joins: number; size: number } | undefined
    for (const m of ctx.graph.models.values()) {
      const s = score(ctx, m, needed)
      if (s === undefined) continue
      const size = localSpecCount(m)
      if (!best || s < best.joins || (s === best.joins && size < best.size)) best = { model: m, joins: s, size }
    }
    if (!best) {
      throw new SemanticError('unknown_dimension', `no semantic model reaches all of ${needed.map((i) => i.name).join(', ')}`, [
        { path: 'group_by', issue: 'no_common_source' },
      ])
    }
    model = best.model
  }

  const needsSpine = timeItems.length > 0 || preliminary.some((f) => filterItems(f).some((i) => i.kind === 'metric_time'))
  if (q.range && !needsSpine) {
    throw new SemanticError('invalid_query', 'a time_constraint applies to metric_time: add a metric or group by metric_time', [
      { path: 'time_constraint', issue: 'no_metric_time' },
    ])
  }
  const spineGrain = finestTimeGrain(ctx, [...timeItems, ...preliminary.flatMap(filterItems).filter((i) => i.kind === 'metric_time')])
  const customItems = [...timeItems, ...preliminary.flatMap(filterItems)].filter((i) => i.kind === 'metric_time' && i.grain && !isStandardGrain(i.grain))
  const custom = customItems.length > 0 ? ctx.graph.customGrains.get(customItems[0].grain!) : undefined
  const spineDef = custom ? { spine: custom.spine, column: custom.spine.primary_column.name } : needsSpine ? ctx.spine(spineGrain) : undefined
  const sa = ctx.alias('spine')
  const spineCol = spineDef ? ctx.storedCol(sa, spineDef.column) : ''
  const timeExpr = (i: QueryItem): string => {
    if (i.datePart) return ctx.dialect.extract(i.datePart, spineCol)
    if (isStandardGrain(i.grain)) return ctx.dialect.dateTrunc(i.grain, spineCol)
    const cg = ctx.graph.customGrains.get(i.grain!)
    if (!cg || cg.spine !== spineDef?.spine) throw new SemanticError('unsupported', `custom granularity "${i.grain}" cannot be combined with these grains`)
    return ctx.storedCol(sa, cg.column)
  }

  let selectItems: SelectItem[]
  let where: string[]
  let from
  let joins: Join[] = []
  if (!model) {
    // Only metric_time: the time spine alone.
    from = ctx.spineTable(spineDef!.spine, sa)
    selectItems = timeItems.map((i) => ({ expr: timeExpr(i), alias: i.name }))
    where = [
      ...preliminary.map((f) => renderResolved(ctx, f, (n) => {
        const it = filterItems(f).find((x) => x.name === n)
        return it ? timeExpr(it) : undefined
      })),
      ...rangePredicates(ctx, ctx.dialect.dateTrunc(spineGrain, spineCol), q.range),
    ]
  } else {
    const rc: ResolveContext = { sources: [model.name], metrics: [], metricTimeGrain: ctx.metricTimeGrain }
    const resolved: ResolvedFilter[] = q.filters.map((f) => resolveFilter(ctx, f, rc, (m) => metricResolveContext(ctx, m)))
    const fullJoins = ctx.dialect.capabilities.fullOuterJoin
    const metricJoins: MetricJoin[] = []
    for (const ref of resolved.flatMap(filterMetricRefs)) {
      if (metricJoins.some((j) => j.as === ref.column)) continue
      const g = ref.groupBy[0]
      const ds = compileMetricSet(ctx, [{ metric: ref.metric, column: ref.metric }], { items: [g], filters: [] }).dataset
      const keyItem = resolveParsed(ctx, { entityPath: [], element: g.element }, rc, `Metric('${ref.metric}')`)
      metricJoins.push({ dataset: ds, keyItem, datasetKey: g.name, valueColumn: ref.metric, as: ref.column })
    }
    const rowItems = [...others, ...resolved.flatMap(filterItems).filter((i) => i.kind !== 'metric_time')]
    const rows = buildRows(ctx, { model, measures: [], items: rowItems, metricJoins, joinKind: fullJoins ? 'full' : 'left', projected: spineDef !== undefined })
    from = rows.from
    joins = [...rows.joins]
    const exprs = new Map(rows.exprs)
    if (spineDef) {
      // The spine is crossed with the first model before the other joins, as MetricFlow does.
      joins.unshift({ kind: 'cross', source: ctx.spineTable(spineDef.spine, sa), on: [] })
      for (const i of [...timeItems, ...resolved.flatMap(filterItems).filter((x) => x.kind === 'metric_time')]) exprs.set(i.name, timeExpr(i))
    }
    selectItems = q.items.map((i) => ({ expr: exprs.get(i.name)!, alias: i.name }))
    where = [
      ...resolved.map((f) => renderResolved(ctx, f, (n) => exprs.get(n))),
      ...(spineDef ? rangePredicates(ctx, ctx.dialect.dateTrunc(spineGrain, spineCol), q.range) : []),
    ]
  }
  const columns = q.items.map((i) => i.name)
  const outerJoins = joins.map((j, idx) => ({ j, idx })).filter((x) => x.j.kind === 'left' && x.j.leftKey !== undefined)
  if (model && !ctx.dialect.capabilities.fullOuterJoin && outerJoins.length > 0) {
    // No FULL OUTER JOIN (MySQL): the LEFT JOIN rows, plus for each join the
    // right-hand rows nothing matched (RIGHT JOIN keeping only unmatched rows).
    const parts = [select({ items: selectItems, from, joins, where })]
    for (const { j, idx } of outerJoins) {
      parts.push(select({
        items: selectItems,
        from,
        joins: joins.map((x, k) => (k === idx ? { ...x, kind: 'right' as const } : x)),
        where: [...where, `${j.leftKey} IS NULL`],
      }))
    }
    return { query: { type: 'union', all: !q.applyGroupBy, parts }, columns }
  }
  const sel = select({
    items: selectItems,
    from,
    joins,
    where,
    groupBy: q.applyGroupBy ? selectItems.map((s) => s.expr) : [],
  })
  return { query: sel, columns }
}

