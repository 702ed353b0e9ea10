// Builds the service container from config: opens the store, the key box, the
// limiter, and wires connections, the semantic layer, planners and the query
// runner. Used by the server, the CLI and tests (with options).
import type { PGlite } from '@electric-sql/pglite'
import type { Config } from './config'
import { createLogger, type Logger } from './logger'
import { MIGRATIONS_DIR, openStore, type Store } from './store/db'
import { Readiness } from './ops/readiness'
import { createMetrics } from './ops/metrics'
import { startTracing } from './ops/tracing'
import { resolveSecretBox } from './security/secret-key'
import { ApiKeyService } from './identity/api-keys'
import { AuthService } from './identity/auth-service'
import type { OnCredentialsRevoked } from './identity/revocation'
import { RateLimiter } from './identity/rate-limiter'
import { TenantService } from './identity/tenants'
import { ConnectionService, type ConnectorFactory } from './connections/connection-service'
import { SemanticStore } from './semantic-layer/semantic-store'
import { AccessPolicyService } from './governance/access-policy-service'
import { SemanticService } from './semantic-layer/semantic-service'
import { QueryHistory } from './query/history'
import { QueryRunner } from './query/query-runner'
import { MemoryResultCache } from './query/result-cache-memory'
import { RedisResultCache } from './query/result-cache-redis'
import { SqlExecutor } from './query/executor'
import { ConcurrencyGate } from './query/concurrency-gate'
import { JobService, JobWorker } from './query/job-worker'
import { WebhookSecrets } from './query/webhook-secrets'
import { createOfflinePlanner } from './planner/offline/offline-planner'
import { createPlannerFromConfig } from './planner/hybrid'
import type { Planner } from './planner/planner'
import { summarizeWithLlm } from './planner/llm/summarize'
import { createConnector, loadConnector } from '../connectors/registry'
import type { DnsLookup, HostPolicyOptions } from './security/host-policy'
import { ConnectorError } from '../connectors/connector'
import type { Services } from './services'
import type { DemoWarehouse } from './demo/warehouse-host'
import { UserService } from './identity/users'
import { GroupService } from './identity/groups'
import { SessionService, tokenKeys } from './identity/sessions'
import { AccountLoginBudget } from './identity/account-login-budget'
import { AuditService } from './audit/audit-service'
import { ambientDb, inStoreTransaction } from './audit/ambient-tx'
import { BillingService } from './billing/billing-service'
import { startAuditRetention } from './audit/audit-retention'
import { UsageAnalytics } from './analytics/usage-analytics'
import { ScimTokenService } from './scim/scim-tokens'
import { ScimService } from './scim/scim-service'
import { SsoSettingsService } from './identity/sso/sso-settings'
import { SsoLoginService } from './identity/sso/sso-login'
import { OidcRelyingParty } from './identity/sso/oidc-client'
import { LoginStates } from './identity/sso/login-states'

export interface ContainerOptions {
  /** Resolve host names with this instead of the system resolver (tests simulate DNS, rebinding included). */
  dnsLookup?: DnsLookup
  store?: Store
  logger?: Logger
  /** In-memory store and key (tests). */
  inMemory?: boolean
  /** The embedded demo warehouse (or its creation in progress), served to connections of type pglite with config.demo. */
  demoDb?: PGlite | Promise<PGlite>
  /** The demo warehouse on its own thread (the server's choice): statements on it cannot stall the service. */
  demoWarehouse?: DemoWarehouse
  /** Replace the configured planner (tests). */
  planner?: Planner
  /** Replace how connectors are made (tests). */
  connectorFactory?: ConnectorFactory
  now?: () => Date
  fetch?: typeof fetch
}

export type Container = Services & { dispose(): Promise<void> }

export async function buildServices(config: Config, opts: ContainerOptions = {}): Promise<Container> {
  const logger = opts.logger ?? createLogger(config.logLevel)
  // The SDK loads only when an OTLP endpoint is configured, while the store opens.
  const tracingReady = startTracing(config.tracing)
  tracingReady.catch(() => {}) // awaited below; this only keeps an early failure elsewhere from leaving it unhandled
  const { box } = resolveSecretBox({
    secretKey: config.secretKey, previousKeys: config.previousSecretKeys, databaseUrl: config.databaseUrl,
    dataDir: config.dataDir, inMemory: opts.inMemory,
  })
  const store = opts.store ?? await openStore({ databaseUrl: config.databaseUrl, dataDir: opts.inMemory ? 'memory://' : config.dataDir })
  // ioredis is loaded only when configured (a quarter of a second of start-up otherwise).
  const redis = config.limits.redisUrl
    ? new (await import('ioredis')).Redis(config.limits.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
    : undefined
  redis?.on('error', (err) => logger.warn({ err: err.message }, 'redis error'))
  // Services join a request's ambient transaction (a mutation and its audit record commit together).
  const db = ambientDb(store.db)
  const hostPolicy: HostPolicyOptions = { policy: config.network.allowed, allowSocketHosts: config.network.allowSocketHosts, ...(opts.dnsLookup && { lookup: opts.dnsLookup }) }

  // Revoking a key, or disabling / deleting a user, cancels their queued jobs
  // (and audits it): the job service exists only further down, hence the indirection.
  let jobs: JobService | undefined
  const onRevoked: OnCredentialsRevoked = async (e) => { await jobs?.credentialsRevoked(e) }
  // Kept in memory while the store's change feed is live; a statement inside a request's transaction reads the store.
  const kept = { changes: store.changes, bypass: inStoreTransaction }
  const apiKeys = new ApiKeyService(db, undefined, onRevoked, kept)
  const users = new UserService(db, { apiKeys, onRevoked })
  // Groups named in access policies are admins' to change; the policy service is built further down.
  const groups = new GroupService(db, users, { roleGroups: config.scim.roleGroups, defaultRole: config.scim.defaultRole, policyGroups: (t) => access.groupNames(t) })
  const ssoSettings = new SsoSettingsService(db, box, hostPolicy, opts.now)
  const sessions = new SessionService(db, users,
    tokenKeys({ jwtSecret: config.auth.jwtSecret, kid: config.auth.jwtKid, fallbackKey: box.deriveKey('nexatron-jwt-v1'), previous: config.auth.jwtPrevious }),
    { accessS: config.auth.accessTtlS, refreshS: config.auth.refreshTtlS }, opts.now, ssoSettings,
    new AccountLoginBudget({ failuresPer15Min: config.limits.loginFailuresPerAccount, redis }))
  const tenants = new TenantService(db)
  const connectorFactory: ConnectorFactory = opts.connectorFactory ?? (async (cfg) => {
    if (cfg.type === 'pglite' && cfg.config.demo === true) {
      if (opts.demoWarehouse) return opts.demoWarehouse.connector(cfg.options)
      if (!opts.demoDb) throw new ConnectorError('unreachable', 'pglite', 'the demo warehouse is not running on this server (NEXATRON_DEMO=false)')
      return loadConnector({ type: 'pglite', config: { schemas: ['retail'] }, credentials: {}, options: cfg.options }, { pglite: await opts.demoDb })
    }
    return createConnector(cfg)
  })
  const semanticStore = new SemanticStore(db)
  const connections = new ConnectionService({
    db, box, createConnector: connectorFactory, hostPolicy, onDeleted: (tenantId, id) => semanticStore.forget(tenantId, id), cache: kept,
  })
  // The one path by which SQL reaches a database (see src/query/executor.ts).
  const executor = new SqlExecutor({ connections, limits: config.query })
  const semantic = new SemanticService(semanticStore, db, connections, executor)
  // Each tenant's hash-mask key, derived (never stored) and kept: HKDF per request is work for nothing.
  const maskKeys = new Map<string, string>()
  const access = new AccessPolicyService(db, semanticStore, connections, (tenantId) => {
    let key = maskKeys.get(tenantId)
    if (key === undefined) {
      if (maskKeys.size >= 10_000) maskKeys.clear()
      maskKeys.set(tenantId, key = box.deriveKey(`nexatron-mask-v1:${tenantId}`).toString('hex'))
    }
    return key
  })
  const history = new QueryHistory(db)
  const metrics = await createMetrics(!!config.metricsToken, {
    history, pools: () => connections.poolStats(), demoWarehouseStarts: opts.demoWarehouse ? () => opts.demoWarehouse!.starts : undefined,
  })
  const openai = config.planner.openai
    ? { apiKey: config.planner.openai.apiKey, baseURL: config.planner.openai.baseURL, model: config.planner.openai.model, timeoutMs: config.planner.openai.timeoutMs }
    : undefined
  const planner = opts.planner ?? createPlannerFromConfig({
    mode: config.planner.mode, offline: createOfflinePlanner(), minConfidence: config.planner.minConfidence, openai,
  })
  const runner = new QueryRunner({
    connections, semantic: semanticStore, access, tenants, history, planner, logger, now: opts.now,
    llmSummary: config.planner.llmSummary && openai ? (input, signal) => summarizeWithLlm(input, { openai }, signal) : undefined,
    gate: new ConcurrencyGate(config.limits.concurrentPerKey, config.limits.concurrentPerTenant, { bytes: config.limits.memoryBudgetBytes }),
    queueCaps: { perKey: config.limits.queuedPerKey, perTenant: config.limits.queuedPerTenant },
    executor, limits: config.query, metrics, onCacheLookup: (outcome) => metrics.cacheLookup(outcome),
    // Shared through Redis when configured, so every instance serves what any of them computed.
    resultCache: !config.resultCache.enabled ? undefined : {
      defaultTtlS: config.resultCache.defaultTtlS,
      store: redis
        ? new RedisResultCache(redis, config.resultCache.maxEntryBytes, logger)
        : new MemoryResultCache(config.resultCache, opts.now ? () => opts.now!().getTime() : Date.now),
    },
  })
  const webhookSecrets = new WebhookSecrets(tenants, box)
  const auth = new AuthService(apiKeys, sessions, users)
  const audit = new AuditService(db, opts.now)
  const billing = new BillingService(db, config.billing, audit, opts.now)
  const retention = config.audit.retentionDays > 0 ? startAuditRetention(audit, config.audit.retentionDays, logger) : undefined
  const worker = new JobWorker({
    db, history, principals: auth, audit, runner, connections, secrets: webhookSecrets, hostPolicy, logger, fetch: opts.fetch, billing,
    staleness: { connections, semantic: semanticStore, access },
    concurrency: config.worker.concurrency, leaseMs: config.worker.leaseMs, maxWebhookAttempts: config.webhooks.maxAttempts, historyRows: config.query.historyRows, metrics,
  })
  jobs = new JobService(history, runner, worker, hostPolicy, audit)
  const tracing = await tracingReady
  const services: Services = {
    demoWarehouseStarts: opts.demoWarehouse ? () => opts.demoWarehouse!.starts : undefined,
    readiness: new Readiness({ store, redis, migrationsDir: MIGRATIONS_DIR }),
    metrics, tracing,
    config, logger, store, secretBox: box, tenants, apiKeys,
    auth,
    users, sessions,
    limiter: new RateLimiter({ ...config.limits, redis }),
    connections, semantic, access, history, runner, worker, webhookSecrets,
    jobs,
    audit,
    billing,
    analytics: new UsageAnalytics(db),
    scimTokens: new ScimTokenService(db, opts.now, auth),
    scim: new ScimService(db, users, config.scim.defaultRole).withAttributeMap(config.scim.attributes).withSeats(billing).withGroups(groups),
    groups,
    sso: {
      settings: ssoSettings,
      login: new SsoLoginService({
        db, tenants, users, sessions, settings: ssoSettings, relyingParty: new OidcRelyingParty(hostPolicy, opts.now),
        states: new LoginStates(db, opts.now), defaultRole: config.scim.defaultRole, seats: billing, now: opts.now,
        audit: (e) => audit.record({
          tenantId: e.tenantId, action: 'auth.sso_login', outcome: e.outcome,
          actor: e.userId ? { type: 'user', id: e.userId, display: e.email ?? null } : null,
          resource: e.userId ? { type: 'user', id: e.userId } : null,
          ip: e.ip, userAgent: e.userAgent, requestId: e.requestId, details: e.reason ? { reason: e.reason } : null,
        }),
      }),
    },
  }
  return {
    ...services,
    async dispose() {
      retention?.stop()
      await worker.stop()
      await connections.closeAll()
      redis?.disconnect()
      if (!opts.store) await store.close()
      await tracing?.stop()
    },
  }
}
