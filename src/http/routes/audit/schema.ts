import { z } from '@hono/zod-openapi'
import { AUDIT_OUTCOMES } from '../../../audit/audit-service'
import { PaginationQuery } from '../../openapi'

export const AuditEntrySchema = z.object({
  id: z.string().openapi({ example: 'aud_3kT9x0aQ1bZ7yW2eR4uI' }),
  action: z.string().openapi({ example: 'api_key.create' }),
  outcome: z.enum(AUDIT_OUTCOMES),
  actor_id: z.string().nullable().openapi({ example: 'usr_7Hk2mQ9xLp3RtV7wYz1A' }),
  actor_type: z.enum(['user', 'api_key', 'scim']).nullable(),
  target_id: z.string().nullable().openapi({ example: 'key_8fK2mQ9xLp3RtV7wYz1A' }),
  ip: z.string().nullable().openapi({ example: '203.0.113.7' }),
  request_id: z.string().nullable(),
  created_at: z.string(),
}).openapi('AuditEntry')

export const AuditListSchema = z.object({ data: z.array(AuditEntrySchema), next_cursor: z.string().nullable() }).openapi('AuditList')

// Accepts an ISO 8601 date or date-time; a date means its midnight UTC.
export const Instant = z.string().max(40)
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/, 'must be an ISO 8601 date or date-time with a zone (2026-01-31 or 2026-01-31T12:00:00Z)')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'is not a valid date')
  .transform((s) => new Date(s))

export const AuditQuery = PaginationQuery.extend({
  action: z.string().trim().min(1).max(100).regex(/^[a-z_.]+(\.\*)?$/, 'must be an action like user.create, or a family like user.*').optional()
    .openapi({ example: 'api_key.*', description: 'An action, or a family of actions ending in .*' }),
  actor_id: z.string().min(1).max(128).optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  since: Instant.optional().openapi({ example: '2026-01-01T00:00:00Z', description: 'Entries at or after this instant' }),
  until: Instant.optional().openapi({ example: '2026-02-01T00:00:00Z', description: 'Entries before this instant' }),
})
