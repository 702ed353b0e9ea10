// Metrics to SQL. Every metric becomes a dataset grouped by the requested items
// with one value column; measures are aggregated per semantic model and only
// then joined (on the group-by items), so joins never multiply measure rows.
import {
  SemanticError,
  type Measure, type MeasureInput, type Metric, type MetricInput, type SemanticModel, type TimeGrain,
} from '../types'
import { inputName } from '../graph'
import { METRIC_TIME, coarserGrain, grainRank, parseWindow, type TimeWindow } from '../names'
import { filterList, parseWhereFilter } from '../where-filter'
import type { CompileContext, Dataset } from './context'
import {
  filterIsTimeOnly, filterItems, filterMetricRefs, filterOnlyUses, renderResolved, resolveFilter,
  type FilterSpec, type ResolvedFilter,
} from './filters'
import { bindItem, isStandardGrain, itemBaseGrain, resolveParsed, type QueryItem, type ResolveContext } from './items'
import { buildRows, dedupeItems, type MetricJoin, type RowSource } from './rows'
import { select, type Join, type Select, type SelectItem } from './sql'
import { rangePredicates, shiftBound, truncateBound, type TimeRange } from './time-constraint'

export interface MetricRequest {
  /** Output group-by items. */
  items: QueryItem[]
  /** Filters applied to every measure the metric reads. */
  filters: FilterSpec[]
  /** Adjusted time constraint on metric_time. */
  range?: TimeRange
  /**
   * The query's time constraint for cumulative metrics nested under an offset:
   * MetricFlow constrains their time spine before the shift, not their inputs.
   */
  cumulativeRange?: TimeRange
}

export interface MetricValue {
  dataset: Dataset
  /** Column holding the value. */
  column: string
  /** fill_nulls_with: re-applied when outer joins leave gaps. */
  fill?: number
}

// ---------------------------------------------------------------- helpers

function definitionSpecs(f: string | string[] | undefined): FilterSpec[] {
  return filterList(f).map((text) => ({ filter: parseWhereFilter(text), origin: 'definition' as const }))
}

function measureInputObj(mi: string | MeasureInput | undefined): MeasureInput | undefined {
  if (mi === undefined) return undefined
  return typeof mi === 'string' ? { name: mi } : mi
}

function resolveContextFor(ctx: CompileContext, model: SemanticModel): ResolveContext {
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

function aggGrainOf(ctx: CompileContext, measure: string): TimeGrain {
  return ctx.graph.dimensionGrain(ctx.graph.aggTimeDimension(measure).dimension)
}

function selectItemsFrom(ctx: CompileContext, items: QueryItem[], exprOf: (name: string) => string): SelectItem[] {
  return items.map((i) => ({ expr: exprOf(i.name), alias: i.name }))
}

/** Projects a dataset to items + value column (drops helper columns). */
function project(ctx: CompileContext, ds: Dataset, items: QueryItem[], cols: Array<{ from: string; as: string; wrap?: (e: string) => string }>): Dataset {
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
function compute(ctx: CompileContext, ds: Dataset, items: QueryItem[], column: string, expr: (col: (name: string) => string) => string): Dataset {
  const a = ctx.alias()
  const sel = select({
    items: [...items.map((i) => ({ expr: ctx.col(a, i.name), alias: i.name })), { expr: expr((n) => ctx.col(a, n)), alias: column }],
    from: ctx.sub(ds, a),
  })
  return { query: sel, columns: [...items.map((i) => i.name), column] }
}

export function aggregateExpr(ctx: CompileContext, measure: Measure, value: string): string {
  const d = ctx.dialect
  switch (measure.agg) {
    case 'sum': return `SUM(${value})`
    case 'count': return `COUNT(${value})`
    case 'count_distinct': return `COUNT(DISTINCT ${value})`
    case 'average': return `AVG(${value})`
    case 'min': return `MIN(${value})`
    case 'max': return `MAX(${value})`
    case 'sum_boolean': return `SUM(${d.booleanToInt(value)})`
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

function unsupportedPercentile(ctx: CompileContext, measure: Measure, kind: string): SemanticError {
  return new SemanticError('unsupported', `measure "${measure.name}" needs a ${kind} percentile aggregate, which ${ctx.dialect.name} does not have`, [
    { path: measure.name, issue: 'unsupported_aggregation' },
  ])
}

/** Filters resolved for one model, with the Metric(...) joins they need. */
function prepareFilters(ctx: CompileContext, model: SemanticModel, specs: FilterSpec[]): { resolved: ResolvedFilter[]; items: QueryItem[]; joins: MetricJoin[] } {
  const rc = resolveContextFor(ctx, model)
  const resolved = specs.map((s) => resolveFilter(ctx, s, rc, (m) => metricResolveContext(ctx, m)))
  const items = dedupeItems(resolved.flatMap(filterItems))
  const joins: MetricJoin[] = []
  const seen = new Set<string>()
  for (const ref of resolved.flatMap(filterMetricRefs)) {
    if (seen.has(ref.column)) continue
    seen.add(ref.column)
    const g = ref.groupBy[0]
    const dataset = compileMetricSet(ctx, [{ metric: ref.metric, column: ref.metric }], { items: [g], filters: [] }).dataset
    const keyItem = resolveParsed(ctx, { entityPath: [], element: g.element }, rc, `Metric('${ref.metric}')`)
    if (keyItem.kind !== 'entity') throw new SemanticError('invalid_filter', `"${g.element}" is not an entity of "${model.name}"`)
    joins.push({ dataset, keyItem, datasetKey: g.name, valueColumn: ref.metric, as: ref.column })
  }
  return { resolved, items, joins }
}

function whereOf(ctx: CompileContext, rows: RowSource, resolved: ResolvedFilter[]): string[] {
  return resolved.map((f) => renderResolved(ctx, f, (n) => rows.exprs.get(n)))
}

// ---------------------------------------------------------------- measures

interface MeasureRequest {
  measure: string
  items: QueryItem[]
  filters: FilterSpec[]
  range?: TimeRange
  column: string
}

/** Aggregates one measure by the items (semi-additive measures keep only their window's rows). */
function aggregateMeasure(ctx: CompileContext, req: MeasureRequest): MetricValue {
  const { model, measure } = ctx.graph.measure(req.measure)
  if (measure.non_additive_dimension) return aggregateSemiAdditive(ctx, req, model, measure, prepareFilters(ctx, model, req.filters))
  const dataset = aggregateMeasures(ctx, { ...req, measures: [{ measure: req.measure, column: req.column }] })
  return { dataset, column: req.column }
}

/** Aggregates several measures of one model, sharing rows, joins and filters, in one SELECT. */
function aggregateMeasures(ctx: CompileContext, req: Omit<MeasureRequest, 'measure' | 'column'> & { measures: Array<{ measure: string; column: string }> }): Dataset {
  const first = ctx.graph.measure(req.measures[0].measure)
  const model = first.model
  const pf = prepareFilters(ctx, model, req.filters)
  const measures = [...new Map(req.measures.map((m) => [m.measure, ctx.graph.measure(m.measure).measure])).values()]
  const rows = buildRows(ctx, {
    model, measure: first.measure.name, measures, items: [...req.items, ...pf.items],
    aggTimeGrain: req.range ? aggGrainOf(ctx, first.measure.name) : undefined, metricJoins: pf.joins,
  })
  const where = [...whereOf(ctx, rows, pf.resolved), ...rangePredicates(ctx, rows.exprs.get('__t') ?? '', req.range)]
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
function aggregateSemiAdditive(
  ctx: CompileContext, req: MeasureRequest, model: SemanticModel, measure: Measure,
  pf: { resolved: ResolvedFilter[]; items: QueryItem[]; joins: MetricJoin[] },
): MetricValue {
  const nad = measure.non_additive_dimension!
  const groupings = nad.window_groupings ?? []
  const rows = buildRows(ctx, {
    model, measure: measure.name, measures: [measure], items: [...req.items, ...pf.items],
    aggTimeGrain: req.range ? aggGrainOf(ctx, measure.name) : undefined, nonAdditive: true, entities: groupings, metricJoins: pf.joins,
  })
  const exprOf = (n: string) => rows.exprs.get(n)!
  const where = [...whereOf(ctx, rows, pf.resolved), ...rangePredicates(ctx, rows.exprs.get('__t') ?? '', req.range)]
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

// ---------------------------------------------------------------- time spine

interface SpineInfo {
  source: Select
  /** Expression of the spine's time at `grain` inside `source` (column `__t`). */
  grain: TimeGrain
}

/** Distinct spine instants at `grain`, with every custom granularity column when at the spine's own grain. */
function spineAt(ctx: CompileContext, grain: TimeGrain, customItems: QueryItem[] = []): SpineInfo {
  const wanted = customItems.map((i) => ctx.graph.customGrains.get(i.grain!)!).filter(Boolean)
  const s = wanted.length > 0 ? { spine: wanted[0].spine, column: wanted[0].spine.primary_column.name, grain: wanted[0].spine.primary_column.time_granularity } : ctx.spine(grain)
  const a = ctx.alias('spine')
  const col = `${a}.${ctx.dialect.sourceIdentifier(s.column)}`
  const sameGrain = s.grain === grain
  // At the spine's own grain the column is used raw, so joins on it can use an index.
  const items: SelectItem[] = [{ expr: sameGrain ? col : ctx.dialect.dateTrunc(grain, col), alias: '__t' }]
  if (wanted.length > 0 && !sameGrain) {
    throw new SemanticError('unsupported', `custom granularity "${customItems[0].grain}" needs the metric at the ${s.grain} grain of its time spine`)
  }
  if (sameGrain) {
    // Custom granularities may be needed by filters too: the spine carries them all.
    for (const c of ctx.graph.customGrains.values()) {
      if (c.spine === s.spine) items.push({ expr: `${a}.${ctx.dialect.sourceIdentifier(c.column)}`, alias: `__cg_${c.name}` })
    }
  }
  return { source: select({ items, from: ctx.spineTable(s.spine, a), distinct: !sameGrain }), grain }
}

/** A time item's value computed from a spine alias (`__t` at base grain, custom columns). */
function timeFromSpine(ctx: CompileContext, spineAlias: string, item: QueryItem): string {
  const t = ctx.col(spineAlias, '__t')
  if (item.datePart) return ctx.dialect.extract(item.datePart, t)
  if (isStandardGrain(item.grain)) return ctx.dialect.dateTrunc(item.grain, t)
  return ctx.col(spineAlias, `__cg_${item.grain}`)
}

/** The finest standard grain needed to compute the time items (custom grains: their spine's grain). */
function finestGrain(ctx: CompileContext, items: QueryItem[], floor: TimeGrain): TimeGrain {
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
function joinToTimeSpine(
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
    joins: [{ kind: 'left', source: ctx.sub(value.dataset, v), on: timeItems.map((i) => `${ctx.col(s, i.name)} = ${ctx.col(v, i.name)}`) }],
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
function filterDataset(ctx: CompileContext, ds: Dataset, filters: ResolvedFilter[]): Dataset {
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

// ---------------------------------------------------------------- simple

function compileSimple(ctx: CompileContext, metric: Metric, req: MetricRequest, column: string): MetricValue {
  const mi = measureInputObj(metric.type_params.measure)
  if (!mi) throw new SemanticError('invalid_model', `simple metric "${metric.name}" has no measure`)
  const filters = [...req.filters, ...definitionSpecs(metric.filter), ...definitionSpecs(mi.filter)]
  const fill = mi.fill_nulls_with ?? metric.type_params.fill_nulls_with
  const joinSpine = mi.join_to_timespine ?? metric.type_params.join_to_timespine ?? false
  const value = aggregateMeasure(ctx, { measure: mi.name, items: req.items, filters, range: req.range, column })
  return finishMeasureMetric(ctx, value, req, mi.name, fill, joinSpine)
}

function finishMeasureMetric(ctx: CompileContext, value: MetricValue, req: MetricRequest, measure: string, fill: number | undefined, joinSpine: boolean): MetricValue {
  const timeItems = req.items.filter((i) => isAggTimeItem(ctx, measure, i))
  if (joinSpine && timeItems.length > 0) return joinToTimeSpine(ctx, { ...value, fill }, req.items, timeItems, req, measure)
  if (fill === undefined) return value
  return {
    dataset: project(ctx, value.dataset, req.items, [{ from: value.column, as: value.column, wrap: (e) => `COALESCE(${e}, ${fill})` }]),
    column: value.column,
    fill,
  }
}

// ---------------------------------------------------------------- ratio & derived

function withFilters(req: MetricRequest, extra: FilterSpec[]): MetricRequest {
  return { ...req, filters: [...req.filters, ...extra] }
}

function compileRatio(ctx: CompileContext, metric: Metric, req: MetricRequest, column: string): MetricValue {
  const tp = metric.type_params
  if (!tp.numerator || !tp.denominator) throw new SemanticError('invalid_model', `ratio metric "${metric.name}" needs a numerator and a denominator`)
  const base = withFilters(req, definitionSpecs(metric.filter))
  const num = typeof tp.numerator === 'string' ? { name: tp.numerator } : tp.numerator
  const den = typeof tp.denominator === 'string' ? { name: tp.denominator } : tp.denominator
  const parts = compileInputs(ctx, [
    { input: num, req: withFilters(base, definitionSpecs(num.filter)), column: '__numerator' },
    { input: den, req: withFilters(base, definitionSpecs(den.filter)), column: '__denominator' },
  ])
  const joined = combine(ctx, parts, req.items)
  const d = ctx.dialect
  return {
    dataset: compute(ctx, joined, req.items, column, (c) => `${d.castToDouble(c('__numerator'))} / ${d.castToDouble(`NULLIF(${c('__denominator')}, 0)`)}`),
    column,
  }
}

/** Replaces input names in a derived expression with quoted column references. */
export function substituteExpr(expr: string, columns: Map<string, string>): string {
  let out = ''
  let i = 0
  while (i < expr.length) {
    const c = expr[i]
    if (c === "'" || c === '"' || c === '`') {
      // Literals and explicitly quoted identifiers are kept as written.
      let j = i + 1
      while (j < expr.length && expr[j] !== c) j += expr[j] === '\\' ? 2 : 1
      out += expr.slice(i, j + 1)
      i = j + 1
      continue
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(expr.slice(i))
    if (m) {
      const prev = out.trimEnd().slice(-1)
      const replacement = prev !== '.' ? columns.get(m[0]) : undefined
      out += replacement ?? m[0]
      i += m[0].length
      continue
    }
    const num = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(expr.slice(i))
    if (num) {
      out += num[0]
      i += num[0].length
      continue
    }
    out += c
    i++
  }
  return out
}

function compileDerived(ctx: CompileContext, metric: Metric, req: MetricRequest, column: string): MetricValue {
  const inputs = metric.type_params.metrics ?? []
  if (inputs.length === 0 || metric.type_params.expr === undefined) throw new SemanticError('invalid_model', `derived metric "${metric.name}" needs expr and metrics`)
  const base = withFilters(req, definitionSpecs(metric.filter))
  const names = new Map<string, string>()
  const parts = compileInputs(ctx, inputs.map((mi, n) => {
    names.set(mi.alias ?? mi.name, `__input_${n}`)
    return { input: mi, req: withFilters(base, definitionSpecs(mi.filter)), column: `__input_${n}` }
  }))
  const joined = combine(ctx, parts, req.items)
  const a = ctx.alias()
  const refs = new Map([...names].map(([k, v]) => [k, ctx.col(a, v)]))
  const sel = select({
    items: [...req.items.map((i) => ({ expr: ctx.col(a, i.name), alias: i.name })), { expr: substituteExpr(metric.type_params.expr, refs), alias: column }],
    from: ctx.sub(joined, a),
  })
  return { dataset: { query: sel, columns: [...req.items.map((i) => i.name), column] }, column }
}

interface InputSpec {
  input: MetricInput
  req: MetricRequest
  column: string
}

/** A simple metric input without offset, time spine or fill: its measure and the filters that apply. */
function plainSimple(ctx: CompileContext, spec: InputSpec): { measure: string; filters: FilterSpec[] } | undefined {
  if (spec.input.offset_window !== undefined || spec.input.offset_to_grain !== undefined) return undefined
  const metric = ctx.graph.metric(spec.input.name)
  if (metric.type !== 'simple') return undefined
  const mi = measureInputObj(metric.type_params.measure)
  if (!mi || mi.join_to_timespine || metric.type_params.join_to_timespine) return undefined
  if (mi.fill_nulls_with !== undefined || metric.type_params.fill_nulls_with !== undefined) return undefined
  if (ctx.graph.measure(mi.name).measure.non_additive_dimension) return undefined
  return { measure: mi.name, filters: [...spec.req.filters, ...definitionSpecs(metric.filter), ...definitionSpecs(mi.filter)] }
}

/**
 * Compiles inputs in order. Plain simple metrics that read the same model with
 * the same filters, items and range are aggregated together in one SELECT (as
 * MetricFlow does), so they need no join at all.
 */
function compileInputs(ctx: CompileContext, inputs: InputSpec[]): MetricValue[] {
  const out: MetricValue[] = new Array(inputs.length)
  const groups = new Map<string, Array<{ index: number; measure: string; filters: FilterSpec[]; spec: InputSpec }>>()
  inputs.forEach((spec, index) => {
    const plain = plainSimple(ctx, spec)
    if (!plain) return
    const { model } = ctx.graph.measure(plain.measure)
    const key = JSON.stringify([
      model.name, ctx.graph.aggTimeDimension(plain.measure).dimension.name, spec.req.range ?? null,
      spec.req.items.map((i) => i.name), plain.filters.map((f) => `${f.origin}:${f.filter.source}`).sort(),
    ])
    const g = groups.get(key) ?? []
    g.push({ index, measure: plain.measure, filters: plain.filters, spec })
    groups.set(key, g)
  })
  const grouped = new Map<number, Array<{ index: number; measure: string; filters: FilterSpec[]; spec: InputSpec }>>()
  for (const g of groups.values()) if (g.length > 1) grouped.set(g[0].index, g)
  const done = new Set<number>()
  inputs.forEach((spec, index) => {
    if (done.has(index)) return
    const g = grouped.get(index)
    if (!g) {
      out[index] = compileInput(ctx, spec.input, spec.req, spec.column)
      return
    }
    const dataset = aggregateMeasures(ctx, {
      items: spec.req.items, filters: g[0].filters, range: spec.req.range,
      measures: g.map((x) => ({ measure: x.measure, column: x.spec.column })),
    })
    for (const x of g) {
      out[x.index] = { dataset, column: x.spec.column }
      done.add(x.index)
    }
  })
  return out
}

/** A metric input of a ratio/derived metric, with its offset when it has one. */
function compileInput(ctx: CompileContext, mi: MetricInput, req: MetricRequest, column: string): MetricValue {
  if (mi.offset_window !== undefined || mi.offset_to_grain !== undefined) return compileOffset(ctx, mi, req, column)
  return compileMetric(ctx, mi.name, req, column)
}

// ---------------------------------------------------------------- offsets

type Shift = { window: TimeWindow } | { toGrain: TimeGrain }

function shiftExpr(ctx: CompileContext, t: string, shift: Shift): string {
  if ('toGrain' in shift) return ctx.dialect.dateTrunc(shift.toGrain, t)
  if (!ctx.graph.isGrainName(shift.window.unit) || !isStandardGrain(shift.window.unit)) {
    throw new SemanticError('unsupported', `offsets in custom granularity units ("${shift.window.count} ${shift.window.unit}") are not supported`)
  }
  return ctx.dialect.dateAdd(t, -shift.window.count, shift.window.unit)
}

function parseShift(ctx: CompileContext, mi: MetricInput): Shift {
  if (mi.offset_to_grain) return { toGrain: mi.offset_to_grain }
  const w = parseWindow(mi.offset_window!, ctx.graph.customGrainNames)
  if (!w) throw new SemanticError('invalid_model', `offset_window "${mi.offset_window}" of "${mi.name}" is not a time window`)
  return { window: w }
}

/** Splits filters into those applied before time shifts (pushed to measure rows) and after (on the spine's time). */
function splitTimeFilters(ctx: CompileContext, measure: string, filters: FilterSpec[]): { pre: FilterSpec[]; post: FilterSpec[] } {
  const { model } = ctx.graph.measure(measure)
  const rc = resolveContextFor(ctx, model)
  const pre: FilterSpec[] = []
  const post: FilterSpec[] = []
  for (const f of filters) {
    let resolved: ResolvedFilter | undefined
    try {
      resolved = resolveFilter(ctx, f, rc, (m) => metricResolveContext(ctx, m))
    } catch {
      pre.push(f)
      continue
    }
    if (filterIsTimeOnly(resolved, (i) => isAggTimeItem(ctx, measure, i))) post.push(f)
    else pre.push(f)
  }
  return { pre, post }
}

/** Renders time-only filters against items computed from the spine. */
function postTimeFilters(ctx: CompileContext, measure: string, filters: FilterSpec[], exprOf: (item: QueryItem) => string): string[] {
  const { model } = ctx.graph.measure(measure)
  const rc = resolveContextFor(ctx, model)
  return filters.map((f) => {
    const resolved = resolveFilter(ctx, f, rc, (m) => metricResolveContext(ctx, m))
    const byName = new Map<string, QueryItem>()
    for (const r of resolved.refs.values()) if ('item' in r) byName.set(r.item.name, r.item)
    return renderResolved(ctx, resolved, (n) => (byName.has(n) ? exprOf(byName.get(n)!) : undefined))
  })
}

function firstMeasure(ctx: CompileContext, metric: string): string {
  const measures = ctx.graph.metricGroupingMeasures(metric)
  if (measures.length === 0) throw new SemanticError('invalid_model', `metric "${metric}" reads no measure`)
  return measures[0]
}

/** Internal metric_time item at the base grain, named `__t`. */
function baseTimeItem(grain: TimeGrain): QueryItem {
  return { name: '__t', kind: 'metric_time', entityPath: [], element: METRIC_TIME, grain }
}

/**
 * Offsets in a custom granularity (`1 alien_day`): each spine day moves to the
 * same position (n-th day) in the period `count` periods later, capped at that
 * period's last day. Columns: `__base` (original day), `__t` (day it lands on)
 * and the custom granularity columns of the landing day.
 */
function customOffsetSpine(ctx: CompileContext, w: TimeWindow, baseGrain: TimeGrain): Select {
  const cg = ctx.graph.customGrains.get(w.unit)
  if (!cg) throw new SemanticError('invalid_model', `unknown granularity "${w.unit}" in an offset window`)
  const spineGrain = cg.spine.primary_column.time_granularity
  if (spineGrain !== baseGrain) {
    throw new SemanticError('unsupported', `an offset of "${w.count} ${w.unit}" needs the metric at the ${spineGrain} grain of its time spine`)
  }
  if (!ctx.dialect.capabilities.windowFunctions) throw new SemanticError('unsupported', `${ctx.dialect.name} lacks the window functions custom offsets need`)
  const d = ctx.dialect
  const day = (a: string) => d.dateTrunc(spineGrain, `${a}.${d.sourceIdentifier(cg.spine.primary_column.name)}`)
  const period = (a: string) => `${a}.${d.sourceIdentifier(cg.column)}`
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
      from: ctx.spineTable(cg.spine, a),
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
  for (const c of ctx.graph.customGrains.values()) if (c.spine === cg.spine) items.push({ expr: `${sp}.${d.sourceIdentifier(c.column)}`, alias: `__cg_${c.name}` })
  return select({
    items,
    from: ctx.sub({ query: mapping, columns: [] }, m),
    joins: [{ kind: 'left', source: ctx.spineTable(cg.spine, sp), on: [`${day(sp)} = ${ctx.col(m, '__lead')}`] }],
  })
}

function compileOffset(ctx: CompileContext, mi: MetricInput, req: MetricRequest, column: string): MetricValue {
  const inner = ctx.graph.metric(mi.name)
  const shift = parseShift(ctx, mi)
  const measure = firstMeasure(ctx, mi.name)
  const baseGrain = ctx.graph.metricMinGrain(mi.name)
  const timeItems = req.items.filter((i) => isAggTimeItem(ctx, measure, i))
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
  const innerValue = compileMetric(ctx, mi.name, { items: [...others, baseTimeItem(baseGrain)], filters: pre, cumulativeRange: req.range ?? req.cumulativeRange }, '__value')
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

// ---------------------------------------------------------------- cumulative

/**
 * Re-aggregates base-grain values (`__t`) to the requested coarser periods with
 * MetricFlow's period_agg: the first, last or average value within each period.
 */
function periodAggregate(ctx: CompileContext, value: MetricValue, items: QueryItem[], periodAgg: 'first' | 'last' | 'average'): MetricValue {
  const a = ctx.alias()
  const col = ctx.col(a, value.column)
  const t = ctx.col(a, '__t')
  const parts = items.map((i) => ctx.col(a, i.name))
  if (!ctx.dialect.capabilities.windowFunctions) {
    const agg = periodAgg === 'average' ? `AVG(${col})` : ctx.dialect.argExtreme?.(periodAgg, col, t)
    if (!agg) throw new SemanticError('unsupported', `${ctx.dialect.name} cannot re-aggregate cumulative metrics to coarser periods`)
    const sel = select({ items: [...items.map((i) => ({ expr: ctx.col(a, i.name), alias: i.name })), { expr: agg, alias: value.column }], from: ctx.sub(value.dataset, a), groupBy: parts })
    return { dataset: { query: sel, columns: [...items.map((i) => i.name), value.column] }, column: value.column }
  }
  const over = `OVER (PARTITION BY ${parts.join(', ')}${periodAgg === 'average' ? '' : ` ORDER BY ${t} ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING`})`
  const fn = periodAgg === 'average' ? `AVG(${col})` : periodAgg === 'last' ? `LAST_VALUE(${col})` : `FIRST_VALUE(${col})`
  const sel = select({
    distinct: true,
    items: [...items.map((i) => ({ expr: ctx.col(a, i.name), alias: i.name })), { expr: `${fn} ${over}`, alias: value.column }],
    from: ctx.sub(value.dataset, a),
  })
  return { dataset: { query: sel, columns: [...items.map((i) => i.name), value.column] }, column: value.column, fill: value.fill }
}

function compileCumulative(ctx: CompileContext, metric: Metric, req: MetricRequest, column: string): MetricValue {
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
    if (window) pushdown.start = shiftBound(range.start, -window.count, window.unit as TimeGrain)
    else if (grainToDate) pushdown.start = truncateBound(range.start, grainToDate)
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

// ---------------------------------------------------------------- conversion

function compileConversion(ctx: CompileContext, metric: Metric, req: MetricRequest, column: string): MetricValue {
  const c = metric.type_params.conversion_type_params
  if (!c) throw new SemanticError('invalid_model', `conversion metric "${metric.name}" has no conversion_type_params`)
  const baseIn = measureInputObj(c.base_measure)!
  const convIn = measureInputObj(c.conversion_measure)!
  const base = ctx.graph.measure(baseIn.name)
  const conv = ctx.graph.measure(convIn.name)
  const filters = [...req.filters, ...definitionSpecs(metric.filter)]
  const baseFilters = [...filters, ...definitionSpecs(baseIn.filter)]

  const opportunities = finishMeasureMetric(
    ctx, aggregateMeasure(ctx, { measure: baseIn.name, items: req.items, filters: baseFilters, range: req.range, column: '__opportunities' }),
    req, baseIn.name, baseIn.fill_nulls_with, baseIn.join_to_timespine ?? false,
  )

  const grain = coarserGrain(aggGrainOf(ctx, baseIn.name), aggGrainOf(ctx, convIn.name))
  const props = c.constant_properties ?? []
  const propCols = (model: SemanticModel, names: string[]) => ({
    entities: names.filter((n) => model.entities.some((e) => e.name === n)),
    dimensions: names.filter((n) => !model.entities.some((e) => e.name === n)),
  })
  const col = (model: SemanticModel, n: string) => (model.entities.some((e) => e.name === n) ? `__e_${n}` : `__d_${n}`)
  const baseProps = propCols(base.model, props.map((p) => p.base_property))
  const convProps = propCols(conv.model, props.map((p) => p.conversion_property))

  const pf = prepareFilters(ctx, base.model, baseFilters)
  const bRows = buildRows(ctx, {
    model: base.model, measure: baseIn.name, measures: [], items: [...req.items, ...pf.items], aggTimeGrain: grain,
    entities: [c.entity, ...baseProps.entities], dimensions: baseProps.dimensions, metricJoins: pf.joins,
  })
  const bExpr = (n: string) => bRows.exprs.get(n)!
  const baseSel = select({
    items: [...selectItemsFrom(ctx, req.items, bExpr), { expr: bExpr('__t'), alias: '__t' }, { expr: bExpr(`__e_${c.entity}`), alias: '__entity' },
      ...props.map((p, i) => ({ expr: bExpr(col(base.model, p.base_property)), alias: `__prop_${i}` }))],
    from: bRows.from, joins: bRows.joins,
    where: [...whereOf(ctx, bRows, pf.resolved), ...rangePredicates(ctx, bExpr('__t'), req.range)],
  })
  const cpf = prepareFilters(ctx, conv.model, definitionSpecs(convIn.filter))
  const cRows = buildRows(ctx, {
    model: conv.model, measure: convIn.name, measures: [conv.measure], items: cpf.items, aggTimeGrain: grain,
    entities: [c.entity, ...convProps.entities], dimensions: convProps.dimensions, metricJoins: cpf.joins,
  })
  const cExpr = (n: string) => cRows.exprs.get(n)!
  const convSel = select({
    items: [{ expr: cExpr('__t'), alias: '__t' }, { expr: cExpr(`__e_${c.entity}`), alias: '__entity' },
      ...props.map((p, i) => ({ expr: cExpr(col(conv.model, p.conversion_property)), alias: `__prop_${i}` })),
      { expr: cExpr(conv.measure.name), alias: '__value' },
      // Each conversion event must be counted once: number the rows to tell them apart.
      { expr: ctx.dialect.rowNumber(`${cExpr('__t')}, ${cExpr(`__e_${c.entity}`)}`), alias: '__event' }],
    from: cRows.from, joins: cRows.joins, where: whereOf(ctx, cRows, cpf.resolved),
  })
  const b = ctx.alias()
  const cv = ctx.alias()
  const on = [`${ctx.col(b, '__entity')} = ${ctx.col(cv, '__entity')}`, `${ctx.col(b, '__t')} <= ${ctx.col(cv, '__t')}`]
  if (c.window) {
    const w = parseWindow(c.window, ctx.graph.customGrainNames)
    if (!w || !isStandardGrain(w.unit)) throw new SemanticError('unsupported', `conversion window "${c.window}" must use a standard time unit`)
    on.push(`${ctx.col(b, '__t')} > ${ctx.dialect.dateAdd(ctx.col(cv, '__t'), -w.count, w.unit)}`)
  }
  props.forEach((_p, i) => on.push(`${ctx.col(b, `__prop_${i}`)} = ${ctx.col(cv, `__prop_${i}`)}`))
  // Attribute each conversion to the latest base event before it.
  const d0 = ctx.dialect
  const join: Join = d0.capabilities.nonEquiJoins
    ? { kind: 'inner', source: ctx.sub({ query: convSel, columns: [] }, cv), on }
    : { kind: 'cross', source: ctx.sub({ query: convSel, columns: [] }, cv), on: [] }
  const where = d0.capabilities.nonEquiJoins ? [] : on
  let attributed: Select
  if (d0.capabilities.windowFunctions) {
    const over = `OVER (PARTITION BY ${ctx.col(cv, '__event')} ORDER BY ${ctx.col(b, '__t')} DESC ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)`
    attributed = select({
      distinct: true,
      items: [...req.items.map((i) => ({ expr: `FIRST_VALUE(${ctx.col(b, i.name)}) ${over}`, alias: i.name })),
        { expr: ctx.col(cv, '__event'), alias: '__event' }, { expr: ctx.col(cv, '__value'), alias: '__value' }],
      from: ctx.sub({ query: baseSel, columns: [] }, b),
      joins: [join],
      where,
    })
  } else {
    // No window functions: one group per conversion event, the base values of its latest base event.
    const last = (e: string) => d0.argExtreme?.('last', e, ctx.col(b, '__t'))
    if (req.items.length > 0 && !last('x')) throw new SemanticError('unsupported', `${d0.name} cannot attribute conversions to base events`)
    attributed = select({
      items: [...req.items.map((i) => ({ expr: last(ctx.col(b, i.name))!, alias: i.name })),
        { expr: ctx.col(cv, '__event'), alias: '__event' }, { expr: ctx.col(cv, '__value'), alias: '__value' }],
      from: ctx.sub({ query: baseSel, columns: [] }, b),
      joins: [join],
      where,
      groupBy: [ctx.col(cv, '__event'), ctx.col(cv, '__value')],
    })
  }
  const x = ctx.alias()
  const conversions: MetricValue = {
    dataset: {
      query: select({
        items: [...req.items.map((i) => ({ expr: ctx.col(x, i.name), alias: i.name })), { expr: aggregateExpr(ctx, conv.measure, ctx.col(x, '__value')), alias: '__conversions' }],
        from: ctx.sub({ query: attributed, columns: [] }, x),
        groupBy: req.items.map((i) => ctx.col(x, i.name)),
      }),
      columns: [...req.items.map((i) => i.name), '__conversions'],
    },
    column: '__conversions',
    fill: convIn.fill_nulls_with,
  }
  const joined = combine(ctx, [opportunities, conversions], req.items)
  const d = ctx.dialect
  const calc = c.calculation ?? 'conversion_rate'
  return {
    dataset: compute(ctx, joined, req.items, column, (col) => {
      const convValue = convIn.fill_nulls_with !== undefined ? `COALESCE(${col('__conversions')}, ${convIn.fill_nulls_with})` : col('__conversions')
      if (calc === 'conversions') return convValue
      return `${d.castToDouble(convValue)} / ${d.castToDouble(`NULLIF(${col('__opportunities')}, 0)`)}`
    }),
    column,
  }
}

// ---------------------------------------------------------------- dispatch & combine

export function compileMetric(ctx: CompileContext, name: string, req: MetricRequest, column: string): MetricValue {
  const metric = ctx.graph.metric(name)
  switch (metric.type) {
    case 'simple': return compileSimple(ctx, metric, req, column)
    case 'ratio': return compileRatio(ctx, metric, req, column)
    case 'derived': return compileDerived(ctx, metric, req, column)
    case 'cumulative': return compileCumulative(ctx, metric, req, column)
    case 'conversion': return compileConversion(ctx, metric, req, column)
  }
}

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
 * ClickHouse 18: one join per SELECT, FULL JOIN USING the keys (which merges
 * them), and the join wrapped in a subquery before aggregating (aggregating
 * directly over a join with join_use_nulls returns wrong values there).
 */
function combinePairwise(ctx: CompileContext, groups: Array<{ dataset: Dataset; values: MetricValue[] }>, items: QueryItem[]): Dataset {
  let acc = groups[0].dataset
  let accValues = [...groups[0].values]
  for (const g of groups.slice(1)) {
    const a = ctx.alias()
    const b = ctx.alias()
    const values = [...accValues, ...g.values]
    const valueRef = (p: MetricValue) => ctx.col(accValues.includes(p) ? a : b, p.column)
    const joined = select({
      items: [...items.map((i) => ({ expr: ctx.q(i.name), alias: i.name })), ...values.map((p) => ({ expr: valueRef(p), alias: p.column }))],
      from: ctx.sub(acc, a),
      joins: [items.length === 0
        ? { kind: 'cross', source: ctx.sub(g.dataset, b), on: [] }
        : { kind: 'full', source: ctx.sub(g.dataset, b), on: [], using: items.map((i) => i.name) }],
    })
    if (items.length === 0) {
      acc = { query: joined, columns: values.map((p) => p.column) }
    } else {
      const j = ctx.alias()
      // Aggregates get fresh names: ClickHouse substitutes an alias equal to a column name inside the aggregate.
      const grouped = select({
        items: [...items.map((i) => ({ expr: ctx.col(j, i.name), alias: i.name })), ...values.map((p, n) => ({ expr: `MAX(${ctx.col(j, p.column)})`, alias: `__max_${n}` }))],
        from: ctx.sub({ query: joined, columns: [] }, j),
        groupBy: items.map((i) => ctx.col(j, i.name)),
      })
      const r = ctx.alias()
      acc = {
        query: select({
          items: [...items.map((i) => ({ expr: ctx.col(r, i.name), alias: i.name })), ...values.map((p, n) => ({ expr: p.fill !== undefined ? `COALESCE(${ctx.col(r, `__max_${n}`)}, ${p.fill})` : ctx.col(r, `__max_${n}`), alias: p.column }))],
          from: ctx.sub({ query: grouped, columns: [] }, r),
        }),
        columns: [...items.map((i) => i.name), ...values.map((p) => p.column)],
      }
    }
    accValues = values
  }
  return acc
}

/** Compiles several metrics for the same items and joins them. */
export function compileMetricSet(ctx: CompileContext, metrics: Array<{ metric: string; column: string }>, req: MetricRequest): { dataset: Dataset; values: MetricValue[] } {
  const values = compileInputs(ctx, metrics.map((m) => ({ input: { name: m.metric }, req, column: m.column })))
  return { dataset: combine(ctx, values, req.items), values }
}

export { inputName }
