// Request budgets per credential and per tenant (rate-limiter-flexible):
// in memory by default, in Redis when REDIS_URL is set so instances share one
// budget. Login attempts get their own, tighter budget.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible'
import type { Redis } from 'ioredis'

export interface RateLimitResult {
  allowed: boolean
  limit: number
  remaining: number
  /** Unix seconds when the window resets. */
  reset: number
  retryAfter: number
  scope?: 'credential' | 'tenant' | 'login'
  message?: string
}

export interface RateLimitOptions {
  perKeyPerHour: number
  perTenantPerHour: number
  loginPer15Min: number
  redis?: Redis
  keyPrefix?: string
}

export class RateLimiter {
  private readonly perKey: RateLimiterAbstract
  private readonly perTenant: RateLimiterAbstract
  private readonly login: RateLimiterAbstract
  /** Tenant budgets of plans (requests per hour), one limiter per distinct limit. */
  private readonly planBudgets = new Map<number, RateLimiterAbstract>()
  private readonly make: (points: number, duration: number, name: string) => RateLimiterAbstract

  constructor(private readonly opts: RateLimitOptions) {
    const make = this.make = (points: number, duration: number, name: string) => {
      const keyPrefix = `${opts.keyPrefix ?? 'nexatron'}:${name}`
      const memory = new RateLimiterMemory({ points, duration, keyPrefix })
      // When Redis is unreachable each instance falls back to its own memory
      // budget rather than failing every request.
      return opts.redis
        ? new RateLimiterRedis({ storeClient: opts.redis, points, duration, keyPrefix, rejectIfRedisNotReady: true, insuranceLimiter: memory })
        : memory
    }
    this.perKey = make(opts.perKeyPerHour, 3600, 'key')
    this.perTenant = make(opts.perTenantPerHour, 3600, 'tenant')
    this.login = make(opts.loginPer15Min, 900, 'login')
  }

  private tenantBudget(limit: number | undefined): { limiter: RateLimiterAbstract; points: number } {
    if (limit === undefined) return { limiter: this.perTenant, points: this.opts.perTenantPerHour }
    let limiter = this.planBudgets.get(limit)
    if (!limiter) this.planBudgets.set(limit, limiter = this.make(limit, 3600, `plan-tenant:${limit}`))
    return { limiter, points: limit }
  }

  /**
   * `tenantLimit`: the tenant's plan's requests per hour (null: unlimited;
   * undefined: NEXATRON_TENANT_RATE_LIMIT_PER_HOUR). The headers report
   * whichever budget, the credential's or the tenant's, has fewer requests left.
   */
  async hit(subject: { key: string; tenant?: string }, o: { consume: boolean; login?: boolean; tenantLimit?: number | null }): Promise<RateLimitResult> {
    const now = Date.now()
    const view = (res: RateLimiterRes | null, limit: number, allowed: boolean, scope?: RateLimitResult['scope']): RateLimitResult => {
      const msBefore = res?.msBeforeNext ?? 0
      return {
        allowed, limit, scope,
        remaining: Math.max(0, res ? res.remainingPoints : limit),
        reset: Math.ceil((now + msBefore) / 1000),
        retryAfter: Math.max(1, Math.ceil(msBefore / 1000)),
      }
    }
    if (!o.consume) return view(await this.perKey.get(subject.key), this.opts.perKeyPerHour, true)
    if (o.login) {
      try {
        await this.login.consume(subject.key)
      } catch (e) {
        if (e instanceof RateLimiterRes) return { ...view(e, this.opts.loginPer15Min, false, 'login'), message: 'too many login attempts; retry later' }
        throw e
      }
    }
    let keyRes: RateLimiterRes
    try {
      keyRes = await this.perKey.consume(subject.key)
    } catch (e) {
      if (e instanceof RateLimiterRes) return { ...view(e, this.opts.perKeyPerHour, false, 'credential'), message: 'rate limit exceeded for this credential' }
      throw e
    }
    if (subject.tenant && o.tenantLimit !== null) {
      const budget = this.tenantBudget(o.tenantLimit)
      let tenantRes: RateLimiterRes
      try {
        tenantRes = await budget.limiter.consume(subject.tenant)
      } catch (e) {
        if (e instanceof RateLimiterRes) return { ...view(e, budget.points, false, 'tenant'), message: 'rate limit exceeded for this tenant (its plan\'s requests per hour)' }
        throw e
      }
      if (o.tenantLimit !== undefined && tenantRes.remainingPoints <= keyRes.remainingPoints) return view(tenantRes, budget.points, true, 'tenant')
    }
    return view(keyRes, this.opts.perKeyPerHour, true)
  }
}
