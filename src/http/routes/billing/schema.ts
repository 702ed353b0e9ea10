import { z } from '@hono/zod-openapi'
import { Instant } from '../audit/schema'

const Limit = z.number().int().nullable().openapi({ description: 'null = unlimited' })

export const PlanSchema = z.object({
  name: z.string().openapi({ example: 'team' }),
  limits: z.object({
    requests_per_hour: Limit.openapi({ example: 10000, description: 'Requests per hour per tenant (what X-RateLimit-Limit reports when it binds); null = unlimited' }),
    queries_per_month: Limit.openapi({ example: 50000 }),
    rows_per_month: Limit.openapi({ example: 100000000 }),
    llm_tokens_per_month: Limit.openapi({ example: 10000000 }),
    connections: Limit.openapi({ example: 10 }),
    seats: Limit.openapi({ example: 50, description: 'Active (not disabled) users' }),
  }),
  usage: z.object({ queries: z.number().int(), rows: z.number().int(), llm_tokens: z.number().int(), connections: z.number().int(), seats: z.number().int() })
    .openapi({ description: 'Used so far this period (monthly meters) and now (connections, seats)' }),
  period_start: z.string().openapi({ example: '2026-12-01T00:00:00.000Z' }),
  period_end: z.string().openapi({ example: '2027-01-01T00:00:00.000Z' }),
}).openapi('BillingPlan')

const Units = { queries: z.number().int(), rows: z.number().int(), llm_tokens: z.number().int() }

export const UsageSchema = z.object({
  period: z.string().openapi({ example: '2026-12' }),
  period_start: z.string(),
  period_end: z.string(),
  totals: z.object(Units),
  days: z.array(z.object({ date: z.string().openapi({ example: '2026-12-06' }), ...Units })).openapi({ description: 'Days with metered units (UTC), in order' }),
}).openapi('BillingUsage')

export const UsageQuery = z.object({
  period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month like 2026-12').optional()
    .openapi({ example: '2026-12', description: 'The month (UTC); default: the current one' }),
})

export const MeterEventsQuery = z.object({
  since: Instant.openapi({ example: '2026-12-01T00:00:00Z', description: 'Events at or after this instant (required)' }),
})

export const MeterEventSchema = z.object({
  identifier: z.string().openapi({ example: 'ten_3kT9x0aQ1bZ7yW2eR4uI:queries:mev_8fK2mQ9xLp3RtV7wYz1A', description: 'Stable and unique: resend it as the idempotency identifier' }),
  event_name: z.enum(['queries', 'rows', 'llm_tokens']),
  timestamp: z.number().int().openapi({ example: 1796570057, description: 'Unix seconds' }),
  value: z.number().int(),
  tenant: z.string(),
  payload: z.object({ value: z.string(), tenant: z.string() }).openapi({ description: "Stripe's meter event payload (map tenant to stripe_customer_id)" }),
  occurred_at: z.string(),
}).openapi('MeterEvent')
