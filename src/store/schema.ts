// The metadata store's schema (drizzle). The same schema and the same
// drizzle-kit migrations serve PGlite (embedded) and PostgreSQL.
// Every table but `tenants` carries tenant_id, and every repository query
// filters on it: an object of another tenant is simply not found.
import { sql } from 'drizzle-orm'
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })
const createdAt = () => ts('created_at').notNull().defaultNow()

export const tenants = pgTable('tenants', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  timezone: text('timezone').notNull().default('UTC'),
  /** Webhook signing secret, encrypted with the secret box. */
  webhookSecretEnc: text('webhook_secret_enc'),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('tenants_name_uq').on(t.name)])

export const users = pgTable('users', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  email: text('email').notNull(),
  name: text('name'),
  passwordHash: text('password_hash').notNull(),
  role: text('role').notNull(),
  disabled: boolean('disabled').notNull().default(false),
  /** Governance: attributes access policies read (`{"region": ["West"]}`); see src/governance. */
  attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  // Emails are unique per tenant: the same address may belong to several tenants.
}, (t) => [uniqueIndex('users_tenant_email_uq').on(t.tenantId, sql`lower(${t.email})`), index('users_tenant_idx').on(t.tenantId)])

export const apiKeys = pgTable('api_keys', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  /** SHA-256 of the full key, hex. The key itself is never stored. */
  keyHash: text('key_hash').notNull(),
  prefix: text('prefix').notNull(),
  last4: text('last4').notNull(),
  scopes: jsonb('scopes').$type<string[]>().notNull(),
  ownerType: text('owner_type').notNull().default('service'),
  ownerUserId: text('owner_user_id'),
  createdBy: text('created_by'),
  /**
   * Governance: the attributes access policies read (see src/governance). Null on a user's key:
   * its owner's attributes and groups as they stand at each request; set: pinned by an admin.
   */
  attributes: jsonb('attributes').$type<Record<string, unknown>>().default({}),
  expiresAt: ts('expires_at'),
  revokedAt: ts('revoked_at'),
  lastUsedAt: ts('last_used_at'),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('api_keys_hash_uq').on(t.keyHash), index('api_keys_tenant_idx').on(t.tenantId)])

export const sessions = pgTable('sessions', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  /** All refresh tokens descending from one login share a family. */
  familyId: text('family_id').notNull(),
  refreshHash: text('refresh_hash').notNull(),
  /** How the login was proved ('password' | 'sso'): turning password login off ends the password ones. */
  method: text('method').notNull().default('password'),
  expiresAt: ts('expires_at').notNull(),
  spentAt: ts('spent_at'),
  revokedAt: ts('revoked_at'),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('sessions_refresh_uq').on(t.refreshHash), index('sessions_family_idx').on(t.familyId)])

export const connections = pgTable('connections', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  type: text('type').notNull(),
  config: jsonb('config').$type<Record<string, unknown>>().notNull(),
  /** AES-256-GCM sealed credentials (see security/secret-box). */
  credentialsEnc: text('credentials_enc'),
  options: jsonb('options').$type<{ max_rows?: number; timeout_ms?: number; allow_raw_sql?: boolean; allow_elevated_login?: boolean; pool_max?: number; idle_ms?: number; acquire_timeout_ms?: number; connect_timeout_ms?: number }>().notNull().default({}),
  isDefault: boolean('is_default').notNull().default(false),
  schemaCache: jsonb('schema_cache'),
  schemaCachedAt: ts('schema_cached_at'),
  /**
   * Renewed from a sequence by a trigger (migrations/0007) on every write to the connection's
   * semantic layer or access policies: the store's word on whether a cached layer is current,
   * read with the connection row every question already reads, so none asks again.
   */
  layerVersion: bigint('layer_version', { mode: 'number' }).notNull().default(0),
  createdAt: createdAt(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [uniqueIndex('connections_tenant_name_uq').on(t.tenantId, t.name), index('connections_tenant_idx').on(t.tenantId)])

/** Semantic models: relation, entities, measures (dimensions live in their own table). */
export const semanticModels = pgTable('semantic_models', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  connectionId: text('connection_id').notNull().references(() => connections.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  definition: jsonb('definition').$type<Record<string, unknown>>().notNull(),
  createdAt: createdAt(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [uniqueIndex('semantic_models_uq').on(t.tenantId, t.connectionId, t.name)])

export const semanticDimensions = pgTable('semantic_dimensions', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  connectionId: text('connection_id').notNull().references(() => connections.id, { onDelete: 'cascade' }),
  modelId: text('model_id').notNull().references(() => semanticModels.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  definition: jsonb('definition').$type<Record<string, unknown>>().notNull(),
  sampleValues: jsonb('sample_values').$type<unknown[]>(),
  sampleValuesAt: ts('sample_values_at'),
  createdAt: createdAt(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [uniqueIndex('semantic_dimensions_uq').on(t.tenantId, t.modelId, t.name), index('semantic_dimensions_conn_idx').on(t.tenantId, t.connectionId)])

export const semanticMetrics = pgTable('semantic_metrics', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  connectionId: text('connection_id').notNull().references(() => connections.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  definition: jsonb('definition').$type<Record<string, unknown>>().notNull(),
  createdAt: createdAt(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [uniqueIndex('semantic_metrics_uq').on(t.tenantId, t.connectionId, t.name)])

/** Per-connection project settings: time spines and saved queries. */
export const semanticProjects = pgTable('semantic_projects', {
  connectionId: text('connection_id').primaryKey().references(() => connections.id, { onDelete: 'cascade' }),
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  timeSpines: jsonb('time_spines').$type<unknown[]>().notNull().default([]),
  savedQueries: jsonb('saved_queries').$type<unknown[]>().notNull().default([]),
  updatedAt: ts('updated_at').notNull().defaultNow(),
})

export const conversations = pgTable('conversations', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  /** The API key or user that owns the conversation. */
  principalId: text('principal_id').notNull(),
  connectionId: text('connection_id'),
  createdAt: createdAt(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [index('conversations_tenant_idx').on(t.tenantId, t.principalId)])

export const queries = pgTable('queries', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  principalId: text('principal_id').notNull(),
  conversationId: text('conversation_id'),
  connectionId: text('connection_id').notNull(),
  question: text('question'),
  /** 'question' (natural language) or 'semantic' (structured /semantic/query). */
  source: text('source').notNull().default('question'),
  request: jsonb('request').$type<Record<string, unknown>>(),
  plan: jsonb('plan'),
  sql: text('sql'),
  status: text('status').notNull(),
  rowCount: integer('row_count'),
  truncated: boolean('truncated').notNull().default(false),
  durationMs: integer('duration_ms'),
  error: jsonb('error'),
  planner: text('planner'),
  usage: jsonb('usage'),
  summary: text('summary'),
  explanation: text('explanation'),
  resultColumns: jsonb('result_columns'),
  resultRows: jsonb('result_rows'),
  /** Async job bookkeeping. */
  async: boolean('async').notNull().default(false),
  webhookUrl: text('webhook_url'),
  attempts: integer('attempts').notNull().default(0),
  lockedBy: text('locked_by'),
  lockedUntil: ts('locked_until'),
  cancelRequested: boolean('cancel_requested').notNull().default(false),
  webhookStatus: text('webhook_status'),
  webhookAttempts: integer('webhook_attempts').notNull().default(0),
  webhookNextAt: ts('webhook_next_at'),
  createdAt: createdAt(),
  startedAt: ts('started_at'),
  finishedAt: ts('finished_at'),
}, (t) => [
  index('queries_history_idx').on(t.tenantId, t.principalId, t.createdAt),
  index('queries_status_idx').on(t.status),
  // Usage analytics read a tenant's runs over a time range.
  index('queries_tenant_created_idx').on(t.tenantId, t.createdAt),
])

/**
 * Append-only (a trigger refuses UPDATE and DELETE, see migrations/0004_audit_billing.sql).
 * Each record of a tenant carries `seq` and a hash over its canonical content and
 * the previous record's hash (src/audit/audit-chain.ts). Rows written before the
 * chain existed have seq NULL and are reported as unchained by verify.
 */
export const auditLog = pgTable('audit_log', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  actorType: text('actor_type'),
  actorId: text('actor_id'),
  actorDisplay: text('actor_display'),
  action: text('action').notNull(),
  resourceType: text('resource_type'),
  resourceId: text('resource_id'),
  outcome: text('outcome').notNull(),
  ip: text('ip'),
  userAgent: text('user_agent'),
  requestId: text('request_id'),
  details: jsonb('details').$type<Record<string, unknown>>(),
  seq: bigint('seq', { mode: 'number' }),
  prevHash: text('prev_hash'),
  hash: text('hash'),
  createdAt: createdAt(),
}, (t) => [
  index('audit_tenant_idx').on(t.tenantId, t.createdAt), index('audit_tenant_action_idx').on(t.tenantId, t.action, t.createdAt),
  uniqueIndex('audit_tenant_seq_uq').on(t.tenantId, t.seq),
])

/**
 * One SCIM provisioning token per tenant. Only the SHA-256 of the token is
 * kept; rotating replaces the row, so the old token stops working at once.
 */
export const scimTokens = pgTable('scim_tokens', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  tokenHash: text('token_hash').notNull(),
  prefix: text('prefix').notNull(),
  last4: text('last4').notNull(),
  createdBy: text('created_by'),
  /** The creator's scopes when the token was made: the ceiling of what SCIM may grant or change. */
  scopes: jsonb('scopes').$type<string[]>().notNull().default([]),
  lastUsedAt: ts('last_used_at'),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('scim_tokens_tenant_uq').on(t.tenantId), uniqueIndex('scim_tokens_hash_uq').on(t.tokenHash)])

/** The identity provider's externalId of a user provisioned through SCIM. */
export const scimUsers = pgTable('scim_users', {
  userId: text('user_id').primaryKey().references(() => users.id, { onDelete: 'cascade' }),
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  externalId: text('external_id'),
}, (t) => [uniqueIndex('scim_users_external_uq').on(t.tenantId, t.externalId)])

// ---- Groups (SCIM-pushed or made by admins) -----------------------------------------------------

/**
 * A tenant's groups: membership can decide a user's role (NEXATRON_SCIM_ROLE_GROUPS)
 * and its attributes add to its members' (src/identity/groups.ts).
 */
export const groups = pgTable('groups', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  displayName: text('display_name').notNull(),
  /** The identity provider's id of the group (SCIM externalId). */
  externalId: text('external_id'),
  /** Governance: attributes its members inherit (`{"region": ["West"]}`); see src/identity/effective-attributes.ts. */
  attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  // Names are unique per tenant regardless of case (SCIM clients look groups up by displayName).
}, (t) => [uniqueIndex('groups_tenant_name_uq').on(t.tenantId, sql`lower(${t.displayName})`), uniqueIndex('groups_tenant_external_uq').on(t.tenantId, t.externalId)])

export const groupMembers = pgTable('group_members', {
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  groupId: text('group_id').notNull().references(() => groups.id, { onDelete: 'cascade' }),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index('group_members_user_idx').on(t.userId), index('group_members_tenant_idx').on(t.tenantId)])

// ---- Single sign-on (OpenID Connect) -------------------------------------------------------------

/** A tenant's OpenID Connect settings; no row = no SSO and password login allowed. */
export const ssoSettings = pgTable('sso_settings', {
  tenantId: text('tenant_id').primaryKey().references(() => tenants.id, { onDelete: 'cascade' }),
  enabled: boolean('enabled').notNull().default(true),
  issuer: text('issuer').notNull(),
  clientId: text('client_id').notNull(),
  /** The client secret sealed with the secret box (bound to the tenant); never returned. */
  clientSecretEnc: text('client_secret_enc').notNull(),
  scopes: jsonb('scopes').$type<string[]>().notNull(),
  /** The ID token / userinfo claim carrying the user's groups (or app roles). */
  groupsClaim: text('groups_claim'),
  /** IdP group name or id -> Nexatron role. */
  roleMapping: jsonb('role_mapping').$type<Record<string, string>>().notNull().default({}),
  allowedDomains: jsonb('allowed_domains').$type<string[]>().notNull().default([]),
  passwordLogin: boolean('password_login').notNull().default(true),
  buttonLabel: text('button_label'),
  createdAt: createdAt(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
})

/**
 * One pending sign-in: created by /auth/sso/start, consumed (deleted) by the
 * callback, so a state and its code verifier serve once. Keyed by the SHA-256
 * of the state the browser carries.
 */
export const ssoLoginStates = pgTable('sso_login_states', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  nonce: text('nonce').notNull(),
  codeVerifier: text('code_verifier').notNull(),
  returnTo: text('return_to').notNull(),
  expiresAt: ts('expires_at').notNull(),
  createdAt: createdAt(),
}, (t) => [index('sso_login_states_tenant_expires_idx').on(t.tenantId, t.expiresAt)])

/** Which IdP subject a user signed in as: the stable link, whatever the email later says. */
export const ssoIdentities = pgTable('sso_identities', {
  userId: text('user_id').primaryKey().references(() => users.id, { onDelete: 'cascade' }),
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  issuer: text('issuer').notNull(),
  subject: text('subject').notNull(),
  lastLoginAt: ts('last_login_at'),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('sso_identities_subject_uq').on(t.tenantId, t.issuer, t.subject)])

// ---- Audit chain, plans, quotas and metering (migration 0004_audit_billing) ----

/** The newest record of each tenant's audit chain; locked FOR UPDATE while a record is appended, so writers never fork the chain. */
export const auditHeads = pgTable('audit_heads', {
  tenantId: text('tenant_id').primaryKey().references(() => tenants.id, { onDelete: 'cascade' }),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
})

/** A tenant's plan; a tenant without a row is on NEXATRON_DEFAULT_PLAN. */
export const tenantPlans = pgTable('tenant_plans', {
  tenantId: text('tenant_id').primaryKey().references(() => tenants.id, { onDelete: 'cascade' }),
  plan: text('plan').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
})

/** Metered units per tenant, metric and month ('2026-12'): incremented with one atomic upsert, so instances count exactly. */
export const usageCounters = pgTable('usage_counters', {
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  metric: text('metric').notNull(),
  period: text('period').notNull(),
  value: bigint('value', { mode: 'number' }).notNull().default(0),
}, (t) => [primaryKey({ columns: [t.tenantId, t.metric, t.period] })])

/** One row per metered event (Stripe meter-event shape); `identifier` makes re-delivery idempotent. */
export const meterEvents = pgTable('meter_events', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  eventName: text('event_name').notNull(),
  value: bigint('value', { mode: 'number' }).notNull(),
  identifier: text('identifier').notNull(),
  occurredAt: ts('occurred_at').notNull().defaultNow(),
}, (t) => [uniqueIndex('meter_events_identifier_uq').on(t.identifier), index('meter_events_tenant_idx').on(t.tenantId, t.occurredAt, t.id)])

// ------------------------------------------------------------------ governance (migration 0003_governance)

/** Access policies of a connection's semantic layer (src/governance, semantic/access). */
export const accessPolicies = pgTable('access_policies', {
  connectionId: text('connection_id').primaryKey().references(() => connections.id, { onDelete: 'cascade' }),
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  policies: jsonb('policies').$type<unknown[]>().notNull().default([]),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [index('access_policies_tenant_idx').on(t.tenantId)])
