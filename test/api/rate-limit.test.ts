import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Redis } from 'ioredis'
import { randomUUID } from 'node:crypto'
import { createTestApp, type TestApp } from '../support/test-app'
import { serviceAvailable } from '../support/services'
import { RateLimiter } from '../../src/identity/rate-limiter'
import { createApp } from '../../src/app'

let t: TestApp
beforeAll(async () => { t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '5', NEXATRON_LOGIN_RATE_LIMIT_PER_15MIN: '3' }) })
afterAll(async () => { await t?.close() })

describe('rate limits (in memory)', () => {
  it('puts the headers on every response and answers 429 with Retry-After when spent', async () => {
    const { key } = await t.services.apiKeys.create(t.tenantId, { name: 'rl', scopes: ['*'] })
    const statuses: number[] = []
    let last: Response | undefined
    for (let i = 0; i < 7; i++) {
      last = await t.request('GET', '/api/v1/api-keys', { key }) as unknown as Response
      statuses.push(last.status)
      expect(last.headers.get('x-ratelimit-limit')).toBe('5')
      expect(Number(last.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000)
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429])
    expect(last!.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(last!.headers.get('x-ratelimit-remaining')).toBe('0')
    const body = await last!.json() as { error: { code: string } }
    expect(body.error.code).toBe('rate_limited')
  })

  it('throttles login attempts per client', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) {
      statuses.push((await t.request('POST', '/api/v1/auth/login', { key: null, body: { email: 'x@example.com', password: 'nope-nope-nope' } })).status)
    }
    expect(statuses).toEqual([401, 401, 401, 429])
  })

  it('does not trust X-Forwarded-For unless configured', async () => {
    // Anonymous calls share one budget whatever the header says.
    const a = await t.request('GET', '/api/v1/api-keys', { key: null, headers: { 'x-forwarded-for': '1.2.3.4' } })
    const b = await t.request('GET', '/api/v1/api-keys', { key: null, headers: { 'x-forwarded-for': '5.6.7.8' } })
    expect(Number(b.headers.get('x-ratelimit-remaining'))).toBe(Number(a.headers.get('x-ratelimit-remaining')) - 1)
  })
})

const hasRedis = await serviceAvailable('redis')
describe.skipIf(!hasRedis)('rate limits shared through Redis', () => {
  it('lets two instances share one budget: exactly the limit is allowed', async () => {
    const prefix = `nexatron-test-${randomUUID()}`
    const r1 = new Redis('redis://127.0.0.1:6379')
    const r2 = new Redis('redis://127.0.0.1:6379')
    await Promise.all([r1, r2].map((r) => new Promise((ok) => (r.status === 'ready' ? ok(null) : r.once('ready', ok)))))
    try {
      const opts = { perKeyPerHour: 10, perTenantPerHour: 1000, loginPer15Min: 10, keyPrefix: prefix }
      const appA = createApp({ ...t.services, limiter: new RateLimiter({ ...opts, redis: r1 }) })
      const appB = createApp({ ...t.services, limiter: new RateLimiter({ ...opts, redis: r2 }) })
      const { key } = await t.services.apiKeys.create(t.tenantId, { name: 'shared', scopes: ['*'] })
      const headers = { authorization: `Bearer ${key}` }
      const calls = Array.from({ length: 16 }, (_, i) => (i % 2 ? appA : appB).request('/api/v1/auth/me', { headers }))
      const statuses = (await Promise.all(calls)).map((r) => r.status)
      expect(statuses.filter((s) => s === 200)).toHaveLength(10)
      expect(statuses.filter((s) => s === 429)).toHaveLength(6)
    } finally {
      const keys = await r1.keys(`${prefix}*`)
      if (keys.length) await r1.del(...keys)
      r1.disconnect()
      r2.disconnect()
    }
  })
})
