// Attacks on single sign-on (a real OpenID Provider, store on PostgreSQL).
//
// 1. Single sign-on as an open redirect. `return_to` must be a path on
// this server (README, Single sign-on: "anything else is a 400: no open
// redirect"). The check looked at the value as sent, but what it kept is that
// value after URL normalisation: dot segments removed from `/.//evil.example`
// leave `//evil.example`, which a browser reads as another origin. Start
// accepted such a link (302 to the provider); only the callback's second look
// at the stored value sent the browser to `/` instead. One change to either
// check would have made it an open redirect: start must refuse it (400), and
// the sign-in through it must never land off this origin.
//
// 2. More people than the plan has seats. Every way of adding an active user
// takes a seat (POST /users, SCIM create and reactivation: 403 beyond the
// plan), but a first SSO sign-in created its user just in time without
// asking: a tenant on a plan of a few seats had as many active users as its
// identity provider let in. A first sign-in beyond the seats is now refused
// (`?sso_error=plan_limit_reached`, audited), and creates nobody.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { randomBytes } from 'node:crypto'
import { createTestApp, type TestApp } from '../support/test-app'
import { serviceAvailable, SERVICES } from '../support/services'
import { followProvider, startTestProvider, type TestProvider } from '../support/oidc-test-provider'
import { openStore, type Store } from '../../src/store/db'
import { safeReturnTo } from '../../src/identity/sso/return-to'
import { users } from '../../src/store/schema'
import { eq } from 'drizzle-orm'

const hasPg = await serviceAvailable('postgres')
const DB = `nexatron_attack9_${randomBytes(4).toString('hex')}`
const STORE_URL = `postgres://postgres@${SERVICES.postgres.host}:${SERVICES.postgres.port}/${DB}`
const REDIRECT_URI = 'http://localhost/api/v1/auth/sso/callback'
const ORIGIN = 'http://localhost'

// Each normalises (dot segments, percent-encoded dots) to a path starting with `//`.
const PLANS = JSON.stringify({
  duo: { requests_per_hour: 100000, queries_per_month: null, rows_per_month: null, llm_tokens_per_month: null, connections: null, seats: 2 },
})

const DOT_SEGMENT_ESCAPES = ['/.//evil.example', '/..//evil.example/login', '/a/..//evil.example', '/%2e//evil.example', '/%2E%2E//evil.example?x=1', '/a/b/../..//evil.example']

async function pgAdmin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: SERVICES.postgres.url })
  await c.connect()
  try { await c.query(sql) } finally { await c.end() }
}

describe('safeReturnTo on dot segments', () => {
  it('refuses a path that normalises to a protocol-relative URL', () => {
    for (const v of DOT_SEGMENT_ESCAPES) expect(safeReturnTo(v), v).toBeNull()
  })

  it('still normalises dot segments that stay on this origin (control)', () => {
    expect(safeReturnTo('/a/../ask')).toBe('/ask')
    expect(safeReturnTo('/./settings')).toBe('/settings')
  })
})

describe.skipIf(!hasPg)('attacks on single sign-on', () => {
  let store: Store
  let t: TestApp
  let idp: TestProvider
  let tenantName: string

  beforeAll(async () => {
    await pgAdmin(`CREATE DATABASE ${DB}`)
    store = await openStore({ databaseUrl: STORE_URL })
    t = await createTestApp({ NEXATRON_SECRET_KEY: randomBytes(32).toString('base64'), NEXATRON_PLANS: PLANS, NEXATRON_RATE_LIMIT_PER_HOUR: '100000' }, { store })
    tenantName = (await t.services.tenants.get(t.tenantId))!.name
    idp = await startTestProvider({ redirectUri: REDIRECT_URI })
    idp.accounts.set('okta|victim', { email: 'victim@acme.test', email_verified: true, name: 'Victim', groups: ['analyst'] })
    const res = await t.request('PUT', '/api/v1/sso/settings', { body: {
      issuer: idp.issuer, client_id: idp.clientId, client_secret: idp.clientSecret,
      scopes: ['openid', 'email', 'profile', 'groups'], groups_claim: 'groups', allowed_email_domains: ['acme.test'],
    } })
    expect(res.status, await res.clone().text()).toBe(200)
  }, 60_000)

  afterAll(async () => {
    await t?.close()
    await store?.close()
    await idp?.close()
    await pgAdmin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`).catch(() => {})
  })

  it('refuses the link at start, and no sign-in through it ends off this origin', async () => {
    for (const evil of DOT_SEGMENT_ESCAPES) {
      idp.nextLogin = { sub: 'okta|victim' }
      const start = await t.request('GET', `/api/v1/auth/sso/start?tenant=${tenantName}&return_to=${encodeURIComponent(evil)}`, { key: null })
      if (start.status === 302) {
        // Follow the victim's browser through the provider and back: where does it land?
        const state = start.headers.getSetCookie().find((c) => c.startsWith('nexatron_sso_state='))!.split(';')[0]
        const back = new URL(await followProvider(start.headers.get('location')!, idp.issuer))
        const done = await t.request('GET', `${back.pathname}${back.search}`, { key: null, headers: { cookie: state } })
        expect(done.status, evil).toBe(302)
        const landed = new URL(done.headers.get('location')!, ORIGIN)
        expect(landed.origin, `${evil} -> ${done.headers.get('location')}`).toBe(ORIGIN)
      }
      expect(start.status, evil).toBe(400)
      expect((await start.json()).error, evil).toMatchObject({ code: 'validation_error', details: [{ path: 'return_to' }] })
    }
  }, 60_000)

  it('still signs in and returns to a same-origin path (control)', async () => {
    idp.nextLogin = { sub: 'okta|victim' }
    const start = await t.request('GET', `/api/v1/auth/sso/start?tenant=${tenantName}&return_to=${encodeURIComponent('/a/../ask?q=1')}`, { key: null })
    expect(start.status).toBe(302)
    const state = start.headers.getSetCookie().find((c) => c.startsWith('nexatron_sso_state='))!.split(';')[0]
    const back = new URL(await followProvider(start.headers.get('location')!, idp.issuer))
    const done = await t.request('GET', `${back.pathname}${back.search}`, { key: null, headers: { cookie: state } })
    expect(done.status).toBe(302)
    expect(done.headers.get('location')).toBe('/ask?q=1')
  }, 60_000)

  /** One sign-in through the provider as `sub` into tenant `tenant`; answers the callback's redirect. */
  async function signIn(tenant: string, sub: string): Promise<string> {
    idp.nextLogin = { sub }
    const start = await t.request('GET', `/api/v1/auth/sso/start?tenant=${tenant}`, { key: null })
    expect(start.status, await start.clone().text()).toBe(302)
    const state = start.headers.getSetCookie().find((c) => c.startsWith('nexatron_sso_state='))!.split(';')[0]
    const back = new URL(await followProvider(start.headers.get('location')!, idp.issuer))
    const done = await t.request('GET', `${back.pathname}${back.search}`, { key: null, headers: { cookie: state } })
    expect(done.status).toBe(302)
    return done.headers.get('location')!
  }

  it('creates no user beyond the plan\'s seats on a first sign-in, and still signs in those who have one', async () => {
    const small = await t.newTenant(`sso-seats-${randomBytes(3).toString('hex')}`)
    await t.services.billing.setPlan(small.tenantId, 'duo', { type: 'system', id: null, display: 'test' })
    const put = await t.request('PUT', '/api/v1/sso/settings', { key: small.adminKey, body: {
      issuer: idp.issuer, client_id: idp.clientId, client_secret: idp.clientSecret, scopes: ['openid', 'email', 'profile'], allowed_email_domains: ['seats.test'],
    } })
    expect(put.status, await put.clone().text()).toBe(200)
    const seats = async () => (await t.services.billing.capacityUsed(small.tenantId)).seats
    for (const name of ['one', 'two', 'three', 'four']) idp.accounts.set(`seat|${name}`, { email: `${name}@seats.test`, email_verified: true, name })

    let n = await seats()
    expect(n).toBeLessThan(2)
    const admitted: string[] = []
    for (const name of ['one', 'two']) {
      if (n >= 2) break
      expect(await signIn(small.tenantId, `seat|${name}`)).toBe('/')
      admitted.push(name)
      n = await seats()
    }
    expect(n).toBe(2)

    // Every seat taken: the next newcomer is refused and nobody is created.
    const refused = await signIn(small.tenantId, 'seat|four')
    expect(refused).toBe('/?sso_error=plan_limit_reached')
    expect(await seats()).toBe(2)
    expect(await store.db.select().from(users).where(eq(users.email, 'four@seats.test'))).toHaveLength(0)
    const audit = await t.request('GET', '/api/v1/audit-log?action=auth.sso_login', { key: small.adminKey })
    expect((await audit.json()).data[0]).toMatchObject({ outcome: 'denied', details: { reason: 'plan_limit_reached' } })

    // Someone who already holds a seat signs in as before (control).
    expect(await signIn(small.tenantId, `seat|${admitted[admitted.length - 1]}`)).toBe('/')
  }, 60_000)
})
