// The result cache in Redis (REDIS_URL): every instance reads and writes the
// same entries, so a question answered through one is a hit on all. Redis
// expires entries itself (SET ... PX); its own maxmemory policy bounds the
// total, and results over maxEntryBytes are never sent. An unreachable Redis
// makes every lookup a miss: the answer comes from the database, never an error.
import type { Redis } from 'ioredis'
import type { Logger } from '../logger'
import type { CachedResult, ResultCache } from './result-cache'

const PREFIX = 'nexatron:result:'

export class RedisResultCache implements ResultCache {
  constructor(private readonly redis: Pick<Redis, 'get' | 'set'>, readonly maxEntryBytes: number, private readonly logger?: Pick<Logger, 'warn'>) {}

  async get(key: string): Promise<CachedResult | undefined> {
    try {
      const text = await this.redis.get(PREFIX + key)
      return text === null ? undefined : JSON.parse(text) as CachedResult
    } catch (err) {
      this.logger?.warn({ err: (err as Error).message }, 'result cache lookup failed; answering from the database')
      return undefined
    }
  }

  async set(key: string, text: string, ttlS: number): Promise<void> {
    if (ttlS <= 0 || text.length > this.maxEntryBytes) return
    try {
      await this.redis.set(PREFIX + key, text, 'PX', ttlS * 1000)
    } catch (err) {
      this.logger?.warn({ err: (err as Error).message }, 'could not store a result in the cache')
    }
  }
}
