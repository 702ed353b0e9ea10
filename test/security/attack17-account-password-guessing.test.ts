// Attack: guess one account's password from many addresses. The login budget
// was keyed only on the client's address (its /64 for IPv6), so a botnet, or
// one host with many IPv4 addresses, had a fresh budget per address for the
// same account: unlimited guesses against one victim. Failed attempts now also
// spend a budget of the account (its email, however it is spelt); once spent,
// every login for that email is refused with 429 until the window passes,
// whether the password is right or not (a right guess must not be told apart)
// and whether the email exists or not (the answer says nothing about it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

const from = (address: string) => ({ 'x-forwarded-for': address })

describe('attack: many addresses guessing one account\'s password', () => {
  let t: TestApp
  const password = 'correct horse battery staple'
  beforeAll(async () => {
    t = await createTestApp({ NEXATRON_TRUST_PROXY: 'true', NEXATRON_LOGIN_RATE_LIMIT_PER_15MIN: '100', NEXATRON_LOGIN_FAILURES_PER_ACCOUNT: '4' })
    for (const email of ['victim@example.com', 'bystander@example.com']) {
      const made = await t.request('POST', '/api/v1/users', { body: { email, password, role: 'analyst' } })
      expect(made.status, await made.clone().text()).toBe(201)
    }
  }, 60_000)
  afterAll(async () => { await t?.close() })

  const login = (email: string, pw: string, address: string) =>
    t.request('POST', '/api/v1/auth/login', { key: null, headers: from(address), body: { email, password: pw } })

  it('refuses every login for the account, the right password included, once its failures are spent across addresses', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) statuses.push((await login(i % 2 ? 'VICTIM@example.com ' : 'victim@example.com', `guess ${i}`, `203.0.113.${i + 1}`)).status)
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429])
    const right = await login('victim@example.com', password, '198.51.100.200')
    expect(right.status).toBe(429)
    const body = await right.json()
    expect(body.error.code).toBe('rate_limited')
    expect(body.error.details).toEqual([{ issue: 'account' }])
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  it('leaves other accounts their own budget', async () => {
    expect((await login('bystander@example.com', password, '203.0.113.1')).status).toBe(200)
  })

  it('answers an unknown email exactly as a known one once its failures are spent', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) statuses.push((await login('nobody@example.com', `guess ${i}`, `192.0.2.${i + 1}`)).status)
    expect(statuses).toEqual([401, 401, 401, 401, 429])
  })

  it('forgets an account\'s failures once its owner logs in with the right password before the budget is spent', async () => {
    for (let i = 0; i < 3; i++) expect((await login('bystander@example.com', `wrong ${i}`, `203.0.113.${50 + i}`)).status).toBe(401)
    // the owner logs in: the failures are forgotten, so the owner is not locked out by yesterday's typos
    expect((await login('bystander@example.com', password, '198.51.100.7')).status).toBe(200)
    for (let i = 0; i < 3; i++) expect((await login('bystander@example.com', `wrong again ${i}`, `203.0.113.${60 + i}`)).status).toBe(401)
    expect((await login('bystander@example.com', password, '198.51.100.7')).status).toBe(200)
  })
})
