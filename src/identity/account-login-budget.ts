// Failed password logins per account. The address budget (rate-limiter.ts)
// stops one client guessing fast; it does nothing against many addresses
// guessing one account. This budget is keyed on the email (trimmed,
// lower-cased: the spelling the login matches on), counts only failures, and
// once spent refuses every login for that email until the window passes, the
// right password included (a right guess must not be told apart from a wrong
// one) and whether or not the email exists (nor may that). The owner's
// successful login forgets the failures, so old typos do not lock them out,
// when the email is one account's only (SessionService.login: else another
// tenant's account of the address could forget a victim's failures).
// The trade-off is the usual one: someone can keep an account's password login
// locked by failing on purpose; the window is short and SSO is unaffected.
import { createHash } from 'node:crypto'
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible'
import type { Redis } from 'ioredis'
import { AppError } from '../errors'

const WINDOW_S = 900

export class AccountLoginBudget {
  private readonly failures: RateLimiterAbstract

  constructor(private readonly opts: { failuresPer15Min: number; redis?: Redis; keyPrefix?: string }) {
    const keyPrefix = `${opts.keyPrefix ?? 'nexatron'}:login-account`
    const memory = new RateLimiterMemory({ points: opts.failuresPer15Min, duration: WINDOW_S, keyPrefix })
    this.failures = opts.redis
      ? new RateLimiterRedis({ storeClient: opts.redis, points: opts.failuresPer15Min, duration: WINDOW_S, keyPrefix, rejectIfRedisNotReady: true, insuranceLimiter: memory })
      : memory
  }

  // Hashed so Redis holds no email addresses.
  private key(email: string): string {
    return createHash('sha256').update(email.trim().toLowerCase()).digest('base64url')
  }

  /** Throws 429 when the account's failures are spent. */
  async assertOpen(email: string): Promise<void> {
    const res = await this.failures.get(this.key(email))
    if (res && res.consumedPoints >= this.opts.failuresPer15Min) {
      throw new AppError('rate_limited', 'too many failed logins for this account; retry later', [{ issue: 'account' }], {
        retryAfterS: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
      })
    }
  }

  async failed(email: string): Promise<void> {
    // penalty() counts without rejecting: the refusal is assertOpen's, before the next attempt's password check
    await this.failures.penalty(this.key(email), 1)
  }

  async succeeded(email: string): Promise<void> {
    await this.failures.delete(this.key(email))
  }
}
