// The one place that reads process.env. Everything else receives a typed Config.
import { getHeapStatistics } from 'node:v8'
import { z } from 'zod'
import { configurableFunctions, invalidAllowFunctions } from './security/sql-guard/function-policy'
import { parsePlans, type PlanLimits } from './billing/plans'
import { ConfigError } from './config-error'
import { tracingConfig, type TracingConfig } from './ops/tracing-config'
import { parseScimAttributeMap, type ScimAttributeMap } from './scim/scim-attribute-map'
import { parseRoleGroups, type RoleGroupMap } from './identity/role-groups'

const bool = (def: boolean) =>
  z.enum(['true', 'false', '1', '0', 'yes', 'no']).optional().transform((v) => (v === undefined ? def : ['true', '1', 'yes'].includes(v)))
const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def)

const EnvSchema = z.object({
  PORT: int(3000, 0),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NEXATRON_DATA_DIR: z.string().default('./.nexatron'),
  DATABASE_URL: z.string().url().optional(),
  NEXATRON_SECRET_KEY: z.string().optional(),
  NEXATRON_SECRET_KEY_PREVIOUS: z.string().default(''),
  NEXATRON_BOOTSTRAP_API_KEY: z.string().regex(/^nxa_[A-Za-z0-9]{32,}$/, 'must look like nxa_ followed by at least 32 letters/digits').optional(),
  NEXATRON_BOOTSTRAP_ADMIN_EMAIL: z.string().email().optional(),
  NEXATRON_BOOTSTRAP_ADMIN_PASSWORD: z.string().min(12).optional(),
  NEXATRON_DEMO: bool(true),
  NEXATRON_TIMEZONE: z.string().default('UTC'),
  NEXATRON_MAX_BODY_BYTES: int(1024 * 1024, 1024),
  NEXATRON_BODY_TIMEOUT_MS: int(30_000, 100),
  NEXATRON_WRITE_STALL_TIMEOUT_MS: int(60_000, 1_000),
  NEXATRON_SHUTDOWN_TIMEOUT_MS: int(10_000),
  NEXATRON_DEFAULT_MAX_ROWS: int(10_000, 1),
  NEXATRON_MAX_ROWS_LIMIT: int(1_000_000, 1),
  NEXATRON_DEFAULT_TIMEOUT_MS: int(30_000, 100),
  NEXATRON_MAX_TIMEOUT_MS: int(300_000, 100),
  NEXATRON_HISTORY_ROWS: int(1000, 0),
  NEXATRON_SSE_KEEPALIVE_MS: int(15_000, 100),
  NEXATRON_CANCEL_WATCH_MS: int(2_000, 100),
  NEXATRON_ALLOWED_NETWORKS: z.enum(['all', 'private', 'external']).default('all'),
  NEXATRON_ALLOW_SOCKET_HOSTS: bool(false),
  NEXATRON_SQL_ALLOW_FUNCTIONS: z.string().default(''),
  NEXATRON_PLANNER: z.enum(['offline', 'llm', 'hybrid']).optional(),
  NEXATRON_PLANNER_MIN_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.75),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  NEXATRON_LLM_MODEL: z.string().default('gpt-4o-mini'),
  NEXATRON_LLM_TIMEOUT_MS: int(30_000, 100),
  NEXATRON_LLM_SUMMARY: bool(false),
  NEXATRON_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  NEXATRON_JWT_KID: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).default('k1'),
  NEXATRON_JWT_PREVIOUS: z.string().default(''),
  NEXATRON_ACCESS_TOKEN_TTL_S: int(900, 30),
  NEXATRON_REFRESH_TOKEN_TTL_S: int(30 * 86400, 60),
  REDIS_URL: z.string().optional(),
  NEXATRON_RATE_LIMIT_PER_HOUR: int(1000, 1),
  NEXATRON_TENANT_RATE_LIMIT_PER_HOUR: int(10_000, 1),
  NEXATRON_LOGIN_RATE_LIMIT_PER_15MIN: int(10, 1),
  NEXATRON_LOGIN_FAILURES_PER_ACCOUNT: int(10, 1),
  NEXATRON_MAX_CONCURRENT_QUERIES_PER_KEY: int(4, 1),
  NEXATRON_MAX_CONCURRENT_QUERIES_PER_TENANT: int(16, 1),
  NEXATRON_MEMORY_BUDGET_MB: int(0, 0),
  NEXATRON_MAX_QUEUED_QUERIES_PER_KEY: int(100, 1),
  NEXATRON_MAX_QUEUED_QUERIES_PER_TENANT: int(1000, 1),
  NEXATRON_TRUST_PROXY: bool(false),
  NEXATRON_METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  // OpenTelemetry traces over OTLP/HTTP (the SDK loads only when an endpoint is set): see src/ops/tracing.ts.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url().optional(),
  OTEL_EXPORTER_OTLP_HEADERS: z.string().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('nexatron'),
  NEXATRON_WEBHOOK_MAX_ATTEMPTS: int(6, 1),
  NEXATRON_WORKER_CONCURRENCY: int(2, 1),
  // How long a claimed async job stays an instance's without a heartbeat: a job whose instance died runs again elsewhere after this.
  NEXATRON_JOB_LEASE_MS: int(60_000, 1000),
  NEXATRON_SCIM_DEFAULT_ROLE: z.enum(['admin', 'analyst', 'viewer']).default('viewer'),
  // SCIM attributes mapped onto user attributes for access policies (JSON: {"region": "urn:...:enterprise:2.0:User:division"}).
  NEXATRON_SCIM_ATTRIBUTES: z.string().optional(),
  // Groups whose members get a role: `admin:Nexatron Admins,analyst:Nexatron Analysts` (unset: groups named after the roles; `none`: off).
  NEXATRON_SCIM_ROLE_GROUPS: z.string().max(10_000).optional(),
  // Audit log retention in days (0: keep forever); pruning leaves a checkpoint so the chain still verifies.
  NEXATRON_AUDIT_RETENTION_DAYS: int(0, 0),
  // Plans: limits per plan (JSON over the defaults) and the plan of a tenant that has none set.
  NEXATRON_PLANS: z.string().optional(),
  NEXATRON_DEFAULT_PLAN: z.string().default('enterprise'),
  // Result cache: on by default; semantic queries are served again for NEXATRON_RESULT_CACHE_TTL_S unless a connection sets options.cache_ttl_s.
  NEXATRON_RESULT_CACHE: bool(true),
  NEXATRON_RESULT_CACHE_TTL_S: z.coerce.number().int().min(0).max(86_400).default(60),
  NEXATRON_RESULT_CACHE_MAX_ENTRIES: int(1000, 1),
  NEXATRON_RESULT_CACHE_MAX_MB: int(64, 1),
  NEXATRON_RESULT_CACHE_MAX_ENTRY_KB: int(1024, 1),
  // The URL browsers reach this server at (single sign-on's redirect URI); default: the origin of each request.
  NEXATRON_PUBLIC_URL: z.string().url().refine((u) => /^https?:$/.test(new URL(u).protocol), 'must be an http(s) URL').optional(),
})

export type Env = z.infer<typeof EnvSchema>

export interface Config {
  port: number
  host: string
  logLevel: Env['LOG_LEVEL']
  dataDir: string
  databaseUrl?: string
  secretKey?: string
  previousSecretKeys: string[]
  bootstrapApiKey?: string
  bootstrapAdmin?: { email: string; password: string }
  demo: boolean
  timezone: string
  maxBodyBytes: number
  /** How long a request body may take to arrive (then 408); the headers get as long again at most. */
  bodyTimeoutMs: number
  /** A response whose bytes the client has not taken for this long loses its connection (src/http/write-stall.ts). */
  writeStallTimeoutMs: number
  shutdownTimeoutMs: number
  query: { defaultMaxRows: number; maxRowsLimit: number; defaultTimeoutMs: number; maxTimeoutMs: number; historyRows: number; allowFunctions: string[]; sseKeepAliveMs: number; cancelWatchMs: number }
  network: { allowed: 'all' | 'private' | 'external'; allowSocketHosts: boolean }
  planner: {
    mode: 'offline' | 'llm' | 'hybrid'
    minConfidence: number
    openai?: { apiKey: string; baseURL?: string; model: string; timeoutMs: number }
    llmSummary: boolean
  }
  auth: { jwtSecret?: string; jwtKid: string; jwtPrevious: Array<{ kid: string; secret: string }>; accessTtlS: number; refreshTtlS: number }
  limits: {
    redisUrl?: string
    perKeyPerHour: number
    perTenantPerHour: number
    loginPer15Min: number
    /** Failed password logins per account (email) per 15 minutes, from any address. */
    loginFailuresPerAccount: number
    concurrentPerKey: number
    concurrentPerTenant: number
    /** JS heap + buffers above which new queries get 503 server_busy. */
    memoryBudgetBytes: number
    queuedPerKey: number
    queuedPerTenant: number
    trustProxy: boolean
  }
  /** Bearer token of the operator's /metrics endpoint (unset: /metrics answers 404). */
  metricsToken?: string
  /** Where traces go (OTLP/HTTP JSON); undefined: no tracing SDK is loaded. */
  tracing?: TracingConfig
  webhooks: { maxAttempts: number }
  /** leaseMs: a claimed job's lease, renewed while it runs; reclaimed by another instance once it lapses. */
  worker: { concurrency: number; leaseMs: number }
  /** Role of users created through SCIM until a group membership says otherwise. */
  scim: { defaultRole: 'admin' | 'analyst' | 'viewer'; attributes: ScimAttributeMap; roleGroups: RoleGroupMap }
  /** Audit log retention (0: forever). */
  audit: { retentionDays: number }
  /** Plans with their limits, and the plan of a tenant without one. */
  billing: { plans: Record<string, PlanLimits>; defaultPlan: string }
  /** Result cache (src/query/result-cache.ts): in memory, or in Redis when limits.redisUrl is set. */
  resultCache: { enabled: boolean; defaultTtlS: number; maxEntries: number; maxBytes: number; maxEntryBytes: number }
  /** NEXATRON_PUBLIC_URL: the origin browsers use (SSO redirect URI); undefined = each request's own origin. */
  publicUrl?: string
}

export { ConfigError }

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  if (!!e.NEXATRON_BOOTSTRAP_ADMIN_EMAIL !== !!e.NEXATRON_BOOTSTRAP_ADMIN_PASSWORD) {
    throw new ConfigError('invalid configuration:\n  NEXATRON_BOOTSTRAP_ADMIN_EMAIL and NEXATRON_BOOTSTRAP_ADMIN_PASSWORD must be set together')
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: e.NEXATRON_TIMEZONE })
  } catch {
    throw new ConfigError(`invalid configuration:\n  NEXATRON_TIMEZONE: unknown time zone "${e.NEXATRON_TIMEZONE}"`)
  }
  let plans: Record<string, PlanLimits>
  let scimAttributes: ScimAttributeMap
  let roleGroups: RoleGroupMap
  try {
    plans = parsePlans(e.NEXATRON_PLANS)
    scimAttributes = parseScimAttributeMap(e.NEXATRON_SCIM_ATTRIBUTES)
    roleGroups = parseRoleGroups(e.NEXATRON_SCIM_ROLE_GROUPS)
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  ${(err as Error).message}`)
  }
  if (!plans[e.NEXATRON_DEFAULT_PLAN]) {
    throw new ConfigError(`invalid configuration:\n  NEXATRON_DEFAULT_PLAN: unknown plan "${e.NEXATRON_DEFAULT_PLAN}" (plans: ${Object.keys(plans).join(', ')})`)
  }
  const allowFunctions = e.NEXATRON_SQL_ALLOW_FUNCTIONS.split(',').map((s) => s.trim()).filter(Boolean)
  const badFunctions = invalidAllowFunctions(allowFunctions)
  if (badFunctions.length) {
    throw new ConfigError(`invalid configuration:\n  NEXATRON_SQL_ALLOW_FUNCTIONS: ${badFunctions.join('; ')} (only ${configurableFunctions().join(', ')} can be allowed)`)
  }
  const openai = e.OPENAI_API_KEY
    ? { apiKey: e.OPENAI_API_KEY, baseURL: e.OPENAI_BASE_URL, model: e.NEXATRON_LLM_MODEL, timeoutMs: e.NEXATRON_LLM_TIMEOUT_MS }
    : undefined
  const mode = e.NEXATRON_PLANNER ?? (openai ? 'hybrid' : 'offline')
  if (mode !== 'offline' && !openai) {
    throw new ConfigError(`invalid configuration:\n  NEXATRON_PLANNER=${mode} needs OPENAI_API_KEY`)
  }
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    dataDir: e.NEXATRON_DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    secretKey: e.NEXATRON_SECRET_KEY,
    previousSecretKeys: e.NEXATRON_SECRET_KEY_PREVIOUS.split(',').map((s) => s.trim()).filter(Boolean),
    bootstrapApiKey: e.NEXATRON_BOOTSTRAP_API_KEY,
    bootstrapAdmin: e.NEXATRON_BOOTSTRAP_ADMIN_EMAIL
      ? { email: e.NEXATRON_BOOTSTRAP_ADMIN_EMAIL, password: e.NEXATRON_BOOTSTRAP_ADMIN_PASSWORD! }
      : undefined,
    demo: e.NEXATRON_DEMO,
    timezone: e.NEXATRON_TIMEZONE,
    maxBodyBytes: e.NEXATRON_MAX_BODY_BYTES,
    bodyTimeoutMs: e.NEXATRON_BODY_TIMEOUT_MS,
    writeStallTimeoutMs: e.NEXATRON_WRITE_STALL_TIMEOUT_MS,
    shutdownTimeoutMs: e.NEXATRON_SHUTDOWN_TIMEOUT_MS,
    query: {
      defaultMaxRows: e.NEXATRON_DEFAULT_MAX_ROWS,
      maxRowsLimit: e.NEXATRON_MAX_ROWS_LIMIT,
      defaultTimeoutMs: Math.min(e.NEXATRON_DEFAULT_TIMEOUT_MS, e.NEXATRON_MAX_TIMEOUT_MS),
      maxTimeoutMs: e.NEXATRON_MAX_TIMEOUT_MS,
      historyRows: e.NEXATRON_HISTORY_ROWS,
      allowFunctions,
      sseKeepAliveMs: e.NEXATRON_SSE_KEEPALIVE_MS,
      cancelWatchMs: e.NEXATRON_CANCEL_WATCH_MS,
    },
    network: { allowed: e.NEXATRON_ALLOWED_NETWORKS, allowSocketHosts: e.NEXATRON_ALLOW_SOCKET_HOSTS },
    planner: { mode, minConfidence: e.NEXATRON_PLANNER_MIN_CONFIDENCE, openai, llmSummary: e.NEXATRON_LLM_SUMMARY },
    auth: {
      jwtSecret: e.NEXATRON_JWT_SECRET, jwtKid: e.NEXATRON_JWT_KID,
      jwtPrevious: e.NEXATRON_JWT_PREVIOUS.split(',').map((s) => s.trim()).filter(Boolean).map((p) => {
        const i = p.indexOf(':')
        return { kid: p.slice(0, i), secret: p.slice(i + 1) }
      }), accessTtlS: e.NEXATRON_ACCESS_TOKEN_TTL_S, refreshTtlS: e.NEXATRON_REFRESH_TOKEN_TTL_S },
    limits: {
      redisUrl: e.REDIS_URL,
      perKeyPerHour: e.NEXATRON_RATE_LIMIT_PER_HOUR,
      perTenantPerHour: e.NEXATRON_TENANT_RATE_LIMIT_PER_HOUR,
      loginPer15Min: e.NEXATRON_LOGIN_RATE_LIMIT_PER_15MIN,
      loginFailuresPerAccount: e.NEXATRON_LOGIN_FAILURES_PER_ACCOUNT,
      concurrentPerKey: e.NEXATRON_MAX_CONCURRENT_QUERIES_PER_KEY,
      concurrentPerTenant: e.NEXATRON_MAX_CONCURRENT_QUERIES_PER_TENANT,
      queuedPerKey: e.NEXATRON_MAX_QUEUED_QUERIES_PER_KEY,
      queuedPerTenant: e.NEXATRON_MAX_QUEUED_QUERIES_PER_TENANT,
      // Default: 80% of the V8 heap limit, so load is shed before the process runs out.
      memoryBudgetBytes: e.NEXATRON_MEMORY_BUDGET_MB > 0 ? e.NEXATRON_MEMORY_BUDGET_MB * 2 ** 20 : Math.floor(getHeapStatistics().heap_size_limit * 0.8),
      trustProxy: e.NEXATRON_TRUST_PROXY,
    },
    metricsToken: e.NEXATRON_METRICS_TOKEN,
    tracing: tracingConfig(e),
    webhooks: { maxAttempts: e.NEXATRON_WEBHOOK_MAX_ATTEMPTS },
    worker: { concurrency: e.NEXATRON_WORKER_CONCURRENCY, leaseMs: e.NEXATRON_JOB_LEASE_MS },
    scim: { defaultRole: e.NEXATRON_SCIM_DEFAULT_ROLE, attributes: scimAttributes, roleGroups },
    audit: { retentionDays: e.NEXATRON_AUDIT_RETENTION_DAYS },
    billing: { plans, defaultPlan: e.NEXATRON_DEFAULT_PLAN },
    publicUrl: e.NEXATRON_PUBLIC_URL,
    resultCache: {
      enabled: e.NEXATRON_RESULT_CACHE, defaultTtlS: e.NEXATRON_RESULT_CACHE_TTL_S, maxEntries: e.NEXATRON_RESULT_CACHE_MAX_ENTRIES,
      maxBytes: e.NEXATRON_RESULT_CACHE_MAX_MB * 2 ** 20, maxEntryBytes: e.NEXATRON_RESULT_CACHE_MAX_ENTRY_KB * 2 ** 10,
    },
  }
}
