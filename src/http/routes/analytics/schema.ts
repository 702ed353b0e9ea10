import { z } from '@hono/zod-openapi'
import { USAGE_GROUPS } from '../../../analytics/usage-analytics'
import { Instant } from '../audit/schema'

const Figures = {
  queries: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
  pending: z.number().int().openapi({ description: 'Queued or running' }),
  rows: z.number().openapi({ description: 'Rows returned' }),
  llm_tokens: z.object({ prompt: z.number(), completion: z.number(), total: z.number() }),
  latency_ms: z.object({ p50: z.number().nullable(), p95: z.number().nullable(), avg: z.number().nullable() })
    .openapi({ description: 'Of succeeded runs; null when there were none' }),
  error_rate: z.number().openapi({ description: 'failed / (succeeded + failed)' }),
}

export const UsageFiguresSchema = z.object(Figures).openapi('UsageFigures')

export const UsageReportSchema = z.object({
  group_by: z.enum(USAGE_GROUPS),
  since: z.string(),
  until: z.string(),
  timezone: z.string().openapi({ description: "The tenant's time zone: days are its calendar days" }),
  totals: UsageFiguresSchema,
  data: z.array(z.object({
    key: z.string().openapi({ description: 'The day (YYYY-MM-DD), the user or key id, or the connection id' }),
    label: z.string().nullable().openapi({ description: "The user's email, the key's or connection's name" }),
    ...Figures,
  })),
}).openapi('UsageReport')

export const UsageQuery = z.object({
  group_by: z.enum(USAGE_GROUPS).default('day').openapi({ example: 'day' }),
  since: Instant.optional().openapi({ example: '2026-01-01', description: 'Default: 30 days before until' }),
  until: Instant.optional().openapi({ example: '2026-02-01', description: 'Default: now' }),
})
