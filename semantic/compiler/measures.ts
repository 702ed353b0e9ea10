// Measure aggregation: one SELECT per model and filter set (several measures
// share it), and semi-additive measures that keep only their window's rows.
import type { Measure, SemanticModel } from '../types'
import type { CompileContext, Dataset, MetricValue } from './context'
import type { FilterSpec, ResolvedFilter } from './filters'
import type { QueryItem } from './items'
import { buildRows, type MetricJoin } from './rows'
import { select } from './sql'
import { rangePredicates, type TimeRange } from './time-constraint'
import { aggregateExpr, isAggTimeItem, prepareFilters, selectItemsFrom, whereOf } from './metric-helpers'

// ---------------------------------------------------------------- measures

export interface MeasureRequest {
  measure: string
  items: QueryItem[]
  filters: FilterSpec[]
  range?: TimeRange
  column: string
}

/** Aggregates one measure by the items (semi-additive measures keep only their window's rows). */
export function aggregateMeasure(ctx: CompileContext, req: MeasureRequest): MetricValue {
  const { model, measure } = ctx.graph.measure(req.measure)
  if (measure.non_additive_dimension) return aggregateSemiAdditive(ctx, req, model, measure, prepareFilters(ctx, model, req.filters))
  const dataset = aggregateMeasures(ctx, { ...req, measures: [{ measure: req.measure, column: req.column }] })
  return { dataset, column: req.column }
}

/** Aggregates several measures of one model, sharing rows, joins and filters, in one SELECT. */
export function aggregateMeasures(ctx: CompileContext, req: Omit<MeasureRequest, 'measure' | 'column'> & { measures: Array<{ measure: string; column: string }> }): Dataset {
  const first = ctx.graph.measure(req.measures[0].measure)
  const model = first.model
  const pf = prepareFilters(ctx, model, req.filters)
  const measures = [...new Map(req.measures.map((m) => [m.measure, ctx.graph.measure(m.measure).measure])).values()]
  const rows = buildRows(ctx, {
    model, measure: first.measure.name, measures, items: [...req.items, ...pf.items],
    rawAggTime: req.range !== undefined, metricJoins: pf.joins,
  })
  const where = [...whereOf(ctx, rows, pf.resolved), ...rangePredicates(ctx, rows.exprs.get('__traw') ?? '', req.range)]
  const exprOf = (n: string) => rows.exprs.get(n)!
  const sel = select({
    items: [
      ...selectItemsFrom(ctx, req.items, exprOf),
      ...req.measures.map((m) => ({ expr: aggregateExpr(ctx, ctx.graph.measure(m.measure).measure, exprOf(m.measure)), alias: m.column })),
    ],
    from: rows.from,
    joins: rows.joins,
    where,
    groupBy: req.items.map((i) => exprOf(i.name)),
  })
  return { query: sel, columns: [...req.items.map((i) => i.name), ...req.measures.map((m) => m.column)] }
}

/**
 * Semi-additive measures (account balances): only rows whose non-additive
 * dimension equals its min/max within the window groupings and the queried
 * metric_time periods are aggregated.
 */
export function aggregateSemiAdditive(
  ctx: CompileContext, req: MeasureRequest, model: SemanticModel, measure: Measure,
  pf: { resolved: ResolvedFilter[]; items: QueryItem[]; joins: MetricJoin[] },
): MetricValue {
  const nad = measure.non_additive_dimension!
  const groupings = nad.window_groupings ?? []
  const rows = buildRows(ctx, {
    model, measure: measure.name, measures: [measure], items: [...req.items, ...pf.items],
    rawAggTime: req.range !== undefined, nonAdditive: true, entities: groupings, metricJoins: pf.joins,
  })
  const exprOf = (n: string) => rows.exprs.get(n)!
  const where = [...whereOf(ctx, rows, pf.resolved), ...rangePredicates(ctx, rows.exprs.get('__traw') ?? '', req.range)]
  const partition = [
    ...req.items.filter((i) => isAggTimeItem(ctx, measure.name, i)).map((i) => i.name),
    ...groupings.map((g) => `__e_${g}`),
  ]
  const rowSel = select({
    items: [...selectItemsFrom(ctx, req.items, exprOf), ...partition.filter((p) => p.startsWith('__e_')).map((p) => ({ expr: exprOf(p), alias: p })),
      { expr: exprOf(measure.name), alias: measure.name }, { expr: exprOf('__nad'), alias: '__nad' }],
    from: rows.from, joins: rows.joins, where,
  })
  const windowSel = select({
    items: [...partition.map((p) => ({ expr: exprOf(p), alias: p })), { expr: `${nad.window_choice === 'max' ? 'MAX' : 'MIN'}(${exprOf('__nad')})`, alias: '__nad' }],
    from: rows.from, joins: rows.joins, where, groupBy: partition.map(exprOf),
  })
  const r = ctx.alias()
  const w = ctx.alias()
  const on = [`${ctx.col(r, '__nad')} = ${ctx.col(w, '__nad')}`, ...partition.map((p) => `${ctx.col(r, p)} = ${ctx.col(w, p)}`)]
  const sel = select({
    items: [...req.items.map((i) => ({ expr: ctx.col(r, i.name), alias: i.name })), { expr: aggregateExpr(ctx, measure, ctx.col(r, measure.name)), alias: req.column }],
    from: ctx.sub({ query: rowSel, columns: [] }, r),
    joins: [{ kind: 'inner', source: ctx.sub({ query: windowSel, columns: [] }, w), on }],
    groupBy: req.items.map((i) => ctx.col(r, i.name)),
  })
  return { dataset: { query: sel, columns: [...req.items.map((i) => i.name), req.column] }, column: req.column }
}
