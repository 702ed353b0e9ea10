// Shared pieces of metric compilation: filter preparation for a model,
// aggregate expressions and small dataset helpers. A leaf under every metric
// module: the one path back up (a Metric(...) filter compiles a metric) goes
// through the context's callback, not an import.
import { SemanticError, type Measure, type MeasureInput, type SemanticModel, type TimeGrain } from '../types'
import { filterList, parseWhereFilter } from '../where-filter'
import type { CompileContext, Dataset } from './context'
import { filterItems, filterMetricRefs, renderResolved, resolveFilter, type FilterSpec, type ResolvedFilter } from './filters'
import { bindItem, resolveParsed, type QueryItem, type ResolveContext } from './items'
import { dedupeItems, type MetricJoin, type RowSource } from './rows'
import { select, type SelectItem } from './sql'

// ---------------------------------------------------------------- helpers

export function definitionSpecs(f: string | string[] | undefined): FilterSpec[] {
  return filterList(f).map((text) => ({ filter: parseWhereFilter(text), origin: 'definition' as const }))
}

export function measureInputObj(mi: string | MeasureInput | undefined): MeasureInput | undefined {
  if (mi === undefined) return undefined
  return typeof mi === 'string' ? { name: mi } : mi
}

export function resolveContextFor(ctx: CompileContext, model: SemanticModel): ResolveContext {
  return { sources: [model.name], metrics: [], metricTimeGrain: ctx.metricTimeGrain }
}

export function metricResolveContext(ctx: CompileContext, metric: string): ResolveContext {
  const sources = [...new Set(ctx.graph.metricGroupingMeasures(metric).map((m) => ctx.graph.measure(m).model.name))]
  return { sources, metrics: [metric], metricTimeGrain: ctx.metricTimeGrain }
}

/** True for items that follow the time spine for this measure: metric_time or its own agg time dimension. */
export function isAggTimeItem(ctx: CompileContext, measure: string, item: QueryItem): boolean {
  if (item.kind === 'metric_time') return true
  if (item.kind !== 'time_dimension') return false
  const { model } = ctx.graph.measure(measure)
  try {
    return bindItem(ctx, model, measure, item).aggTime
  } catch {
    return false
  }
}

export function aggGrainOf(ctx: CompileContext, measure: string): TimeGrain {
  return ctx.graph.dimensionGrain(ctx.graph.aggTimeDimension(measure).dimension)
}

export function selectItemsFrom(ctx: CompileContext, items: QueryItem[], exprOf: (name: string) => string): SelectItem[] {
  return items.map((i) => ({ expr: exprOf(i.name), alias: i.name }))
}

/** Projects a dataset to items + value column (drops helper columns). */
export function project(ctx: CompileContext, ds: Dataset, items: QueryItem[], cols: Array<{ from: string; as: string; wrap?: (e: string) => string }>): Dataset {
  const a = ctx.alias()
  const sel = select({
    items: [
      ...items.map((i) => ({ expr: ctx.col(a, i.name), alias: i.name })),
      ...cols.map((c) => ({ expr: c.wrap ? c.wrap(ctx.col(a, c.from)) : ctx.col(a, c.from), alias: c.as })),
    ],
    from: ctx.sub(ds, a),
  })
  return { query: sel, columns: [...items.map((i) => i.name), ...cols.map((c) => c.as)] }
}

/** SELECT items, <expr over the dataset's columns> AS column FROM ds. */
export function compute(ctx: CompileContext, ds: Dataset, items: QueryItem[], column: string, expr: (col: (name: string) => string) => string): Dataset {
  const a = ctx.alias()
  const sel = select({
    items: [...items.map((i) => ({ expr: ctx.col(a, i.name), alias: i.name })), { expr: expr((n) => ctx.col(a, n)), alias: column }],
    from: ctx.sub(ds, a),
  })
  return { query: sel, columns: [...items.map((i) => i.name), column] }
}

export function aggregateExpr(ctx: CompileContext, measure: Measure, value: string): string {
  const d = ctx.dialect
  // Over no rows these must give NULL, as in SQL; some engines need a Nullable input for that.
  const orNull = (e: string) => (d.capabilities.emptyAggregatesGiveDefaults && d.nullable ? d.nullable(e) : e)
  switch (measure.agg) {
    case 'sum': return `SUM(${orNull(value)})`
    case 'count': return `COUNT(${value})`
    case 'count_distinct': return `COUNT(DISTINCT ${value})`
    case 'average': return `AVG(${orNull(value)})`
    case 'min': return `MIN(${orNull(value)})`
    case 'max': return `MAX(${orNull(value)})`
    case 'sum_boolean': return `SUM(${orNull(d.booleanToInt(value))})`
    case 'median':
      if (!d.capabilities.percentile.continuous) throw unsupportedPercentile(ctx, measure, 'continuous')
      return d.percentile(value, 0.5, false, false)
    case 'percentile': {
      const p = measure.agg_params?.percentile
      if (p === undefined) throw new SemanticError('invalid_model', `percentile measure "${measure.name}" has no agg_params.percentile`)
      const discrete = measure.agg_params?.use_discrete_percentile ?? false
      const approximate = measure.agg_params?.use_approximate_percentile ?? false
      const support = d.capabilities.percentile
      const ok = approximate ? (discrete ? support.approximateDiscrete : support.approximateContinuous) : discrete ? support.discrete : support.continuous
      if (!ok) throw unsupportedPercentile(ctx, measure, `${approximate ? 'approximate ' : ''}${discrete ? 'discrete' : 'continuous'}`)
      return d.percentile(value, p, discrete, approximate)
    }
  }
}

export function unsupportedPercentile(ctx: CompileContext, measure: Measure, kind: string): SemanticError {
  return new SemanticError('unsupported', `measure "${measure.name}" needs ${/^[aeiou]/.test(kind) ? "an" : "a"} ${kind} percentile aggregate, which ${ctx.dialect.name} does not have`, [
    { path: measure.name, issue: 'unsupported_aggregation' },
  ])
}

/** Filters resolved for one model, with the Metric(...) joins they need. */
export function prepareFilters(ctx: CompileContext, model: SemanticModel, specs: FilterSpec[]): { resolved: ResolvedFilter[]; items: QueryItem[]; joins: MetricJoin[] } {
  const rc = resolveContextFor(ctx, model)
  const resolved = specs.map((s) => resolveFilter(ctx, s, rc, (m) => metricResolveContext(ctx, m)))
  const items = dedupeItems(resolved.flatMap(filterItems))
  const joins: MetricJoin[] = []
  const seen = new Set<string>()
  for (const ref of resolved.flatMap(filterMetricRefs)) {
    if (seen.has(ref.column)) continue
    seen.add(ref.column)
    const g = ref.groupBy[0]
    const dataset = ctx.compileMetricSet([{ metric: ref.metric, column: ref.metric }], { items: [g], filters: [] }).dataset
    const keyItem = resolveParsed(ctx, { entityPath: [], element: g.element }, rc, `Metric('${ref.metric}')`)
    if (keyItem.kind !== 'entity') throw new SemanticError('invalid_filter', `"${g.element}" is not an entity of "${model.name}"`)
    joins.push({ dataset, keyItem, datasetKey: g.name, valueColumn: ref.metric, as: ref.column })
  }
  return { resolved, items, joins }
}

export function whereOf(ctx: CompileContext, rows: RowSource, resolved: ResolvedFilter[]): string[] {
  return resolved.map((f) => renderResolved(ctx, f, (n) => rows.exprs.get(n)))
}
