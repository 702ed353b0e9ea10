import { z } from '@hono/zod-openapi'
import { CONNECTION_TYPES } from '../../../../connectors/connector'

export const ConnectionOptionsSchema = z.object({
  max_rows: z.number().int().min(1).max(10_000_000).optional().openapi({ description: 'Row cap for every query on this connection', example: 10000 }),
  timeout_ms: z.number().int().min(100).max(3_600_000).optional().openapi({ description: 'Statement timeout', example: 30000 }),
  allow_raw_sql: z.boolean().optional().openapi({ description: 'Allow SQL written by the LLM planner (always guarded)' }),
  allow_elevated_login: z.boolean().optional().openapi({ description: 'Accept a login that can do more than read (superuser, FILE, write grants, ...). Off by default: such a login turns any guard bypass into a write or a file read' }),
  pool_max: z.number().int().min(1).max(100).optional().openapi({ description: 'Sessions open at once to this database', example: 5 }),
  idle_ms: z.number().int().min(1000).max(3_600_000).optional().openapi({ description: 'Idle sessions are closed after this long' }),
  acquire_timeout_ms: z.number().int().min(0).max(600_000).optional().openapi({ description: 'Wait for a free session before failing with 503 pool_exhausted' }),
  connect_timeout_ms: z.number().int().min(100).max(600_000).optional().openapi({ description: 'Opening a session may take this long before 503 unreachable' }),
  cache_ttl_s: z.number().int().min(0).max(86_400).optional().openapi({
    description: 'Seconds an answer may be served again from the result cache (0: never). Unset: semantic queries use the server default '
      + '(NEXATRON_RESULT_CACHE_TTL_S, 60) and raw SQL is not cached.', example: 300,
  }),
}).strict()

export const LoginPrivilegesSchema = z.object({
  level: z.enum(['read_only', 'elevated', 'unknown']).openapi({ description: '`elevated`: the login can do more than read (refused unless options.allow_elevated_login is true); `unknown`: the connector could not tell' }),
  findings: z.array(z.object({ code: z.string().openapi({ example: 'superuser' }), message: z.string() })),
  checked_at: z.string(),
}).openapi('LoginPrivileges')

export const ConnectionSchema = z.object({
  id: z.string().openapi({ example: 'conn_xyz789' }),
  name: z.string(),
  type: z.string().openapi({ example: 'postgres' }),
  config: z.record(z.string(), z.any()),
  options: z.record(z.string(), z.any()),
  is_default: z.boolean(),
  has_credentials: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
  privileges: LoginPrivilegesSchema.optional().openapi({ description: "What the login may do, when this server has checked it (at creation, /test, or first use)" }),
}).openapi('Connection')

export const CreateConnectionSchema = z.object({
  name: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]*$/, 'letters, digits, space, _ . - only').openapi({ example: 'warehouse' }),
  type: z.enum(CONNECTION_TYPES).openapi({ example: 'postgres' }),
  config: z.record(z.string(), z.any()).default({}).openapi({ example: { host: 'db.internal', port: 5432, database: 'analytics', user: 'nexatron_ro' } }),
  credentials: z.record(z.string(), z.any()).optional().openapi({ description: 'Write-only; stored encrypted', example: { password: '••••' } }),
  options: ConnectionOptionsSchema.optional(),
  is_default: z.boolean().optional(),
}).strict().openapi('CreateConnection')

export const UpdateConnectionSchema = z.object({
  name: CreateConnectionSchema.shape.name.optional(),
  config: z.record(z.string(), z.any()).optional()
    .openapi({ description: 'Merged into the stored config like a JSON merge patch (RFC 7396): fields not sent are kept, a field sent as null is removed.' }),
  credentials: z.record(z.string(), z.any()).optional(),
  // null resets an option to its default (merge-patch semantics, like config)
  options: z.object(Object.fromEntries(Object.entries(ConnectionOptionsSchema.shape).map(([k, v]) => [k, v.nullable()])) as {
    [K in keyof typeof ConnectionOptionsSchema.shape]: z.ZodNullable<(typeof ConnectionOptionsSchema.shape)[K]>
  }).strict().optional()
    .openapi({ description: 'Merged into the stored options: options not sent are kept, one sent as null returns to its default.' }),
  is_default: z.boolean().optional(),
}).strict().openapi('UpdateConnection')

export const ConnectionListSchema = z.object({ data: z.array(ConnectionSchema), next_cursor: z.string().nullable() }).openapi('ConnectionList')

export const TestResultSchema = z.object({ ok: z.literal(true), version: z.string(), latency_ms: z.number(), privileges: LoginPrivilegesSchema }).openapi('ConnectionTest')

export const SchemaInfoSchema = z.object({
  connection_id: z.string(),
  cached_at: z.string(),
  schemas: z.array(z.string()),
  tables: z.array(z.object({
    schema: z.string(), name: z.string(), kind: z.string(),
    columns: z.array(z.object({ name: z.string(), type: z.string(), db_type: z.string(), nullable: z.boolean() })),
    primary_key: z.array(z.string()),
    foreign_keys: z.array(z.any()),
  })),
}).openapi('ConnectionSchema')
