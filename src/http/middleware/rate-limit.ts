// Rate-limit headers on every response; 429 with Retry-After when spent.
// Keyed on the credential (or the client address for anonymous calls).
import type { MiddlewareHandler } from 'hono'
import { AppError } from '../errors'
import type { AppEnv } from '../app-env'
import { clientIp } from './client-ip'
import { addressBucket } from './address-bucket'

export const rateLimit = (opts: { exempt?: (path: string) => boolean } = {}): MiddlewareHandler<AppEnv> =>
  async function rateLimitMiddleware(c, next) {
    const { limiter, config, billing } = c.get('services')
    const principal = c.get('principal')
    const path = c.req.path
    const subject = principal
      ? { key: `${principal.kind}:${principal.id}`, tenant: principal.tenantId }
      // anonymous calls: the client's address (client-ip.ts decides which hop counts; app.request() in tests has none),
      // an IPv6 one by its /64 (address-bucket.ts)
      : { key: `ip:${addressBucket(clientIp(c, config.limits.trustProxy) ?? 'unknown')}`, tenant: undefined }
    const consume = !opts.exempt?.(path)
    // The tenant's budget is its plan's requests per hour (cached: a plan change applies within 30 s).
    const tenantLimit = principal && consume && billing ? (await billing.cachedPlanOf(principal.tenantId)).limits.requests_per_hour : undefined
    const result = await limiter.hit(subject, { consume, login: path.endsWith('/auth/login'), tenantLimit })
    c.header('X-RateLimit-Limit', String(result.limit))
    c.header('X-RateLimit-Remaining', String(result.remaining))
    c.header('X-RateLimit-Reset', String(result.reset))
    if (!result.allowed) {
      throw new AppError('rate_limited', result.message ?? 'rate limit exceeded; retry later', [{ issue: result.scope ?? 'credential' }], {
        retryAfterS: result.retryAfter,
      })
    }
    await next()
  }
