import { z } from '@hono/zod-openapi'
import { PlanQuerySchema } from '../semantic/query-parts'

export const QueryRequestSchema = z.object({
  question: z.string().trim().min(1).max(2000).optional().openapi({
    description: 'Required unless `interpretation` or `plan` is given (then its phrase is recorded as what was asked)', example: 'What were total sales last quarter?',
  }),
  connection_id: z.string().min(1).max(64).optional().openapi({ example: 'conn_xyz789' }),
  conversation_id: z.string().min(1).max(64).optional().openapi({ example: 'conv_abc123' }),
  interpretation: z.string().min(5).max(8004).optional()
    .openapi({ description: 'A candidate id from an `ambiguous_question` answer (`details[0].candidates[].id`): runs that interpretation of the question' }),
  plan: z.union([PlanQuerySchema, z.object({ kind: z.literal('semantic'), query: PlanQuerySchema }).passthrough()]).optional().openapi({
    description: "A plan to run as it is instead of planning `question`: a clarification candidate's `plan`, or an answer's `plan` (its `query` runs). " +
      'Structured plans only (no `where` SQL, no raw SQL); the same as POST /semantic/query with that query',
  }),
  format: z.enum(['json', 'csv']).default('json')
    .openapi({ description: "csv: an attachment `<query-id>.csv`; text cells starting with = + - @, tab or CR get a leading ' (formula injection)" }),
  max_rows: z.number().int().min(1).max(10_000_000).optional().openapi({ description: 'Capped by the connection limit; `truncated` tells when hit' }),
  async: z.boolean().optional().openapi({ description: 'Queue the query and answer 202 at once' }),
  webhook_url: z.string().url().max(2048).refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL').optional()
    .openapi({ description: 'POSTed the result when done (implies async); signed with X-Nexatron-Signature' }),
}).strict().openapi('QueryRequest')

export const ColumnSchema = z.object({
  name: z.string(),
  type: z.string().openapi({ example: 'decimal' }),
  json_type: z.string().openapi({ example: 'number' }),
  kind: z.string().optional(),
  label: z.string().optional(),
  format: z.any().optional(),
  grain: z.string().optional(),
}).openapi('Column')

export const CacheStatusSchema = z.enum(['hit', 'miss', 'off']).openapi({
  description: 'Result cache: `hit` (the rows were served again without running the SQL), `miss` (run, and stored when complete and small enough) '
    + "or `off` (not cacheable: raw SQL without the connection's options.cache_ttl_s, cache_ttl_s 0, or the cache disabled on this server). "
    + 'Also the X-Nexatron-Cache header.',
  example: 'miss',
})

/** The X-Nexatron-Cache header of every answer (JSON, CSV, SSE). */
export const cacheHeader = { 'X-Nexatron-Cache': { description: 'hit, miss or off (see `cache`)', schema: { type: 'string' as const, enum: ['hit', 'miss', 'off'] } } }

export const QueryResultSchema = z.object({
  id: z.string().openapi({ example: 'qry_a1b2c3' }),
  question: z.string().nullable(),
  status: z.string().openapi({ example: 'succeeded' }),
  data: z.array(z.record(z.string(), z.any())).openapi({ example: [{ total_sales: 1284350.0 }] }),
  columns: z.array(ColumnSchema),
  summary: z.string().nullable().openapi({ example: 'Total sales last quarter were $1,284,350.00.' }),
  explanation: z.string().nullable(),
  sql: z.string().nullable(),
  params: z.array(z.any()).optional().openapi({ description: 'Bind parameters of `sql`, in placeholder order', example: ['2024-01-01'] }),
  sql_inline: z.string().optional().openapi({ description: '`sql` with the parameters written in as literals of the dialect (display only; what runs is `sql` with `params`)' }),
  plan: z.any(),
  conversation_id: z.string().nullable(),
  connection_id: z.string(),
  row_count: z.number().int(),
  truncated: z.boolean(),
  execution_time_ms: z.number().int(),
  chart: z.record(z.string(), z.any()).nullable().optional().openapi({
    description: 'A chart chosen from the result\'s shape, as a declarative Vega-Lite v5 spec with the rows inline (never code): time series → line, '
      + 'one category × metric → bar, a single value → big number (mark `text`), two or three metrics of one scale → several lines or grouped bars, '
      + 'two metrics of different units or scales → dual axes (`layer` of two marks, `resolve.scale.y: independent`). '
      + '`usermeta.formats` holds the metrics\' formats. null when no chart fits (no metric, two category dimensions, over 50 bars or 1,000 points).',
  }),
  created_at: z.string(),
  cache: CacheStatusSchema,
}).openapi('QueryResult')

export const QueuedSchema = z.object({ id: z.string(), status: z.literal('queued') }).openapi('QueuedQuery')

export const QueryRecordSchema = z.object({
  id: z.string(),
  question: z.string().nullable(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
  connection_id: z.string(),
  conversation_id: z.string().nullable(),
  sql: z.string().nullable(),
  plan: z.any(),
  planner: z.string().nullable(),
  row_count: z.number().int().nullable(),
  truncated: z.boolean(),
  execution_time_ms: z.number().int().nullable(),
  error: z.any().nullable().openapi({
    description: 'The error envelope of a failed or cancelled run. A job cancelled because the key or user that submitted it was revoked '
      + '(or lost query:run) has code query_cancelled and a detail with issue credential_revoked; its webhook is never sent.',
  }),
  usage: z.any().nullable(),
  summary: z.string().nullable(),
  explanation: z.string().nullable(),
  cache: CacheStatusSchema.nullable().optional().openapi({ description: 'Whether the run was served from the result cache (null: not finished, or run before the cache existed)' }),
  withheld: z.object({ reason: z.literal('access_changed'), message: z.string() }).nullable().openapi({
    description: 'Set when the stored rows and summary are left out (`data` and `summary` null): the access policies that govern the viewer, '
      + 'or what of the viewer they read (role, groups, attributes), changed since the query ran. Run it again for an answer under the current rules.',
  }),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
}).openapi('QueryRecord')

export const QueryDetailSchema = QueryRecordSchema.extend({
  columns: z.array(ColumnSchema).nullable(),
  data: z.array(z.record(z.string(), z.any())).nullable(),
  data_row_limit: z.number().int().openapi({ description: 'History keeps at most this many rows of the result; re-run for all' }),
}).openapi('QueryDetail')

export const HistoryQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(512).optional(),
  connection_id: z.string().max(64).optional(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']).optional(),
  conversation_id: z.string().max(64).optional(),
})

export const HistoryListSchema = z.object({ data: z.array(QueryRecordSchema), next_cursor: z.string().nullable() }).openapi('QueryHistory')
