// compile(query, manifest, dialect): a SemanticQuery to one read-only SELECT.
import {
  SemanticError,
  type CompiledQuery, type DialectName, type GroupByItem, type OutputColumn, type SemanticManifest, type SemanticQuery,
  type StructuredFilter, type TimeGrain,
} from '../types'
import { getDialect } from '../dialects'
import type { Dialect } from '../dialects/dialect'
import { SemanticGraph } from '../graph'
import { MAX_METRIC_EXPANSION, filterMetricNames, oversizedMetrics } from '../metric-expansion'
import { coarserGrain, formatQueryName, grainRank } from '../names'
import { parseCallExpression } from '../where-filter'
import { suggest } from '../suggest'
import { CompileContext, type CompileOptions, type Dataset } from './context'
import { querySpec, renderResolved, structuredToFilter, type FilterSpec, type ResolvedFilter } from './filters'
import { itemBaseGrain, isStandardGrain, resolveGroupBy, resolveParsed, type QueryItem, type ResolveContext } from './items'
import { METRIC_COMPILER, compileMetricSet } from './metrics'
import { compileDimensionQuery } from './dimension-query'
import { SqlRenderer, select, type Query } from './sql'
import { adjustRange, type TimeRange } from './time-constraint'
import { withOffsetMetrics } from './adhoc-metrics'
import { PREVIOUS_SUFFIX, checkCompare, compileCompared } from './period-compare'
import { SHARE_SUFFIX, addShares, checkShareable } from './share-of-total'

export type { CompileOptions } from './context'

const graphs = new WeakMap<SemanticManifest, SemanticGraph>()

/** The manifest's graph, cached while the manifest object lives. */
export function graphFor(manifest: SemanticManifest): SemanticGraph {
  let g = graphs.get(manifest)
  if (!g) {
    g = new SemanticGraph(manifest)
    graphs.set(manifest, g)
  }
  return g
}

/** Turns a saved query's parameters into a SemanticQuery (explicit fields win). */
export function applySavedQuery(manifest: SemanticManifest, query: SemanticQuery): SemanticQuery {
  if (!query.saved_query) return query
  const sq = manifest.saved_queries.find((s) => s.name === query.saved_query)
  if (!sq) {
    throw new SemanticError('invalid_query', `unknown saved query "${query.saved_query}"`, [
      { path: 'saved_query', issue: 'unknown_saved_query', suggestions: suggest(query.saved_query, manifest.saved_queries.map((s) => s.name)) },
    ])
  }
  const p = sq.query_params
  const groupBy: GroupByItem[] = (p.group_by ?? []).map((g) => {
    const { ref } = parseCallExpression(g)
    const name = formatQueryName({ entityPath: ref.entityPath, element: ref.name })
    if (ref.datePart) return { name, date_part: ref.datePart }
    return ref.grain ? { name, grain: ref.grain } : name
  })
  const orderBy = (p.order_by ?? []).map((o) => {
    const { ref, descending } = parseCallExpression(o)
    const name = formatQueryName({ entityPath: ref.entityPath, element: ref.name, grain: ref.grain, datePart: ref.datePart })
    return descending ? `-${name}` : name
  })
  return {
    metrics: query.metrics.length > 0 ? query.metrics : [...p.metrics],
    group_by: query.group_by ?? groupBy,
    where: [...(p.where ?? []), ...(query.where ?? [])],
    ...(query.filters ? { filters: query.filters } : {}),
    ...(query.time_constraint ? { time_constraint: query.time_constraint } : {}),
    order_by: query.order_by ?? orderBy,
    ...(query.limit !== undefined ? { limit: query.limit } : p.limit !== undefined ? { limit: p.limit } : {}),
    ...(query.min_max_only !== undefined ? { min_max_only: query.min_max_only } : {}),
    ...(query.apply_group_by !== undefined ? { apply_group_by: query.apply_group_by } : {}),
    ...(query.offset_metrics !== undefined ? { offset_metrics: query.offset_metrics } : {}),
    ...(query.compare !== undefined ? { compare: query.compare } : {}),
    ...(query.share_of_total !== undefined ? { share_of_total: query.share_of_total } : {}),
  }
}

function checkShape(q: SemanticQuery): void {
  const bad = (path: string, issue: string, message: string) => new SemanticError('invalid_query', message, [{ path, issue }])
  if (!Array.isArray(q.metrics) || q.metrics.some((m) => typeof m !== 'string' || m.trim() === '')) throw bad('metrics', 'invalid_type', 'metrics must be a list of metric names')
  if (q.group_by !== undefined && !Array.isArray(q.group_by)) throw bad('group_by', 'invalid_type', 'group_by must be a list')
  if (q.where !== undefined && (!Array.isArray(q.where) || q.where.some((w) => typeof w !== 'string'))) throw bad('where', 'invalid_type', 'where must be a list of filter templates')
  if (q.order_by !== undefined && (!Array.isArray(q.order_by) || q.order_by.some((o) => typeof o !== 'string'))) throw bad('order_by', 'invalid_type', 'order_by must be a list of names')
  if (q.limit !== undefined && (!Number.isInteger(q.limit) || q.limit < 0)) throw bad('limit', 'invalid_value', 'limit must be a non-negative integer')
  if (q.filters !== undefined && (!Array.isArray(q.filters) || q.filters.some((f) => typeof f !== 'object' || f === null))) {
    throw bad('filters', 'invalid_type', 'filters must be a list of {field, op, value}')
  }
  const tc = q.time_constraint
  if (tc !== undefined && (typeof tc !== 'object' || tc === null || [tc.start, tc.end].some((v) => v !== undefined && typeof v !== 'string'))) {
    throw bad('time_constraint', 'invalid_type', 'time_constraint must be {start?, end?} with ISO date strings')
  }
  if ((q.group_by ?? []).some((g) => typeof g !== 'string' && (typeof g !== 'object' || g === null))) {
    throw bad('group_by', 'invalid_type', 'group_by items must be names or {name, grain?, date_part?}')
  }
  if (q.metrics.length === 0 && (q.group_by ?? []).length === 0) throw bad('metrics', 'empty_query', 'a query needs at least one metric or group-by item')
}

/** Grain the time constraint is widened to: the finest queried metric_time grain, else the metrics' own. */
function rangeGrain(ctx: CompileContext, items: QueryItem[], metrics: string[]): TimeGrain {
  let g: TimeGrain | undefined
  for (const i of items) {
    if (i.kind !== 'metric_time') continue
    const base = i.datePart ? undefined : itemBaseGrain(ctx, i)
    if (base && (g === undefined || grainRank(base) < grainRank(g))) g = base
  }
  if (g) return g
  let out: TimeGrain = 'nanosecond'
  for (const m of metrics) out = coarserGrain(out, ctx.graph.metricMinGrain(m))
  return metrics.length > 0 ? out : 'day'
}

function outputColumns(ctx: CompileContext, metrics: string[], items: QueryItem[]): OutputColumn[] {
  const cols: OutputColumn[] = []
  for (const m of metrics) {
    const def = ctx.graph.metric(m)
    const format = ctx.graph.metricFormat(m)
    cols.push({ name: m, kind: 'metric', ...(def.label ? { label: def.label } : {}), ...(format ? { format } : {}) })
  }
  for (const i of items) {
    const kind = i.kind === 'metric_time' ? 'time_dimension' : i.kind
    const col: OutputColumn = { name: i.name, kind }
    if (isStandardGrain(i.grain)) col.grain = i.grain
    // Formats describe values, so a date part (a number of months, say) keeps none.
    if (i.kind === 'dimension' && !i.datePart) {
      const format = ctx.graph.dimensionFormat(i.entityPath, i.element)
      if (format) col.format = format
    }
    cols.push(col)
  }
  return cols
}

/** Matches an order_by entry to an output column. */
function orderColumn(ctx: CompileContext, raw: string, metrics: string[], items: QueryItem[], rc: ResolveContext, index: number): { name: string; desc: boolean } {
  const desc = raw.startsWith('-')
  const name = (desc ? raw.slice(1) : raw).trim()
  if (metrics.includes(name)) return { name, desc }
  if (items.some((i) => i.name === name)) return { name, desc }
  let resolved: QueryItem | undefined
  try {
    resolved = resolveParsed(ctx, ctx.graph.parseName(name), rc, `order_by[${index}]`)
  } catch {
    resolved = undefined
  }
  const parsed = ctx.graph.parseName(name)
  const match = items.find((i) => i.name === resolved?.name)
    ?? items.find((i) => i.element === parsed.element && !parsed.grain && !parsed.datePart && (parsed.entityPath.length === 0 || i.entityPath.join('__').endsWith(parsed.entityPath.join('__'))))
  if (match) return { name: match.name, desc }
  throw new SemanticError('invalid_query', `order_by "${name}" is not a requested metric or group-by item`, [
    { path: `order_by[${index}]`, issue: 'not_selected', suggestions: suggest(name, [...metrics, ...items.map((i) => i.name)]) },
  ])
}

function wrapFinal(ctx: CompileContext, ds: Dataset, columns: string[], opts: { where?: string[]; orderBy?: Array<{ name: string; desc: boolean }>; limit?: number }): Query {
  const q = ds.query
  if (q.type === 'select' && (opts.where ?? []).length === 0 && q.orderBy.length === 0 && q.limit === undefined) {
    // The last SELECT already has the columns: reorder them instead of wrapping it once more.
    const byAlias = new Map(q.items.map((i) => [i.alias, i]))
    // Dropping helper columns from a DISTINCT select would change its rows.
    if (columns.every((c) => byAlias.has(c)) && (!q.distinct || q.items.length === columns.length)) {
      return {
        ...q,
        items: columns.map((c) => byAlias.get(c)!),
        orderBy: (opts.orderBy ?? []).map((o) => ({ expr: ctx.q(o.name), desc: o.desc })),
        ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
      }
    }
  }
  const a = ctx.alias()
  return select({
    items: columns.map((c) => ({ expr: ctx.col(a, c), alias: c })),
    from: ctx.sub(ds, a),
    where: opts.where ?? [],
    orderBy: (opts.orderBy ?? []).map((o) => ({ expr: ctx.q(o.name), desc: o.desc })),
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
  })
}

/** Compiles a semantic query to SQL for the dialect. Throws SemanticError for invalid queries. */
export function compile(input: SemanticQuery, manifest: SemanticManifest, dialectOrName: DialectName | Dialect, options: CompileOptions = {}): CompiledQuery {
  const dialect = typeof dialectOrName === 'string' ? getDialect(dialectOrName) : dialectOrName
  const query = applySavedQuery(manifest, input)
  checkShape(query)
  // ad-hoc offset metrics live in a copy of the manifest (graph built per query)
  const graph = graphFor(withOffsetMetrics(manifest, query))
  const ctx = new CompileContext(graph, dialect, METRIC_COMPILER, options)

  const metrics: string[] = []
  query.metrics.forEach((m) => {
    const name = m.trim()
    graph.metric(name) // unknown_metric with suggestions
    if (!metrics.includes(name)) metrics.push(name)
  })
  // A layer stored before import refused oversized metrics would otherwise cost exponential CPU here.
  const oversized = oversizedMetrics(graph.manifest, [...metrics, ...filterMetricNames([query.where]), ...(query.filters ?? []).map((f) => f.field).filter((f) => graph.metrics.has(f))])
  if (oversized.length) {
    throw new SemanticError('invalid_model', Number.isFinite(oversized[0].size)
      ? `metric "${oversized[0].name}" expands to more than ${MAX_METRIC_EXPANSION} metric inputs; fix the layer`
      : `metric "${oversized[0].name}" depends on itself through Metric() filters; fix the layer`, oversized.map((o) => ({ path: o.name, issue: 'metric_too_large' })))
  }
  const sources = [...new Set(metrics.flatMap((m) => graph.metricGroupingMeasures(m)).map((m) => graph.measure(m).model.name))]
  // metric_time without a grain: the coarsest default grain of the metrics (MetricFlow).
  ctx.metricTimeGrain = metrics.length === 0 ? 'day' : metrics.map((m) => graph.metricDefaultGrain(m)).reduce((a, b) => coarserGrain(a, b))
  const rc: ResolveContext = { sources, metrics, metricTimeGrain: ctx.metricTimeGrain }

  const items: QueryItem[] = []
  ;(query.group_by ?? []).forEach((g, i) => {
    const item = resolveGroupBy(ctx, g, rc, `group_by[${i}]`)
    if (!items.some((x) => x.name === item.name)) items.push(item)
  })

  // Filters: templates, then structured planner filters (metric fields filter the result).
  const filters: FilterSpec[] = (query.where ?? []).map((w) => querySpec(w))
  const resultFilters: StructuredFilter[] = []
  const hiddenMetrics: string[] = []
  checkCompare(query, items)
  if (query.share_of_total) checkShareable(ctx, metrics, items)
  for (const f of query.filters ?? []) {
    if (graph.metrics.has(f.field)) {
      resultFilters.push(f)
      if (!metrics.includes(f.field) && !hiddenMetrics.includes(f.field)) hiddenMetrics.push(f.field)
      continue
    }
    const item = resolveParsed(ctx, graph.parseName(f.field), rc, `filters.${f.field}`)
    if (query.share_of_total && items.some((i) => i.name === item.name)) {
      // "what % of sales came from Electronics": the filter picks rows of the
      // grouped result, so the share stays a share of the unfiltered total
      resultFilters.push({ ...f, field: item.name })
      continue
    }
    const isTime = item.kind === 'metric_time' || item.kind === 'time_dimension'
    filters.push({ filter: structuredToFilter(ctx, f, isTime && !item.datePart, false), origin: 'query' })
  }
  if (metrics.length === 0 && hiddenMetrics.length > 0) {
    throw new SemanticError('invalid_filter', `filters on metrics (${hiddenMetrics.join(', ')}) need the query to request metrics`, [{ path: 'filters', issue: 'metric_filter_without_metrics' }])
  }

  let range: TimeRange | undefined
  if (query.time_constraint && (query.time_constraint.start || query.time_constraint.end)) {
    range = adjustRange(query.time_constraint, rangeGrain(ctx, items, metrics))
  }

  let dataset: Dataset
  let columns: string[]
  if (metrics.length === 0) {
    const out = compileDimensionQuery(ctx, { items, filters, range, applyGroupBy: query.apply_group_by !== false })
    dataset = out
    columns = items.map((i) => i.name)
    if (query.min_max_only) {
      const a = ctx.alias()
      const sel = select({
        items: items.flatMap((i) => [
          { expr: `MIN(${ctx.col(a, i.name)})`, alias: `${i.name}__min` },
          { expr: `MAX(${ctx.col(a, i.name)})`, alias: `${i.name}__max` },
        ]),
        from: ctx.sub(dataset, a),
      })
      columns = items.flatMap((i) => [`${i.name}__min`, `${i.name}__max`])
      dataset = { query: sel, columns }
      return finish(ctx, dialect, wrapFinal(ctx, dataset, columns, {}), metrics, items, columns)
    }
  } else {
    if (query.min_max_only) throw new SemanticError('invalid_query', 'min_max_only applies to queries without metrics', [{ path: 'min_max_only', issue: 'unsupported' }])
    const all = [...metrics, ...hiddenMetrics]
    if (query.compare) {
      if (hiddenMetrics.length) throw new SemanticError('invalid_query', 'compare cannot be combined with filters on metrics', [{ path: 'filters', issue: 'metric_filter_with_compare' }])
      dataset = compileCompared(ctx, query, metrics, { items, filters, range: range! })
      columns = [...metrics, ...items.map((i) => i.name), ...metrics.map((m) => `${m}${PREVIOUS_SUFFIX}`)]
    } else {
      dataset = compileMetricSet(ctx, all.map((m) => ({ metric: m, column: m })), { items, filters, range }).dataset
      columns = [...metrics, ...items.map((i) => i.name)]
    }
    if (query.share_of_total) {
      if (hiddenMetrics.length) throw new SemanticError('invalid_query', 'share_of_total cannot be combined with filters on metrics', [{ path: 'filters', issue: 'metric_filter_with_share' }])
      const carried = columns.filter((c) => !metrics.includes(c) && !items.some((i) => i.name === c))
      dataset = addShares(ctx, dataset, metrics, items, carried)
      columns = dataset.columns
    }
  }

  const where: string[] = []
  for (const f of resultFilters) {
    const parsed = structuredToFilter(ctx, f, false, true)
    const a = 'result'
    const resolved: ResolvedFilter = { spec: { filter: parsed, origin: 'query' }, refs: new Map(parsed.refs.map((r) => [r, { item: { name: f.field, kind: 'dimension', entityPath: [], element: f.field } }])) }
    where.push(renderResolved(ctx, resolved, (n) => ctx.col(a, n)))
  }
  const extra = columns.filter((c) => !metrics.includes(c) && !items.some((i) => i.name === c))
  const orderBy = (query.order_by ?? []).map((o, i) => orderColumn(ctx, o, [...metrics, ...extra], items, rc, i))
  let limit = query.limit
  if (options.max_rows !== undefined && (limit === undefined || limit > options.max_rows)) limit = options.max_rows
  let final: Query
  if (where.length > 0) {
    final = select({
      items: columns.map((c) => ({ expr: ctx.col('result', c), alias: c })),
      from: ctx.sub(dataset, 'result'),
      where,
      orderBy: orderBy.map((o) => ({ expr: ctx.q(o.name), desc: o.desc })),
      ...(limit !== undefined ? { limit } : {}),
    })
  } else {
    final = wrapFinal(ctx, dataset, columns, { orderBy, limit })
  }
  return finish(ctx, dialect, final, metrics, items, columns)
}

function finish(ctx: CompileContext, dialect: Dialect, final: Query, metrics: string[], items: QueryItem[], columns: string[]): CompiledQuery {
  const text = new SqlRenderer(dialect).statement(final)
  const { sql, params } = ctx.params.finalize(text, dialect)
  let cols = outputColumns(ctx, metrics, items)
  const derivedCols = derivedColumns(ctx, metrics, columns)
  if (derivedCols.length) cols = [...cols, ...derivedCols]
  else if (columns.some((c) => !cols.some((x) => x.name === c))) {
    // min_max_only: one MIN and one MAX column per item.
    cols = columns.map((c) => {
      const item = items.find((i) => c === `${i.name}__min` || c === `${i.name}__max`)
      return { name: c, kind: item?.kind === 'metric_time' ? 'time_dimension' : item?.kind ?? 'dimension' }
    })
  }
  return { sql, params, columns: cols, relations: [...ctx.relations].sort() }
}

/** Output columns of compare (`__previous`, the metric's format) and share_of_total (`__share`, a percent). */
function derivedColumns(ctx: CompileContext, metrics: string[], columns: string[]): OutputColumn[] {
  // in the SELECT's own order (metrics, group-by items, then these)
  const out: OutputColumn[] = []
  for (const c of columns) {
    const m = metrics.find((x) => c === `${x}${PREVIOUS_SUFFIX}` || c === `${x}${SHARE_SUFFIX}`)
    if (!m) continue
    const def = ctx.graph.metric(m)
    const label = def.label ?? m
    const format = ctx.graph.metricFormat(m)
    if (c.endsWith(PREVIOUS_SUFFIX)) out.push({ name: c, kind: 'metric', label: `${label} (previous period)`, ...(format ? { format } : {}) })
    else out.push({ name: c, kind: 'metric', label: `${label} (share of total)`, format: { type: 'percent', decimals: 1 } })
  }
  return out
}

