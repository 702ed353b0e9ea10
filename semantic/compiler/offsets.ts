// Derived-metric inputs with offset_window / offset_to_grain: values move along
// the time spine (measure rows before aggregation; other metrics after, the
// metric compiled through the context's callback).
import { SemanticError, type MetricInput, type TimeGrain } from '../types'
import { METRIC_TIME, grainRank, parseWindow, type TimeWindow } from '../names'
import type { CompileContext, MetricRequest, MetricValue } from './context'
import { isStandardGrain, type QueryItem } from './items'
import { buildRows } from './rows'
import { select } from './sql'
import { rangePredicates } from './time-constraint'
import { finishMeasureMetric } from './finish'
import { aggregateExpr, definitionSpecs, isAggTimeItem, measureInputObj, prepareFilters, selectItemsFrom, whereOf } from './metric-helpers'
import { periodAggregate, postTimeFilters, splitTimeFilters } from './periods'
import { customOffsetSpine, spineAt, timeFromSpine } from './time-spine'

// ---------------------------------------------------------------- offsets

export type Shift = { window: TimeWindow } | { toGrain: TimeGrain }

export function shiftExpr(ctx: CompileContext, t: string, shift: Shift): string {
  if ('toGrain' in shift) return ctx.dialect.dateTrunc(shift.toGrain, t)
  if (!ctx.graph.isGrainName(shift.window.unit) || !isStandardGrain(shift.window.unit)) {
    throw new SemanticError('unsupported', `offsets in custom granularity units ("${shift.window.count} ${shift.window.unit}") are not supported`)
  }
  return ctx.dialect.dateAdd(t, -shift.window.count, shift.window.unit)
}

export function parseShift(ctx: CompileContext, mi: MetricInput): Shift {
  if (mi.offset_to_grain) return { toGrain: mi.offset_to_grain }
  const w = parseWindow(mi.offset_window!, ctx.graph.customGrainNames)
  if (!w) throw new SemanticError('invalid_model', `offset_window "${mi.offset_window}" of "${mi.name}" is not a time window`)
  return { window: w }
}

export function firstMeasure(ctx: CompileContext, metric: string): string {
  const measures = ctx.graph.metricGroupingMeasures(metric)
  if (measures.length === 0) throw new SemanticError('invalid_model', `metric "${metric}" reads no measure`)
  return measures[0]
}

/** Internal metric_time item at the base grain, named `__t`. */
export function baseTimeItem(grain: TimeGrain): QueryItem {
  return { name: '__t', kind: 'metric_time', entityPath: [], element: METRIC_TIME, grain }
}

export function compileOffset(ctx: CompileContext, mi: MetricInput, req: MetricRequest, column: string): MetricValue {
  const inner = ctx.graph.metric(mi.name)
  const shift = parseShift(ctx, mi)
  const measure = firstMeasure(ctx, mi.name)
  const timeItems = req.items.filter((i) => isAggTimeItem(ctx, measure, i))
  // a period-aligned window ("1 month" with metric_time__month) shifts whole periods: rows and spine at the window's grain
  const aligned = mi.period_aligned && 'window' in shift && isStandardGrain(shift.window.unit) &&
    timeItems.length > 0 && timeItems.every((i) => !i.datePart && isStandardGrain(i.grain) && grainRank(i.grain) >= grainRank(shift.window.unit as TimeGrain))
  const baseGrain = aligned ? (shift as { window: TimeWindow }).window.unit as TimeGrain : ctx.graph.metricMinGrain(mi.name)
  if (timeItems.length === 0) {
    // A shift in time only means something per period (MetricFlow requires it too).
    throw new SemanticError('invalid_query', `"${mi.alias ?? mi.name}" is offset in time (${mi.offset_window ?? `to ${mi.offset_to_grain}`}): group by metric_time or ${ctx.graph.aggTimeDimension(measure).dimension.name}`, [
      { path: 'group_by', issue: 'offset_needs_metric_time', suggestions: [`metric_time__${ctx.graph.metricDefaultGrain(mi.name)}`] },
    ])
  }
  const others = req.items.filter((i) => !isAggTimeItem(ctx, measure, i))
  const { pre, post } = splitTimeFilters(ctx, measure, req.filters)
  const custom = 'window' in shift && !isStandardGrain(shift.window.unit) ? shift.window : undefined
  const sa = ctx.alias('spine')
  const spineSrc = {
    kind: 'query' as const,
    query: custom ? customOffsetSpine(ctx, custom, baseGrain) : spineAt(ctx, baseGrain, timeItems.filter((i) => i.grain && !isStandardGrain(i.grain))).source,
    alias: sa,
  }
  const t = ctx.col(sa, '__t')
  // Rows of the shifted metric at `rt` land on the spine instant `t`.
  const landsOn = (rt: string) => (custom ? `${rt} = ${ctx.col(sa, '__base')}` : `${rt} = ${shiftExpr(ctx, t, shift)}`)
  const where = [
    ...rangePredicates(ctx, t, req.range),
    ...postTimeFilters(ctx, measure, post, (i) => timeFromSpine(ctx, sa, i)),
  ]
  if ('toGrain' in shift) {
    // Offset to grain at a coarser grain: keep one spine row per period, its first.
    const coarse = timeItems.filter((i) => isStandardGrain(i.grain) && grainRank(i.grain) > grainRank(baseGrain))
    if (coarse.length > 0) where.push(coarse.map((i) => `${ctx.dialect.dateTrunc(i.grain as TimeGrain, t)} = ${t}`).join(' OR '))
  }
  const timeSelect = timeItems.map((i) => ({ expr: timeFromSpine(ctx, sa, i), alias: i.name }))

  if (inner.type === 'simple') {
    // Shift measure rows before aggregating, so any grain and count_distinct stay exact.
    const mInput = measureInputObj(inner.type_params.measure)!
    const { model, measure: m } = ctx.graph.measure(mInput.name)
    const filters = [...pre, ...definitionSpecs(inner.filter), ...definitionSpecs(mInput.filter)]
    const pf = prepareFilters(ctx, model, filters)
    if (m.non_additive_dimension) throw new SemanticError('unsupported', `offsets on the semi-additive measure "${m.name}" are not supported`)
    const rows = buildRows(ctx, { model, measure: m.name, measures: [m], items: [...others, ...pf.items], aggTimeGrain: baseGrain, metricJoins: pf.joins })
    const ra = ctx.alias()
    const rowSel = select({
      items: [...selectItemsFrom(ctx, others, (n) => rows.exprs.get(n)!), { expr: rows.exprs.get('__t')!, alias: '__t' }, { expr: rows.exprs.get(m.name)!, alias: m.name }],
      from: rows.from, joins: rows.joins, where: whereOf(ctx, rows, pf.resolved),
    })
    const sel = select({
      items: [...timeSelect, ...others.map((i) => ({ expr: ctx.col(ra, i.name), alias: i.name })), { expr: aggregateExpr(ctx, m, ctx.col(ra, m.name)), alias: column }],
      from: spineSrc,
      joins: [{ kind: 'inner', source: ctx.sub({ query: rowSel, columns: [] }, ra), on: [landsOn(ctx.col(ra, '__t'))] }],
      where,
      groupBy: [...timeSelect.map((s) => s.expr), ...others.map((i) => ctx.col(ra, i.name))],
    })
    const value: MetricValue = { dataset: { query: sel, columns: [...req.items.map((i) => i.name), column] }, column }
    const fill = mInput.fill_nulls_with ?? inner.type_params.fill_nulls_with
    const joinSpine = mInput.join_to_timespine ?? inner.type_params.join_to_timespine ?? false
    return finishMeasureMetric(ctx, value, { ...req, filters: [] }, mInput.name, fill, joinSpine)
  }

  // Other metrics: compute at the base grain, then shift the aggregated values.
  const needsAggregation = timeItems.some((i) => i.datePart || !isStandardGrain(i.grain) || i.grain !== baseGrain)
  if (needsAggregation && inner.type !== 'cumulative') {
    throw new SemanticError('unsupported', `an offset on ${inner.type} metric "${inner.name}" can only be grouped by metric_time at its ${baseGrain} grain`)
  }
  // MetricFlow constrains the inner metric to the queried range too (before shifting).
  const innerValue = ctx.compileMetric(mi.name, { items: [...others, baseTimeItem(baseGrain)], filters: pre, cumulativeRange: req.range ?? req.cumulativeRange }, '__value')
  const da = ctx.alias()
  const joined = select({
    items: [
      ...(needsAggregation ? [{ expr: t, alias: '__t' }] : []),
      ...timeSelect, ...others.map((i) => ({ expr: ctx.col(da, i.name), alias: i.name })), { expr: ctx.col(da, '__value'), alias: column },
    ],
    from: spineSrc,
    joins: [{ kind: 'inner', source: ctx.sub(innerValue.dataset, da), on: [landsOn(ctx.col(da, '__t'))] }],
    where,
  })
  let value: MetricValue = { dataset: { query: joined, columns: [...(needsAggregation ? ['__t'] : []), ...req.items.map((i) => i.name), column] }, column }
  if (needsAggregation) value = periodAggregate(ctx, value, req.items, inner.type_params.cumulative_type_params?.period_agg ?? 'first')
  return value
}
