// The parts of a structured semantic query's body, shared by POST
// /semantic/query (every option) and POST /query's `plan` (what an answer or
// a clarification candidate writes: no `where` SQL, no saved query).
import { z } from '@hono/zod-openapi'
import { TIME_GRAINS, DATE_PARTS, type OffsetMetricInput, type TimeGrain } from '../../../../semantic/types'
import { AppError } from '../../errors'

export const AdhocMetric = z.object({
  name: z.string().min(1).max(300),
  alias: z.string().min(1).max(200).optional().openapi({ description: 'Output name; default `<name>__<window with _>_ago` or `<name>__<grain>_start`' }),
  offset_window: z.string().min(1).max(40).optional().openapi({ example: '1 month' }),
  offset_to_grain: z.enum(TIME_GRAINS).optional(),
}).strict().openapi('AdhocOffsetMetric')
const GroupBy = z.union([z.string().min(1).max(300), z.object({ name: z.string().min(1).max(300), grain: z.enum(TIME_GRAINS).optional(), date_part: z.enum(DATE_PARTS).optional() }).strict()])
const FilterValue = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()])

/** Fields a plan's query and /semantic/query share, with the same bounds. */
export const planQueryFields = {
  offset_metrics: z.array(AdhocMetric.required({ alias: true })).max(50).optional().openapi({
    description: 'Ad-hoc offset metrics as answers write them in `plan.query` (each alias also listed in `metrics`), so a plan runs again as it is',
  }),
  group_by: z.array(GroupBy).max(50).optional(),
  compare: z.object({ offset_window: z.string().min(1).max(40).openapi({ example: '1 year' }) }).strict().optional().openapi({
    description: 'Period comparison: adds `<metric>__previous`, each metric over the time_constraint moved back by offset_window (needs time_constraint start and end; no time group-by)',
  }),
  share_of_total: z.boolean().optional().openapi({
    description: "Adds `<metric>__share` (0..1): each row's part of the total over all rows of the query, computed before limit; filters on a grouped dimension pick rows after the total. Additive metrics (sums, counts) only",
  }),
  filters: z.array(z.object({
    field: z.string().min(1).max(300),
    op: z.enum(['=', '!=', '>', '>=', '<', '<=', 'in', 'not_in', 'between', 'like', 'is_null', 'is_not_null']),
    value: z.union([FilterValue, z.array(z.union([z.string().max(10_000), z.number(), z.boolean()])).max(1000)]).optional(),
  }).strict()).max(50).optional(),
  time_constraint: z.object({ start: z.string().max(40).optional(), end: z.string().max(40).optional() }).strict().optional(),
  order_by: z.array(z.string().min(1).max(301)).max(50).optional(),
  limit: z.number().int().min(0).max(10_000_000).optional(),
}

/** A plan's structured query: metric names (offset metrics by alias, defined in offset_metrics) and the shared fields. */
export const PlanQuerySchema = z.object({
  metrics: z.array(z.string().min(1).max(300)).min(1).max(50),
  ...planQueryFields,
}).strict().openapi('PlanQuery')

export type AdhocInput = { name: string; alias?: string; offset_window?: string; offset_to_grain?: TimeGrain }

/** One ad-hoc offset metric, `path` naming it in errors: exactly one offset, and an output name. */
export function offsetMetric(m: AdhocInput, path: string): OffsetMetricInput {
  if ((m.offset_window === undefined) === (m.offset_to_grain === undefined)) {
    throw new AppError('validation_error', `${path.replace(/\.(\d+)/, '[$1]')} needs exactly one of offset_window or offset_to_grain`, [{ path, issue: 'needs_one_offset' }])
  }
  const alias = m.alias ?? (m.offset_window !== undefined ? `${m.name}__${m.offset_window.trim().replace(/\s+/g, '_')}_ago` : `${m.name}__${m.offset_to_grain}_start`)
  return { name: m.name, alias, ...(m.offset_window !== undefined ? { offset_window: m.offset_window } : { offset_to_grain: m.offset_to_grain }) }
}

