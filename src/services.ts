// The service container routes reach through `c.get('services')`. Tests build
// it with fakes where they need to; nothing here does I/O at import time.
import type { Config } from './config'
import type { Logger } from './logger'
import type { Store } from './store/db'
import type { SecretBox } from './security/secret-box'
import type { ApiKeyService } from './identity/api-keys'
import type { AuthService } from './identity/auth-service'
import type { RateLimiter } from './identity/rate-limiter'
import type { TenantService } from './identity/tenants'
import type { ConnectionService } from './connections/connection-service'
import type { SemanticService } from './semantic-layer/semantic-service'
import type { AccessPolicyService } from './governance/access-policy-service'
import type { QueryRunner } from './query/query-runner'
import type { QueryHistory } from './query/history'
import type { JobService, JobWorker } from './query/job-worker'
import type { WebhookSecrets } from './query/webhook-secrets'
import type { UserService } from './identity/users'
import type { GroupService } from './identity/groups'
import type { SessionService } from './identity/sessions'
import type { AuditService } from './audit/audit-service'
import type { BillingService } from './billing/billing-service'
import type { UsageAnalytics } from './analytics/usage-analytics'
import type { ScimTokenService } from './scim/scim-tokens'
import type { ScimService } from './scim/scim-service'
import type { SsoSettingsService } from './identity/sso/sso-settings'
import type { SsoLoginService } from './identity/sso/sso-login'
import type { Readiness } from './ops/readiness'
import type { Metrics } from './ops/metrics'
import type { Tracing } from './ops/tracing'

export interface Services {
  /** What /health/ready reports (store, Redis, migrations, draining); absent in tests that build services by hand. */
  readiness?: Readiness
  /** Threads the demo warehouse has started (for /metrics), when it runs on its own thread. */
  demoWarehouseStarts?: () => number
  /** What /metrics reports (NO_METRICS when it is off); absent in tests that build services by hand. */
  metrics?: Metrics
  /** The OpenTelemetry exporter, when OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  tracing?: Tracing
  config: Config
  logger: Logger
  store: Store
  secretBox: SecretBox
  tenants: TenantService
  apiKeys: ApiKeyService
  auth: AuthService
  limiter: RateLimiter
  connections: ConnectionService
  semantic: SemanticService
  /** Access policies of semantic layers (src/governance). */
  access: AccessPolicyService
  history: QueryHistory
  runner: QueryRunner
  jobs: JobService
  worker: JobWorker
  webhookSecrets: WebhookSecrets
  users: UserService
  /** Groups of users: roles by mapping, attributes for policies (src/identity/groups.ts). */
  groups: GroupService
  sessions: SessionService
  audit: AuditService
  billing: BillingService
  analytics: UsageAnalytics
  scimTokens: ScimTokenService
  scim: ScimService
  /** Single sign-on (OpenID Connect): per-tenant settings and the sign-in flow. */
  sso: { settings: SsoSettingsService; login: SsoLoginService }
}
