// Helpers of metrics computed along the time spine (cumulative and offset
// metrics): which filters apply to measure rows before a time shift and which
// to the spine's time after it, and re-aggregation of base-grain values to the
// queried coarser periods.
import { SemanticError } from '../types'
import type { CompileContext, MetricValue } from './context'
import { filterIsTimeOnly, renderResolved, resolveFilter, type FilterSpec, type ResolvedFilter } from './filters'
import type { QueryItem } from './items'
import { isAggTimeItem, metricResolveContext, resolveContextFor } from './metric-helpers'
import { select } from './sql'

/** Splits filters into those applied before time shifts (pushed to measure rows) and after (on the spine's time). */
export function splitTimeFilters(ctx: CompileContext, measure: string, filters: FilterSpec[]): { pre: FilterSpec[]; post: FilterSpec[] } {
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
export function postTimeFilters(ctx: CompileContext, measure: string, filters: FilterSpec[], exprOf: (item: QueryItem) => string): string[] {
  const { model } = ctx.graph.measure(measure)
  const rc = resolveContextFor(ctx, model)
  return filters.map((f) => {
    const resolved = resolveFilter(ctx, f, rc, (m) => metricResolveContext(ctx, m))
    const byName = new Map<string, QueryItem>()
    for (const r of resolved.refs.values()) if ('item' in r) byName.set(r.item.name, r.item)
    return renderResolved(ctx, resolved, (n) => (byName.has(n) ? exprOf(byName.get(n)!) : undefined))
  })
}

/**
 * Re-aggregates base-grain values (`__t`) to the requested coarser periods with
 * MetricFlow's period_agg: the first, last or average value within each period.
 */
export function periodAggregate(ctx: CompileContext, value: MetricValue, items: QueryItem[], periodAgg: 'first' | 'last' | 'average'): MetricValue {
  const a = ctx.alias()
  const col = ctx.col(a, value.column)
  const t = ctx.col(a, '__t')
  const parts = items.map((i) => ctx.col(a, i.name))
  if (!ctx.dialect.capabilities.windowFunctions) {
    const agg = periodAgg === 'average' ? `AVG(${col})` : ctx.dialect.argExtreme?.(periodAgg, col, [t])
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
