import { z } from '@hono/zod-openapi'
import { USAGE_GROUPS, USAGE_INTERVALS } from '../../../analytics/usage-analytics'

const Figures = {
  queries: z.number().int().openapi({ description: 'Every run: succeeded + failed + refused + clarified + cancelled + pending' }),
  succeeded: z.number().int(),
  failed: z.number().int().openapi({ description: 'Failed for another reason than a refusal or a clarification (database, LLM down, timeout, ...)' }),
  refused: z.number().int().openapi({ description: 'The semantic layer could not ground the question (question_not_understood, unknown_metric, unknown_dimension, unknown_measure, llm_refused, llm_invalid_plan)' }),
  clarified: z.number().int().openapi({ description: 'Answered with 422 ambiguous_question: the asker was offered readings to choose from' }),
  cancelled: z.number().int(),
  pending: z.number().int().openapi({ description: 'Queued or running when the report was made' }),
  rows: z.number().openapi({ description: 'Rows returned' }),
  llm_tokens: z.number().openapi({ description: 'LLM tokens (prompt + completion) spent planning and summarising' }),
  active_users: z.number().int().openapi({ description: 'Distinct people (a personal API key counts as its owner) and service keys that ran a query' }),
  p50_ms: z.number().nullable().openapi({ description: 'Median duration of succeeded runs; null when there were none' }),
  p95_ms: z.number().nullable().openapi({ description: '95th percentile duration of succeeded runs; null when there were none' }),
}

export const UsageFiguresSchema = z.object(Figures).openapi('UsageFigures')

export const UsageReportSchema = z.object({
  from: z.string().openapi({ example: '2026-03-01T00:00:00.000Z' }),
  to: z.string().openapi({ example: '2026-04-01T00:00:00.000Z' }),
  interval: z.enum(USAGE_INTERVALS),
  group_by: z.enum(USAGE_GROUPS).nullable(),
  timezone: z.string().openapi({ description: "The tenant's time zone: intervals are its calendar days, ISO weeks (Monday first) and months" }),
  totals: UsageFiguresSchema,
  series: z.array(z.object({
    start: z.string().openapi({ example: '2026-03-02', description: 'First day of the interval (a date of the tenant\'s time zone); every interval of the range is present, empty ones with zeros' }),
    ...Figures,
  })),
  groups: z.array(z.object({
    key: z.string().openapi({ description: 'The user (or service key) id, the key id, the connection id, the metric name, or the planner (offline, llm, none)' }),
    label: z.string().nullable().openapi({ description: "The user's email, the key's or connection's name; null for metrics, planners and deleted objects" }),
    ...Figures,
  })).optional().openapi({ description: 'Only with group_by, busiest first. `metric` counts a run under each metric its plan named; `api_key` counts only runs made with a key' }),
  top_questions: z.array(z.object({
    question: z.string().openapi({ description: 'The latest wording; questions differing only in case, spacing or trailing punctuation count as one' }),
    count: z.number().int(), succeeded: z.number().int(), last_asked_at: z.string(),
  })),
  top_metrics: z.array(z.object({ metric: z.string(), count: z.number().int().openapi({ description: 'Runs whose plan named it' }), succeeded: z.number().int() })),
  refused_questions: z.array(z.object({
    question: z.string(), count: z.number().int(), last_asked_at: z.string(),
    code: z.string().openapi({ example: 'question_not_understood', description: 'The error of the latest refusal' }),
  })).openapi({ description: 'The questions the semantic layer could not ground, most asked first: the list of its gaps' }),
}).openapi('UsageReport')

// Kept as text: a bare date is read in the tenant's time zone, which the route knows only after authentication.
const DateOrInstant = z.string().max(40)
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/, 'must be an ISO 8601 date or date-time with a zone (2026-01-31 or 2026-01-31T12:00:00Z)')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'is not a valid date')

export const UsageQuery = z.object({
  from: DateOrInstant.optional().openapi({ example: '2026-03-01', description: "Start, inclusive. A date is midnight of the tenant's time zone. Default: 30 days before `to`" }),
  to: DateOrInstant.optional().openapi({ example: '2026-04-01', description: "End, exclusive. A date is midnight of the tenant's time zone. Default: now" }),
  interval: z.enum(USAGE_INTERVALS).default('day').openapi({ example: 'day', description: 'Length of each series entry' }),
  group_by: z.enum(USAGE_GROUPS).optional().openapi({ example: 'user' }),
  limit: z.coerce.number().int().min(1).max(100).default(10).openapi({ example: 10, description: 'Length of top_questions, top_metrics and refused_questions (1–100)' }),
  since: DateOrInstant.optional().openapi({ deprecated: true, description: 'Older name of `from`' }),
  until: DateOrInstant.optional().openapi({ deprecated: true, description: 'Older name of `to`' }),
})
