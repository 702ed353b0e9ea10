// `compare: {offset_window}`: every metric once more over the time constraint
// moved back by the window ("year to date vs the same period last year",
// "this quarter vs last quarter"), as `<metric>__previous`. Both periods are
// aggregated apart and joined on the group-by keys like metrics of two models,
// so a group present in only one period still shows (with NULL on the other side).
import { SemanticError, type SemanticQuery } from '../types'
import { parseWindow } from '../names'
import type { CompileContext, Dataset } from './context'
import { combine } from './combine'
import type { FilterSpec } from './filters'
import { isStandardGrain, type QueryItem } from './items'
import { compileMetricSet } from './metrics'
import { shiftBound, type TimeRange } from './time-constraint'

export const PREVIOUS_SUFFIX = '__previous'

export function checkCompare(q: SemanticQuery, items: QueryItem[]): void {
  if (q.compare === undefined) return
  const w = typeof q.compare === 'object' && q.compare !== null ? parseWindow(String(q.compare.offset_window ?? '')) : undefined
  if (!w || !isStandardGrain(w.unit) || w.count < 1) {
    throw new SemanticError('invalid_query', 'compare needs {offset_window: "<n> <grain>"}, e.g. {"offset_window": "1 year"}', [{ path: 'compare.offset_window', issue: 'invalid_window' }])
  }
  if (q.metrics.length === 0) throw new SemanticError('invalid_query', 'compare needs at least one metric', [{ path: 'compare', issue: 'needs_metrics' }])
  if (!q.time_constraint?.start || !q.time_constraint.end) {
    throw new SemanticError('invalid_query', 'compare needs a time_constraint with start and end (the period compared with the one before it)', [{ path: 'time_constraint', issue: 'required_for_compare' }])
  }
  if (items.some((i) => i.kind === 'metric_time' || i.kind === 'time_dimension')) {
    throw new SemanticError('invalid_query', 'compare compares two periods as wholes; to compare each month with the one before, use offset_metrics with a metric_time group-by', [{ path: 'group_by', issue: 'time_group_by_with_compare' }])
  }
}

/** The metrics over `range` and over `range` moved back, joined on the group-by items. */
export function compileCompared(ctx: CompileContext, q: SemanticQuery, metrics: string[], req: { items: QueryItem[]; filters: FilterSpec[]; range: TimeRange }): Dataset {
  const w = parseWindow(q.compare!.offset_window)!
  const unit = w.unit as Parameters<typeof shiftBound>[2]
  const back = (b: string | undefined) => (b === undefined ? undefined : shiftBound(b, -w.count, unit))
  const previous: TimeRange = { start: back(req.range.start), end: back(req.range.end) }
  if (previous.start === undefined || previous.end === undefined) {
    throw new SemanticError('invalid_query', 'the compared period falls outside the years 0001–9999', [{ path: 'compare.offset_window', issue: 'out_of_range' }])
  }
  const current = compileMetricSet(ctx, metrics.map((m) => ({ metric: m, column: m })), req)
  const before = compileMetricSet(ctx, metrics.map((m) => ({ metric: m, column: `${m}${PREVIOUS_SUFFIX}` })), { ...req, range: previous })
  return combine(ctx, [...current.values, ...before.values], req.items)
}
