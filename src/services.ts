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

export interface Services {
  config: Config
  logger: Logger
  store: Store
  secretBox: SecretBox
  tenants: TenantService
  apiKeys: ApiKeyService
  auth: AuthService
  limiter: RateLimiter
}
