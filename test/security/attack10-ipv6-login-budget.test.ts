// Attack: guess passwords without end from one IPv6 host. Anonymous calls,
// /auth/login among them, spend a budget keyed on the client's address, and
// that key was the whole IPv6 address. A host gets a /64 (every ISP and cloud
// hands one out; SLAAC privacy addresses rotate inside it by design), so it can
// send each attempt from a new address: 2^64 fresh login budgets. An IPv6
// caller now spends the budget of its /64, however the address inside it is
// spelt; an IPv4 caller seen through a dual-stack socket (::ffff:a.b.c.d)
// spends its IPv4 address's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

/** What the trusted proxy forwards for a client whose socket address is `address` (the last hop is the proxy's word). */
const from = (address: string) => ({ 'x-forwarded-for': address })

describe('attack: one IPv6 host rotating its address inside its /64 between login attempts', () => {
  let t: TestApp
  beforeAll(async () => { t = await createTestApp({ NEXATRON_TRUST_PROXY: 'true', NEXATRON_LOGIN_RATE_LIMIT_PER_15MIN: '3' }) }, 60_000)
  afterAll(async () => { await t?.close() })

  const attempt = (address: string, i: number) =>
    t.request('POST', '/api/v1/auth/login', { key: null, headers: from(address), body: { email: 'victim@example.com', password: `guess number ${i}` } })

  it('spends one login budget across the addresses of one /64, however they are spelt', async () => {
    const addresses = ['2001:db8:1:2::1', '2001:db8:1:2:dead:beef:0:7', '2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:DB8:1:2::abcd', '2001:db8:1:2:1:2:3:4', '2001:db8:1:2::9%eth0']
    const statuses: number[] = []
    for (const [i, a] of addresses.entries()) statuses.push((await attempt(a, i)).status)
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429])
    // a neighbouring /64 (another customer of the same provider) keeps its own budget
    expect((await attempt('2001:db8:1:3::1', 99)).status).toBe(401)
  })

  it('spends an IPv4 client\'s budget whether its address comes plain or IPv4-mapped', async () => {
    const statuses: number[] = []
    for (const [i, a] of ['198.51.100.9', '::ffff:198.51.100.9', '::ffff:c633:6409', '198.51.100.9'].entries()) statuses.push((await attempt(a, i)).status)
    expect(statuses).toEqual([401, 401, 401, 429])
    expect((await attempt('198.51.100.10', 7)).status).toBe(401)
  })

})
