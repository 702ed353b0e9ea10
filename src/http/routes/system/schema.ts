// Schemas of the system routes (health, readiness, webhook secret).
import { z } from '@hono/zod-openapi'

export const HealthSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  failing: z.array(z.string()).optional(),
}).openapi('Health')

export const ReadinessSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  failing: z.array(z.enum(['draining', 'store', 'redis', 'migrations'])).openapi({
    description: 'What keeps the instance from taking traffic: `draining` (shutting down after SIGTERM), `store`, `redis` (configured but unreachable), `migrations` (not applied yet).',
  }),
}).openapi('Readiness')

export const SecretSchema = z.object({
  secret: z.string().openapi({ example: 'whsec_Jx3...' }),
  algorithm: z.literal('hmac-sha256'),
  header: z.literal('X-Nexatron-Signature'),
}).openapi('WebhookSecret')

export const SecretStatusSchema = z.object({
  set: z.boolean(),
  hint: z.string().nullable().openapi({ description: "The secret's first 8 and last 4 characters; null when none is set", example: 'whsec_Jx…9fQa' }),
  algorithm: z.literal('hmac-sha256'),
  header: z.literal('X-Nexatron-Signature'),
}).openapi('WebhookSecretStatus')
