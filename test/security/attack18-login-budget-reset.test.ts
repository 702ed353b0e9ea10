// Attack: keep the per-account login budget (attack17-account-password-guessing)
// from ever being spent. The budget is keyed on the email alone, shared by
// every tenant's account of that address, and any right login for the email
// forgot its failures. An admin of one tenant (anyone who signs one up) makes
// a user there with the victim's address and a password they know; after each
// few wrong guesses at the victim's tenant they log in to their own copy, the
// failures are forgotten, and the guessing goes on without end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

describe('attack: resetting a victim\'s failed-login budget through an account of the same email in another tenant', () => {
  let t: TestApp
  let attackerTenant: { tenantId: string; adminKey: string }
  const email = 'victim@example.com'
  const victimPassword = 'correct horse battery staple'
  const attackerPassword = 'attacker knows this one'
  beforeAll(async () => {
    t = await createTestApp({ NEXATRON_TRUST_PROXY: 'true', NEXATRON_LOGIN_RATE_LIMIT_PER_15MIN: '1000', NEXATRON_LOGIN_FAILURES_PER_ACCOUNT: '4' })
    const victim = await t.request('POST', '/api/v1/users', { body: { email, password: victimPassword, role: 'analyst' } })
    expect(victim.status, await victim.clone().text()).toBe(201)
    attackerTenant = await t.newTenant('attacker-co')
    const copy = await t.request('POST', '/api/v1/users', { key: attackerTenant.adminKey, body: { email, password: attackerPassword, role: 'analyst' } })
    expect(copy.status, await copy.clone().text()).toBe(201)
  }, 60_000)
  afterAll(async () => { await t?.close() })

  const login = (password: string, tenant: string, i: number) =>
    t.request('POST', '/api/v1/auth/login', { key: null, headers: { 'x-forwarded-for': `203.0.113.${(i % 250) + 1}` }, body: { email, password, tenant } })

  it('refuses guesses at the victim once the budget is spent, whatever another tenant\'s account of the email does', async () => {
    const statuses: number[] = []
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 3; i++) statuses.push((await login(`guess ${round}-${i}`, t.tenantId, round * 4 + i)).status)
      // the attacker's own account of the same email: a right password
      await login(attackerPassword, attackerTenant.tenantId, round * 4 + 3)
    }
    // nine wrong guesses against a budget of four: the later ones must be refused
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401])
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5)
  })

  it('still forgets the owner\'s own typos when the owner logs in (one tenant has the email)', async () => {
    const own = 'owner@example.com'
    expect((await t.request('POST', '/api/v1/users', { body: { email: own, password: victimPassword, role: 'analyst' } })).status).toBe(201)
    const as = (password: string, i: number) => t.request('POST', '/api/v1/auth/login', { key: null, headers: { 'x-forwarded-for': `198.51.100.${i + 1}` }, body: { email: own, password } })
    for (let i = 0; i < 3; i++) expect((await as(`typo ${i}`, i)).status).toBe(401)
    expect((await as(victimPassword, 10)).status).toBe(200)
    for (let i = 0; i < 3; i++) expect((await as(`typo again ${i}`, 20 + i)).status).toBe(401)
    expect((await as(victimPassword, 30)).status).toBe(200)
  })
})
