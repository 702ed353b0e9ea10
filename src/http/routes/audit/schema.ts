import { z } from '@hono/zod-openapi'
import { AUDIT_ACTOR_TYPES, AUDIT_OUTCOMES } from '../../../audit/audit-actions'
import { PaginationQuery } from '../../openapi'
import { isStorableInstant, STORABLE_INSTANT_RANGE } from '../../../storable-instant'

export const AuditEntrySchema = z.object({
  id: z.string().openapi({ example: 'aud_3kT9x0aQ1bZ7yW2eR4uI' }),
  seq: z.number().int().nullable().openapi({ description: "Position in the tenant's hash chain (null: written before the chain existed)" }),
  occurred_at: z.string().openapi({ example: '2026-12-06T14:03:10.123Z' }),
  actor: z.object({
    type: z.enum(AUDIT_ACTOR_TYPES),
    id: z.string().nullable().openapi({ example: 'usr_7Hk2mQ9xLp3RtV7wYz1A' }),
    display: z.string().nullable().openapi({ example: 'ana@example.com' }),
  }).nullable().openapi({ description: 'Who acted; null when nobody was authenticated (a failed login)' }),
  action: z.string().openapi({ example: 'connection.create', description: 'One of the documented actions (see the list operation)' }),
  resource: z.object({ type: z.string().openapi({ example: 'connection' }), id: z.string().nullable().openapi({ example: 'conn_8fK2mQ9xLp3RtV7wYz1A' }) }).nullable(),
  outcome: z.enum(AUDIT_OUTCOMES),
  ip: z.string().nullable().openapi({ example: '203.0.113.7' }),
  user_agent: z.string().nullable(),
  request_id: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).openapi({
    description: 'Redacted by construction: counts, durations, status words, identifiers and field names only (route, status, error_code, fields, query_id, connection_id, rows, duration_ms, planner, llm_tokens, ...)',
    example: { route: 'POST /api/v1/connections', status: 201, fields: ['config', 'credentials', 'name', 'type'] },
  }),
  prev_hash: z.string().nullable(),
  hash: z.string().nullable().openapi({ description: 'SHA-256 over the canonical record and prev_hash' }),
}).openapi('AuditEntry')

export const AuditListSchema = z.object({ data: z.array(AuditEntrySchema), next_cursor: z.string().nullable() }).openapi('AuditList')

export const AuditVerifySchema = z.object({
  ok: z.boolean(),
  checked: z.number().int().openapi({ description: 'Records whose hash was recomputed' }),
  first_break: z.object({
    id: z.string().nullable(),
    seq: z.number().int(),
    reason: z.enum(['hash_mismatch', 'prev_hash_mismatch', 'seq_gap', 'missing_records', 'head_mismatch']),
  }).nullable().openapi({ description: 'The first record where the chain does not hold (null when ok)' }),
  unchained: z.number().int().openapi({ description: 'Records written before the chain existed (not covered by it)' }),
}).openapi('AuditVerification')

// Accepts an ISO 8601 date or date-time; a date means its midnight UTC.
export const Instant = z.string().max(40)
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/, 'must be an ISO 8601 date or date-time with a zone (2026-01-31 or 2026-01-31T12:00:00Z)')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'is not a valid date')
  .refine((s) => isStorableInstant(new Date(s)), `must be ${STORABLE_INSTANT_RANGE}`)
  .transform((s) => new Date(s))

export const AuditFilterQuery = z.object({
  action: z.string().trim().min(1).max(100).regex(/^[a-z_]+(\.[a-z_]+)*\.?(\*)?$/, 'must be an action or a prefix of one, like user.create, user. or user.*').optional()
    .openapi({ example: 'api_key.', description: 'A prefix of the action (`user.` matches user.create and user.delete; `user.*` is the same)' }),
  actor_id: z.string().min(1).max(128).optional(),
  resource_type: z.string().min(1).max(64).regex(/^[a-z_]+$/, 'must be a resource type like connection or user').optional(),
  resource_id: z.string().min(1).max(128).optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  since: Instant.optional().openapi({ example: '2026-01-01T00:00:00Z', description: 'Records at or after this instant' }),
  until: Instant.optional().openapi({ example: '2026-02-01T00:00:00Z', description: 'Records before this instant' }),
})

export const AuditQuery = PaginationQuery.merge(AuditFilterQuery)

export const AuditExportQuery = AuditFilterQuery.extend({
  format: z.enum(['ndjson', 'csv']).default('ndjson').openapi({ description: 'NDJSON (one record per line) or CSV (flattened columns)' }),
})
