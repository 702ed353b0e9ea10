// Finishing a measure-based metric's value: join_to_timespine (every period of
// the range appears) and fill_nulls_with. Used by simple, cumulative, offset
// and conversion metrics alike, so it lives below all of them.
import type { CompileContext, MetricRequest, MetricValue } from './context'
import { isAggTimeItem, project } from './metric-helpers'
import { joinToTimeSpine } from './time-spine'

export function finishMeasureMetric(ctx: CompileContext, value: MetricValue, req: MetricRequest, measure: string, fill: number | undefined, joinSpine: boolean): MetricValue {
  const timeItems = req.items.filter((i) => isAggTimeItem(ctx, measure, i))
  if (joinSpine && timeItems.length > 0) return joinToTimeSpine(ctx, { ...value, fill }, req.items, timeItems, req, measure)
  if (fill === undefined) return value
  return {
    dataset: project(ctx, value.dataset, req.items, [{ from: value.column, as: value.column, wrap: (e) => `COALESCE(${e}, ${fill})` }]),
    column: value.column,
    fill,
  }
}
