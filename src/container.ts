// Builds the service container from config: opens the store, the key box, the
// limiter. Used by the server, the CLI and tests (with `overrides`).
import { Redis } from 'ioredis'
import type { Config } from './config'
import { createLogger, type Logger } from './logger'
import { openStore, type Store } from './store/db'
import { resolveSecretBox } from './security/secret-key'
import { ApiKeyService } from './identity/api-keys'
import { AuthService } from './identity/auth-service'
import { RateLimiter } from './identity/rate-limiter'
import { TenantService } from './identity/tenants'
import type { Services } from './services'

export interface ContainerOptions {
  store?: Store
  logger?: Logger
  /** In-memory store and key (tests). */
  inMemory?: boolean
}

export async function buildServices(config: Config, opts: ContainerOptions = {}): Promise<Services & { dispose(): Promise<void> }> {
  const logger = opts.logger ?? createLogger(config.logLevel)
  const { box } = resolveSecretBox({
    secretKey: config.secretKey, previousKeys: config.previousSecretKeys, databaseUrl: config.databaseUrl,
    dataDir: config.dataDir, inMemory: opts.inMemory,
  })
  const store = opts.store ?? await openStore({ databaseUrl: config.databaseUrl, dataDir: opts.inMemory ? 'memory://' : config.dataDir })
  const redis = config.limits.redisUrl ? new Redis(config.limits.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }) : undefined
  redis?.on('error', (err) => logger.warn({ err: err.message }, 'redis error'))
  const apiKeys = new ApiKeyService(store.db)
  const services: Services = {
    config, logger, store, secretBox: box,
    tenants: new TenantService(store.db),
    apiKeys,
    auth: new AuthService(apiKeys),
    limiter: new RateLimiter({ ...config.limits, redis }),
  }
  return {
    ...services,
    async dispose() {
      redis?.disconnect()
      if (!opts.store) await store.close()
    },
  }
}
