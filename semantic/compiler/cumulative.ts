// Cumulative metrics (window, grain_to_date, all time) over the time spine;
// coarser periods re-aggregate the base-grain values (period_agg, periods.ts).
import { SemanticError, type Metric, type TimeGrain } from '../types'
import { parseWindow } from '../names'
import type { CompileContext, MetricRequest, MetricValue } from './context'
import { isStandardGrain } from './items'
import { buildRows } from './rows'
import { select } from './sql'
import { rangePredicates, shiftBound, truncateBound, type TimeRange } from './time-constraint'
import { finishMeasureMetric } from './finish'
import { aggregateMeasure } from './measures'
import { aggGrainOf, aggregateExpr, definitionSpecs, isAggTimeItem, measureInputObj, prepareFilters, selectItemsFrom, whereOf } from './metric-helpers'
import { periodAggregate, postTimeFilters, splitTimeFilters } from './periods'
import { spineAt, timeFromSpine } from './time-spine'

// ---------------------------------------------------------------- cumulative

export function compileCumulative(ctx: CompileContext, metric: Metric, req: MetricRequest, column: string): MetricValue {
  const tp = metric.type_params
  const mi = measureInputObj(tp.measure)
  if (!mi) throw new SemanticError('invalid_model', `cumulative metric "${metric.name}" has no measure`)
  const { model, measure } = ctx.graph.measure(mi.name)
  const windowText = tp.cumulative_type_params?.window ?? tp.window
  const grainToDate = tp.cumulative_type_params?.grain_to_date ?? tp.grain_to_date
  const periodAgg = tp.cumulative_type_params?.period_agg ?? 'first'
  const fill = mi.fill_nulls_with ?? tp.fill_nulls_with
  const joinSpine = mi.join_to_timespine ?? tp.join_to_timespine ?? false
  const filters = [...req.filters, ...definitionSpecs(metric.filter), ...definitionSpecs(mi.filter)]
  const timeItems = req.items.filter((i) => isAggTimeItem(ctx, measure.name, i))
  const range = req.range ?? req.cumulativeRange
  if (timeItems.length === 0) {
    // Without metric_time the cumulative total is the measure over all rows.
    const value = aggregateMeasure(ctx, { measure: measure.name, items: req.items, filters, range: req.range, column })
    return finishMeasureMetric(ctx, value, req, mi.name, fill, false)
  }
  const window = windowText !== undefined ? parseWindow(windowText, ctx.graph.customGrainNames) : undefined
  if (windowText !== undefined && (!window || !isStandardGrain(window.unit))) {
    throw new SemanticError('unsupported', `cumulative window "${windowText}" of "${metric.name}" must use a standard time unit`)
  }
  const baseGrain = aggGrainOf(ctx, measure.name)
  const others = req.items.filter((i) => !isAggTimeItem(ctx, measure.name, i))
  const { pre, post } = splitTimeFilters(ctx, measure.name, filters)
  const pf = prepareFilters(ctx, model, pre)
  const rows = buildRows(ctx, { model, measure: measure.name, measures: [measure], items: [...others, ...pf.items], aggTimeGrain: baseGrain, metricJoins: pf.joins })
  const exprOf = (n: string) => rows.exprs.get(n)!
  // Rows outside the window of the queried range can never count: skip them early.
  const pushdown: TimeRange = {}
  if (range?.end) pushdown.end = range.end
  if (range?.start) {
    // Undefined (no pushdown) when the earlier bound falls before year 0001.
    if (window) pushdown.start = shiftBound(range.start, -window.count, window.unit as TimeGrain)
    else if (grainToDate) pushdown.start = truncateBound(range.start, grainToDate)
    if (pushdown.start === undefined) delete pushdown.start
  }
  const ra = ctx.alias()
  const rowSel = select({
    items: [...selectItemsFrom(ctx, others, exprOf), { expr: exprOf('__t'), alias: '__t' }, { expr: exprOf(measure.name), alias: measure.name }],
    from: rows.from, joins: rows.joins,
    where: [...whereOf(ctx, rows, pf.resolved), ...rangePredicates(ctx, exprOf('__t'), pushdown)],
  })
  const spine = spineAt(ctx, baseGrain, timeItems.filter((i) => i.grain && !isStandardGrain(i.grain)))
  const sa = ctx.alias('spine')
  const t = ctx.col(sa, '__t')
  const rt = ctx.col(ra, '__t')
  const on = [`${rt} <= ${t}`]
  if (window) on.push(`${rt} > ${ctx.dialect.dateAdd(t, -window.count, window.unit as TimeGrain)}`)
  else if (grainToDate) on.push(`${rt} >= ${ctx.dialect.dateTrunc(grainToDate, t)}`)
  const atBase = timeItems.every((i) => !i.datePart && i.grain === baseGrain)
  const timeSelect = timeItems.map((i) => ({ expr: timeFromSpine(ctx, sa, i), alias: i.name }))
  const sel = select({
    items: [
      ...(atBase ? [] : [{ expr: t, alias: '__t' }]),
      ...timeSelect, ...others.map((i) => ({ expr: ctx.col(ra, i.name), alias: i.name })),
      { expr: aggregateExpr(ctx, measure, ctx.col(ra, measure.name)), alias: column },
    ],
    from: { kind: 'query', query: spine.source, alias: sa },
    // Without range joins (ClickHouse 18) the window becomes a filter on a cross join.
    joins: [ctx.dialect.capabilities.nonEquiJoins
      ? { kind: 'inner', source: ctx.sub({ query: rowSel, columns: [] }, ra), on }
      : { kind: 'cross', source: ctx.sub({ query: rowSel, columns: [] }, ra), on: [] }],
    where: [
      ...(ctx.dialect.capabilities.nonEquiJoins ? [] : on),
      ...rangePredicates(ctx, t, range), ...postTimeFilters(ctx, measure.name, post, (i) => timeFromSpine(ctx, sa, i)),
    ],
    groupBy: [...(atBase ? [] : [t]), ...timeSelect.map((s) => s.expr), ...others.map((i) => ctx.col(ra, i.name))],
  })
  let value: MetricValue = { dataset: { query: sel, columns: [...(atBase ? [] : ['__t']), ...req.items.map((i) => i.name), column] }, column }
  if (!atBase) value = periodAggregate(ctx, value, req.items, periodAgg)
  return finishMeasureMetric(ctx, value, { ...req, filters: [] }, mi.name, fill, joinSpine)
}
