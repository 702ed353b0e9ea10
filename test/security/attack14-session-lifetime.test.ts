// Attack: keep a login alive for ever. Each refresh gave the new refresh token
// a fresh lifetime, so a stolen refresh token (or a password session after an
// admin turned password login off for single sign-on) stayed good as long as
// it was refreshed in time. A login now lasts the refresh TTL at most: a
// refreshed token keeps the expiry of the login it descends from.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

const PASSWORD = 'a long enough password'
const HOUR_S = 3600
let clock = new Date('2026-12-01T09:00:00Z')
let t: TestApp

beforeAll(async () => {
  t = await createTestApp({ NEXATRON_LOGIN_RATE_LIMIT_PER_15MIN: '1000', NEXATRON_REFRESH_TOKEN_TTL_S: String(HOUR_S) }, { now: () => clock })
  const res = await t.request('POST', '/api/v1/users', { body: { email: 'long@example.com', password: PASSWORD, role: 'analyst' } })
  expect(res.status).toBe(201)
})
afterAll(async () => { await t?.close() })

const refresh = (token: string) => t.request('POST', '/api/v1/auth/refresh', { key: null, body: { refresh_token: token } })
const advance = (minutes: number) => { clock = new Date(clock.getTime() + minutes * 60_000) }

describe('attack: a login refreshed for ever', () => {
  it('ends at the refresh TTL after the login, however often it was refreshed', async () => {
    const login = await t.request('POST', '/api/v1/auth/login', { key: null, body: { email: 'long@example.com', password: PASSWORD } })
    expect(login.status).toBe(200)
    let token = (await login.json()).refresh_token as string
    // Refreshed every 20 minutes: good within the hour of the login...
    for (let i = 0; i < 2; i++) {
      advance(20)
      const res = await refresh(token)
      expect(res.status).toBe(200)
      token = (await res.json()).refresh_token
    }
    // ...and no longer past it, though the last refresh was 20 minutes ago.
    advance(25)
    expect((await refresh(token)).status).toBe(401)
  })

  it('still lets a new login start a new hour', async () => {
    const login = await t.request('POST', '/api/v1/auth/login', { key: null, body: { email: 'long@example.com', password: PASSWORD } })
    expect(login.status).toBe(200)
    advance(30)
    expect((await refresh((await login.json()).refresh_token)).status).toBe(200)
  })
})
