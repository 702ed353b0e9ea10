// `share_of_total`: `<metric>__share`, each row's part (0..1) of the metric's
// total over every row of the query: the total is a second aggregate over the
// same grouped result (not the rows a limit lets through), joined as one row.
// No window functions, so it runs on ClickHouse 18 and MySQL 5.7 too.
// A share only adds up for additive metrics: sums and counts. Averages, ratios,
// distinct counts, medians and min/max are refused rather than given a share
// that means nothing.
import { SemanticError, type AggregationType } from '../types'
import type { CompileContext, Dataset } from './context'
import type { QueryItem } from './items'
import { select } from './sql'

export const SHARE_SUFFIX = '__share'
const ADDITIVE: ReadonlySet<AggregationType> = new Set(['sum', 'count', 'sum_boolean'])

export function checkShareable(ctx: CompileContext, metrics: string[], items: QueryItem[]): void {
  if (metrics.length === 0) throw new SemanticError('invalid_query', 'share_of_total needs at least one metric', [{ path: 'share_of_total', issue: 'needs_metrics' }])
  for (const m of metrics) {
    const def = ctx.graph.metric(m)
    const measure = def.type === 'simple' ? (typeof def.type_params.measure === 'string' ? def.type_params.measure : def.type_params.measure?.name) : undefined
    const agg = measure ? ctx.graph.measure(measure).measure.agg : undefined
    if (!agg || !ADDITIVE.has(agg) || ctx.graph.measure(measure!).measure.non_additive_dimension) {
      throw new SemanticError('invalid_query', `share_of_total applies to additive metrics (sums and counts); "${m}" is ${agg ? `a ${agg}` : `a ${def.type} metric`}, whose parts do not add up to its total`, [{ path: 'share_of_total', issue: 'not_additive', metric: m } as { path: string; issue: string }])
    }
  }
  if (items.some((i) => i.kind === 'metric_time' || i.kind === 'time_dimension')) {
    throw new SemanticError('invalid_query', 'share_of_total is a share of the whole result; group by categories only (a share per period is not supported yet)', [{ path: 'group_by', issue: 'time_group_by_with_share' }])
  }
}

/** The dataset with one `<metric>__share` column per metric, computed against the grand total. */
export function addShares(ctx: CompileContext, ds: Dataset, metrics: string[], items: QueryItem[], carried: string[] = []): Dataset {
  const r = ctx.alias()
  const t = ctx.alias()
  const inner = ctx.alias()
  const totals = select({
    items: metrics.map((m) => ({ expr: `SUM(${ctx.col(inner, m)})`, alias: `${m}__total` })),
    from: ctx.sub(ds, inner),
  })
  const share = (m: string) => `CASE WHEN ${ctx.col(t, `${m}__total`)} = 0 THEN NULL ELSE ${ctx.dialect.castToDouble(ctx.col(r, m))} / ${ctx.col(t, `${m}__total`)} END`
  const columns = [...metrics, ...items.map((i) => i.name), ...carried, ...metrics.map((m) => `${m}${SHARE_SUFFIX}`)]
  const query = select({
    items: [
      ...metrics.map((m) => ({ expr: ctx.col(r, m), alias: m })),
      ...items.map((i) => ({ expr: ctx.col(r, i.name), alias: i.name })),
      ...carried.map((c) => ({ expr: ctx.col(r, c), alias: c })),
      ...metrics.map((m) => ({ expr: share(m), alias: `${m}${SHARE_SUFFIX}` })),
    ],
    from: ctx.sub(ds, r),
    joins: [{ kind: 'cross', source: { kind: 'query', query: totals, alias: t }, on: [] }],
  })
  return { query, columns }
}
