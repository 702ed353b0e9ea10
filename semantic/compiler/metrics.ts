// Metrics to SQL. Every metric becomes a dataset grouped by the requested items
// with one value column; measures are aggregated per semantic model and only
// then joined (on the group-by items), so joins never multiply measure rows.
import { sqlFragmentProblem } from '../sql-fragment'
import { SemanticError, type Metric, type MetricInput } from '../types'
import type { CompileContext, Dataset, MetricCompiler, MetricRequest, MetricValue } from './context'
import type { FilterSpec } from './filters'
import { select } from './sql'
import { combine } from './combine'
import { compileConversion } from './conversion'
import { compileCumulative } from './cumulative'
import { finishMeasureMetric } from './finish'
import { aggregateMeasure, aggregateMeasures } from './measures'
import { compute, definitionSpecs, measureInputObj } from './metric-helpers'
import { compileOffset } from './offsets'

// ---------------------------------------------------------------- simple

export function compileSimple(ctx: CompileContext, metric: Metric, req: MetricRequest, column: string): MetricValue {
  const mi = measureInputObj(metric.type_params.measure)
  if (!mi) throw new SemanticError('invalid_model', `simple metric "${metric.name}" has no measure`)
  const filters = [...req.filters, ...definitionSpecs(metric.filter), ...definitionSpecs(mi.filter)]
  const fill = mi.fill_nulls_with ?? metric.type_params.fill_nulls_with
  const joinSpine = mi.join_to_timespine ?? metric.type_params.join_to_timespine ?? false
  const value = aggregateMeasure(ctx, { measure: mi.name, items: req.items, filters, range: req.range, column })
  return finishMeasureMetric(ctx, value, req, mi.name, fill, joinSpine)
}

// ---------------------------------------------------------------- ratio & derived

export function withFilters(req: MetricRequest, extra: FilterSpec[]): MetricRequest {
  return { ...req, filters: [...req.filters, ...extra] }
}

export function compileRatio(ctx: CompileContext, metric: Metric, req: MetricRequest, column: string): MetricValue {
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

export function compileDerived(ctx: CompileContext, metric: Metric, req: MetricRequest, column: string): MetricValue {
  const inputs = metric.type_params.metrics ?? []
  if (inputs.length === 0 || metric.type_params.expr === undefined) throw new SemanticError('invalid_model', `derived metric "${metric.name}" needs expr and metrics`)
  // Checked when stored; again here (as rows.ts does for model exprs) so a layer
  // built in code cannot paste unchecked text, or a forged column ref, into SQL.
  const problem = sqlFragmentProblem(metric.type_params.expr)
  if (problem) throw new SemanticError('invalid_model', `the expr of metric "${metric.name}" is not a single SQL expression: ${problem}`)
  const base = withFilters(req, definitionSpecs(metric.filter))
  const names = new Map<string, string>()
  const parts = compileInputs(ctx, inputs.map((mi, n) => {
    names.set(mi.alias ?? mi.name, `__input_${n}`)
    return { input: mi, req: withFilters(base, definitionSpecs(mi.filter)), column: `__input_${n}` }
  }))
  const joined = combine(ctx, parts, req.items)
  const a = ctx.alias()
  // A division over DECIMALs rounds on some engines (MariaDB: 4 digits): inputs are read as DOUBLE there.
  const asDouble = ctx.dialect.capabilities.decimalDivision && metric.type_params.expr.includes('/')
  const refs = new Map([...names].map(([k, v]) => [k, asDouble ? ctx.dialect.castToDouble(ctx.col(a, v)) : ctx.col(a, v)]))
  const sel = select({
    items: [...req.items.map((i) => ({ expr: ctx.col(a, i.name), alias: i.name })), { expr: substituteExpr(metric.type_params.expr, refs), alias: column }],
    from: ctx.sub(joined, a),
  })
  return { dataset: { query: sel, columns: [...req.items.map((i) => i.name), column] }, column }
}

export interface InputSpec {
  input: MetricInput
  req: MetricRequest
  column: string
}

/** A simple metric input without offset, time spine or fill: its measure and the filters that apply. */
export function plainSimple(ctx: CompileContext, spec: InputSpec): { measure: string; filters: FilterSpec[] } | undefined {
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
export function compileInputs(ctx: CompileContext, inputs: InputSpec[]): MetricValue[] {
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
export function compileInput(ctx: CompileContext, mi: MetricInput, req: MetricRequest, column: string): MetricValue {
  if (mi.offset_window !== undefined || mi.offset_to_grain !== undefined) return compileOffset(ctx, mi, req, column)
  return compileMetric(ctx, mi.name, req, column)
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

/** Compiles several metrics for the same items and joins them (combine.ts). */
export function compileMetricSet(ctx: CompileContext, metrics: Array<{ metric: string; column: string }>, req: MetricRequest): { dataset: Dataset; values: MetricValue[] } {
  const values = compileInputs(ctx, metrics.map((m) => ({ input: { name: m.metric }, req, column: m.column })))
  return { dataset: combine(ctx, values, req.items), values }
}

/** The context's callbacks into this dispatcher (see MetricCompiler in context.ts). */
export const METRIC_COMPILER: MetricCompiler = {
  metric: compileMetric,
  metricSet: compileMetricSet,
}
