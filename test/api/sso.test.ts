// Single sign-on end to end against a real OpenID Provider (oidc-provider on
// 127.0.0.1, PKCE required) with the store on a real PostgreSQL: the code
// flow through the provider's login interaction, just-in-time users with the
// SCIM role rules, and every refusal the callback owes (state, replay,
// provider error, deactivated user, domain), open redirects, password login
// turned off, and a client secret that never comes back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { createHash, randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { createTestApp, type TestApp, type TestResponse } from '../support/test-app'
import { serviceAvailable, SERVICES } from '../support/services'
import { followProvider, startTestProvider, type TestProvider } from '../support/oidc-test-provider'
import { openStore, type Store } from '../../src/store/db'
import { ssoLoginStates, ssoSettings, users } from '../../src/store/schema'
import { SsoSettingsService } from '../../src/identity/sso/sso-settings'

const hasPg = await serviceAvailable('postgres')
const DB = `nexatron_sso_${randomBytes(4).toString('hex')}`
const STORE_URL = `postgres://postgres@${SERVICES.postgres.host}:${SERVICES.postgres.port}/${DB}`
// app.request() answers as http://localhost: the callback URL the provider must know.
const REDIRECT_URI = 'http://localhost/api/v1/auth/sso/callback'
const PASSWORD = 'correct horse battery staple'
const SECRET_KEY = randomBytes(32)

async function pgAdmin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: SERVICES.postgres.url })
  await c.connect()
  try { await c.query(sql) } finally { await c.end() }
}

let store: Store
let t: TestApp
let idp: TestProvider
let tenantName: string

/** `name=value` of each cookie a response sets, with its attributes. */
function setCookies(res: TestResponse | Response): Map<string, { value: string; attrs: string }> {
  const out = new Map<string, { value: string; attrs: string }>()
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(';')
    const i = pair.indexOf('=')
    out.set(pair.slice(0, i).trim(), { value: pair.slice(i + 1).trim(), attrs: attrs.join(';').trim() })
  }
  return out
}

async function configure(overrides: Record<string, unknown> = {}, key = t.adminKey): Promise<TestResponse> {
  return t.request('PUT', '/api/v1/sso/settings', {
    key,
    body: {
      issuer: idp.issuer, client_id: idp.clientId, client_secret: idp.clientSecret,
      scopes: ['openid', 'email', 'profile', 'groups'], groups_claim: 'groups',
      role_mapping: { 'Nexatron Admins': 'admin', 'Nexatron Analysts': 'analyst' },
      allowed_email_domains: ['acme.test'], ...overrides,
    },
  })
}

interface Flow {
  /** The start answer's redirect to the provider. */
  authorizationUrl: URL
  /** The state cookie the start set. */
  stateCookie: string
  /** Where the provider sent the browser back (our callback with code and state). */
  callbackUrl: URL
}

async function startAndAuthorize(sub: string | { error: string }, returnTo = '/ask?from=sso'): Promise<Flow> {
  idp.nextLogin = typeof sub === 'string' ? { sub } : sub
  const start = await t.request('GET', `/api/v1/auth/sso/start?tenant=${tenantName}&return_to=${encodeURIComponent(returnTo)}`, { key: null })
  expect(start.status, await start.clone().text()).toBe(302)
  const cookie = setCookies(start).get('nexatron_sso_state')
  expect(cookie).toBeDefined()
  const authorizationUrl = new URL(start.headers.get('location')!)
  const callbackUrl = new URL(await followProvider(authorizationUrl.href, idp.issuer))
  return { authorizationUrl, stateCookie: cookie!.value, callbackUrl }
}

function callback(url: URL, stateCookie?: string): Promise<TestResponse> {
  return t.request('GET', `${url.pathname}${url.search}`, { key: null, headers: stateCookie ? { cookie: `nexatron_sso_state=${stateCookie}` } : {} })
}

/** Signs in through the provider as `sub`; answers the callback's response. */
async function signIn(sub: string, returnTo?: string): Promise<TestResponse> {
  const f = await startAndAuthorize(sub, returnTo)
  return callback(f.callbackUrl, f.stateCookie)
}

/** The console's next step after the callback: trade the refresh cookie for an access token, then ask who it is. */
async function me(res: TestResponse) {
  const refresh = setCookies(res).get('nexatron_refresh')
  expect(refresh, 'the callback sets the console refresh cookie').toBeDefined()
  const pair = await t.request('POST', '/api/v1/auth/refresh', { key: null, body: {}, headers: { cookie: `nexatron_refresh=${refresh!.value}`, 'x-nexatron-console': '1' } })
  expect(pair.status, await pair.clone().text()).toBe(200)
  const who = await t.request('GET', '/api/v1/auth/me', { key: (await pair.json()).access_token })
  expect(who.status).toBe(200)
  return who.json()
}

const userByEmail = async (email: string) => (await store.db.select().from(users).where(eq(users.email, email)))[0]

describe.skipIf(!hasPg)('single sign-on (OpenID Connect) on PostgreSQL', () => {
  beforeAll(async () => {
    await pgAdmin(`CREATE DATABASE ${DB}`)
    store = await openStore({ databaseUrl: STORE_URL })
    t = await createTestApp({
      NEXATRON_SECRET_KEY: SECRET_KEY.toString('base64'),
      NEXATRON_LOGIN_RATE_LIMIT_PER_15MIN: '1000', NEXATRON_RATE_LIMIT_PER_HOUR: '100000', NEXATRON_TENANT_RATE_LIMIT_PER_HOUR: '1000000',
    }, { store })
    tenantName = (await t.services.tenants.get(t.tenantId))!.name
    idp = await startTestProvider({ redirectUri: REDIRECT_URI })
    idp.accounts.set('okta|ada', { email: 'ada@acme.test', email_verified: true, name: 'Ada Lovelace', groups: ['Everyone', 'Nexatron Admins'] })
    idp.accounts.set('okta|alan', { email: 'alan@acme.test', email_verified: true, name: 'Alan Turing', groups: ['analyst'] })
    idp.accounts.set('okta|grace', { email: 'grace@acme.test', name: 'Grace Hopper', groups: ['Marketing'] })
    idp.accounts.set('okta|eve', { email: 'eve@evil.test', email_verified: true, name: 'Eve', groups: ['Nexatron Admins'] })
    idp.accounts.set('okta|mallory', { email: 'mallory@acme.test', email_verified: false, name: 'Mallory' })
    const res = await configure()
    expect(res.status, await res.clone().text()).toBe(200)
  }, 60_000)

  afterAll(async () => {
    await t?.close()
    await store?.close()
    await idp?.close()
    await pgAdmin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`).catch(() => {})
  })

  describe('settings', () => {
    it('never answers the client secret and stores it sealed', async () => {
      const put = await configure()
      const got = await t.request('GET', '/api/v1/sso/settings')
      for (const res of [put, got]) {
        const text = await res.text()
        expect(res.status).toBe(200)
        expect(text).not.toContain(idp.clientSecret)
        expect(JSON.parse(text)).toMatchObject({ issuer: idp.issuer, client_id: idp.clientId, client_secret_set: true, redirect_uri: REDIRECT_URI })
        expect(JSON.parse(text)).not.toHaveProperty('client_secret')
      }
      const [row] = await store.db.select().from(ssoSettings).where(eq(ssoSettings.tenantId, t.tenantId))
      expect(row.clientSecretEnc).toMatch(/^nxs1:/)
      expect(row.clientSecretEnc).not.toContain(idp.clientSecret)
      expect(row.clientSecretEnc).not.toContain(Buffer.from(idp.clientSecret).toString('base64'))
    })

    it('audits settings changes without the secret', async () => {
      expect((await configure()).status).toBe(200)
      const res = await t.request('GET', '/api/v1/audit-log?action=sso.settings')
      const text = await res.text()
      expect(JSON.parse(text).data[0]).toMatchObject({ action: 'sso.settings.update', outcome: 'success' })
      expect(text).not.toContain(idp.clientSecret)
    })

    it('re-seals the secret with a new key on rotation, still opening to the same value', async () => {
      const [before] = await store.db.select().from(ssoSettings).where(eq(ssoSettings.tenantId, t.tenantId))
      const { SecretBox } = await import('../../src/security/secret-box')
      const rotated = new SsoSettingsService(store.db, new SecretBox(randomBytes(32), [SECRET_KEY]), { policy: 'all', allowSocketHosts: false })
      expect(await rotated.rotateSecrets()).toBeGreaterThanOrEqual(1)
      const [after] = await store.db.select().from(ssoSettings).where(eq(ssoSettings.tenantId, t.tenantId))
      expect(after.clientSecretEnc.split(':')[1]).not.toBe(before.clientSecretEnc.split(':')[1])
      expect((await rotated.active(t.tenantId))?.clientSecret).toBe(idp.clientSecret)
      // Put the original back for the other tests (this app's box knows only the original key).
      await store.db.update(ssoSettings).set({ clientSecretEnc: before.clientSecretEnc }).where(eq(ssoSettings.tenantId, t.tenantId))
    })

    it('keeps the stored secret when it is left out, but wants it again when the issuer changes', async () => {
      const kept = await t.request('PUT', '/api/v1/sso/settings', {
        body: { issuer: idp.issuer, client_id: idp.clientId, scopes: ['openid', 'email', 'profile', 'groups'], groups_claim: 'groups',
          role_mapping: { 'Nexatron Admins': 'admin', 'Nexatron Analysts': 'analyst' }, allowed_email_domains: ['acme.test'] },
      })
      expect(kept.status, await kept.clone().text()).toBe(200)
      const repointed = await t.request('PUT', '/api/v1/sso/settings', { body: { issuer: 'https://other-idp.example.com', client_id: idp.clientId } })
      expect(repointed.status).toBe(400)
      expect((await repointed.json()).error).toMatchObject({ code: 'validation_error', details: [{ path: 'client_secret', issue: 'required' }] })
    })

    it('refuses an issuer that is not https (outside loopback) or a scope list without openid', async () => {
      const http = await configure({ issuer: 'http://idp.example.com' })
      expect(http.status).toBe(400)
      expect((await http.json()).error.details[0]).toMatchObject({ path: 'issuer', issue: 'invalid_issuer' })
      const noOpenid = await configure({ scopes: ['email'] })
      expect(noOpenid.status).toBe(400)
      expect((await noOpenid.json()).error.details[0]).toMatchObject({ path: 'scopes' })
      const badRole = await configure({ role_mapping: { Staff: 'owner' } })
      expect(badRole.status).toBe(400)
    })

    it('refuses an issuer the network policy does not allow', async () => {
      const strict = new SsoSettingsService(store.db, t.services.secretBox, { policy: 'external', allowSocketHosts: false })
      await expect(strict.put(t.tenantId, { issuer: idp.issuer, client_id: 'x', client_secret: 'y' }, REDIRECT_URI))
        .rejects.toMatchObject({ code: 'host_not_allowed', details: [{ path: 'issuer' }] })
      // Nothing was stored: the working settings stay.
      expect((await t.request('GET', '/api/v1/sso/settings')).status).toBe(200)
      expect((await (await t.request('GET', '/api/v1/sso/settings')).json()).client_id).toBe(idp.clientId)
    })

    it('documents every SSO route in /openapi.json, the sign-in ones without security', async () => {
      const doc = await (await t.request('GET', '/openapi.json', { key: null })).json()
      const op = (path: string, method: string) => doc.paths[path]?.[method]
      for (const [path, method, id] of [['/api/v1/auth/sso/config', 'get', 'getSsoConfig'], ['/api/v1/auth/sso/start', 'get', 'startSso'], ['/api/v1/auth/sso/callback', 'get', 'ssoCallback']] as const) {
        expect(op(path, method)?.operationId).toBe(id)
        expect(op(path, method).security).toBeUndefined()
      }
      expect(Object.keys(op('/api/v1/auth/sso/start', 'get').responses)).toContain('302')
      for (const method of ['get', 'put', 'delete']) expect(op('/api/v1/sso/settings', method)?.security).toEqual([{ bearer: [] }])
      const input = doc.components.schemas.SsoSettingsInput.properties
      expect(Object.keys(input)).toEqual(expect.arrayContaining(['issuer', 'client_id', 'client_secret', 'scopes', 'groups_claim', 'role_mapping', 'allowed_email_domains', 'password_login']))
      expect(Object.keys(doc.components.schemas.SsoSettings.properties)).not.toContain('client_secret')
    })

    it('is for admins only', async () => {
      const { key } = await t.services.apiKeys.create(t.tenantId, { name: 'analyst', scopes: ['query:run', 'query:read', 'connections:read', 'semantic:read', 'users:manage'] })
      expect((await configure({}, key)).status).toBe(403)
      expect((await t.request('GET', '/api/v1/sso/settings', { key })).status).toBe(403)
      expect((await t.request('GET', '/api/v1/sso/settings', { key: null })).status).toBe(401)
    })

    it('tells the sign-in page whether a tenant uses SSO, and nothing about unknown tenants', async () => {
      const on = await t.request('GET', `/api/v1/auth/sso/config?tenant=${tenantName}`, { key: null })
      expect(await on.json()).toEqual({ enabled: true, button_label: 'Sign in with SSO', password_login: true })
      const unknown = await t.request('GET', '/api/v1/auth/sso/config?tenant=no-such-tenant', { key: null })
      expect(await unknown.json()).toEqual({ enabled: false, button_label: null, password_login: true })
    })
  })

  describe('the code flow', () => {
    it('starts with state, nonce and PKCE S256, the state bound to an HttpOnly SameSite=Lax cookie', async () => {
      const start = await t.request('GET', `/api/v1/auth/sso/start?tenant=${tenantName}`, { key: null })
      expect(start.status).toBe(302)
      const to = new URL(start.headers.get('location')!)
      expect(to.origin).toBe(idp.issuer)
      expect(Object.fromEntries(to.searchParams)).toMatchObject({
        client_id: idp.clientId, response_type: 'code', redirect_uri: REDIRECT_URI, code_challenge_method: 'S256', scope: 'openid email profile groups',
      })
      expect(to.searchParams.get('state')).toMatch(/^[\w-]{43}$/)
      expect(to.searchParams.get('nonce')).toMatch(/^[\w-]{43}$/)
      expect(to.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/)
      const cookie = setCookies(start).get('nexatron_sso_state')!
      expect(cookie.value).toBe(to.searchParams.get('state'))
      expect(cookie.attrs).toMatch(/HttpOnly/i)
      expect(cookie.attrs).toMatch(/SameSite=Lax/i)
      expect(cookie.attrs).toMatch(/Path=\/api\/v1\/auth\/sso/)
      expect(cookie.attrs).toMatch(/Max-Age=600/)
    })

    it('signs a new user in through the provider, creates them with the mapped role and audits it', async () => {
      const res = await signIn('okta|ada', '/ask?from=sso')
      expect(res.status, await res.clone().text()).toBe(302)
      expect(res.headers.get('location')).toBe('/ask?from=sso')
      const refresh = setCookies(res).get('nexatron_refresh')!
      expect(refresh.attrs).toMatch(/HttpOnly/i)
      expect(refresh.attrs).toMatch(/SameSite=Strict/i)
      expect(setCookies(res).get('nexatron_sso_state')?.value ?? '').toBe('')
      const who = await me(res)
      expect(who).toMatchObject({ kind: 'user', role: 'admin', scopes: ['*'], user: { email: 'ada@acme.test', name: 'Ada Lovelace' }, tenant: { id: t.tenantId } })
      // The provider was reached for discovery, the token, its keys (the ID token's signature) and userinfo (the email).
      expect(idp.requests).toEqual(expect.arrayContaining(['/.well-known/openid-configuration', '/token', '/jwks', '/me']))
      const audit = await (await t.request('GET', '/api/v1/audit-log?action=auth.sso_login')).json()
      expect(audit.data[0]).toMatchObject({ action: 'auth.sso_login', outcome: 'success', actor: { type: 'user', id: who.user.id, display: 'ada@acme.test' } })
    })

    it('maps groups by the SCIM rules: a role-named group is that role, an unmapped one gets the default role', async () => {
      expect(await me(await signIn('okta|alan'))).toMatchObject({ role: 'analyst', user: { email: 'alan@acme.test' } })
      expect(await me(await signIn('okta|grace'))).toMatchObject({ role: 'viewer', user: { email: 'grace@acme.test' } })
    })

    it('updates the role of a returning user from their groups, and keeps one user per subject', async () => {
      idp.accounts.get('okta|alan')!.groups = ['Nexatron Admins']
      try {
        expect(await me(await signIn('okta|alan'))).toMatchObject({ role: 'admin' })
      } finally {
        idp.accounts.get('okta|alan')!.groups = ['analyst']
      }
      expect(await me(await signIn('okta|alan'))).toMatchObject({ role: 'analyst' })
      expect((await store.db.select().from(users).where(eq(users.email, 'alan@acme.test'))).length).toBe(1)
    })

    it('links an existing password user by email instead of creating another', async () => {
      const created = await t.request('POST', '/api/v1/users', { body: { email: 'linus@acme.test', password: PASSWORD, role: 'viewer', name: 'Linus' } })
      expect(created.status).toBe(201)
      idp.accounts.set('okta|linus', { email: 'Linus@acme.test', email_verified: true, name: 'Linus T', groups: ['Nexatron Analysts'] })
      const who = await me(await signIn('okta|linus'))
      expect(who).toMatchObject({ role: 'analyst', user: { id: (await created.json()).id, name: 'Linus T' } })
    })
  })

  describe('refusals', () => {
    const errorOf = (res: TestResponse) => {
      expect(res.status).toBe(302)
      expect(setCookies(res).has('nexatron_refresh')).toBe(false)
      const to = new URL(res.headers.get('location')!, 'http://localhost')
      expect(to.origin).toBe('http://localhost')
      return to.searchParams.get('sso_error')
    }

    it('refuses a callback whose state is not the one this browser started', async () => {
      const mine = await startAndAuthorize('okta|ada')
      const other = await startAndAuthorize('okta|ada')
      expect(errorOf(await callback(mine.callbackUrl, other.stateCookie))).toBe('state_mismatch')
      expect(errorOf(await callback(mine.callbackUrl))).toBe('state_mismatch')
      const forged = new URL(mine.callbackUrl)
      forged.searchParams.set('state', 'A'.repeat(43))
      expect(errorOf(await callback(forged, 'A'.repeat(43)))).toBe('state_expired')
    })

    it('refuses a replayed callback, and a used code under a fresh state', async () => {
      const flow = await startAndAuthorize('okta|ada')
      const first = await callback(flow.callbackUrl, flow.stateCookie)
      expect(first.headers.get('location')).toBe('/ask?from=sso')
      expect(errorOf(await callback(flow.callbackUrl, flow.stateCookie))).toBe('state_expired')
      // A new sign-in's state with the old code: the provider refuses the code (and it is not ours to reuse).
      const fresh = await startAndAuthorize('okta|ada')
      const replay = new URL(fresh.callbackUrl)
      replay.searchParams.set('code', flow.callbackUrl.searchParams.get('code')!)
      expect(errorOf(await callback(replay, fresh.stateCookie))).toBe('code_rejected')
    })

    it('refuses an ID token whose nonce is not the one this sign-in sent', async () => {
      const flow = await startAndAuthorize('okta|ada')
      const key = createHash('sha256').update(flow.callbackUrl.searchParams.get('state')!).digest('hex')
      const changed = await store.db.update(ssoLoginStates).set({ nonce: 'another-sign-in-nonce' }).where(eq(ssoLoginStates.id, key)).returning()
      expect(changed.length).toBe(1)
      expect(errorOf(await callback(flow.callbackUrl, flow.stateCookie))).toBe('code_rejected')
    })

    it('refuses a code paired with another sign-in\'s state (its PKCE verifier does not match)', async () => {
      const a = await startAndAuthorize('okta|ada')
      const b = await startAndAuthorize('okta|ada')
      // b's state (and so b's verifier and nonce) with a's code: the provider checks the verifier against a's challenge.
      const mixed = new URL(b.callbackUrl)
      mixed.searchParams.set('code', a.callbackUrl.searchParams.get('code')!)
      expect(errorOf(await callback(mixed, b.stateCookie))).toBe('code_rejected')
    })

    it('answers an error from the provider with a sign-in page error, not a session', async () => {
      const flow = await startAndAuthorize({ error: 'access_denied' })
      expect(flow.callbackUrl.searchParams.get('error')).toBe('access_denied')
      expect(errorOf(await callback(flow.callbackUrl, flow.stateCookie))).toBe('idp_error')
    })

    it('refuses a deactivated user and audits the denial', async () => {
      const grace = await userByEmail('grace@acme.test')
      expect((await t.request('PATCH', `/api/v1/users/${grace.id}`, { body: { disabled: true } })).status).toBe(200)
      try {
        expect(errorOf(await signIn('okta|grace'))).toBe('user_disabled')
        const audit = await (await t.request('GET', '/api/v1/audit-log?action=auth.sso_login')).json()
        expect(audit.data[0]).toMatchObject({ outcome: 'denied', actor: { id: grace.id }, details: { reason: 'user_disabled' } })
        expect((await userByEmail('grace@acme.test')).disabled).toBe(true)
      } finally {
        expect((await t.request('PATCH', `/api/v1/users/${grace.id}`, { body: { disabled: false } })).status).toBe(200)
      }
    })

    it('refuses an email domain the tenant does not allow, and an unverified email, creating nobody', async () => {
      expect(errorOf(await signIn('okta|eve'))).toBe('domain_not_allowed')
      expect(await userByEmail('eve@evil.test')).toBeUndefined()
      expect(errorOf(await signIn('okta|mallory'))).toBe('email_not_verified')
      expect(await userByEmail('mallory@acme.test')).toBeUndefined()
    })

    it('refuses another provider account that claims the email of an already linked user', async () => {
      const ada = await userByEmail('ada@acme.test')
      idp.accounts.set('okta|impostor', { email: 'ada@acme.test', email_verified: true, name: 'Not Ada', groups: ['Nexatron Admins'] })
      expect(errorOf(await signIn('okta|impostor'))).toBe('identity_conflict')
      expect((await userByEmail('ada@acme.test')).name).toBe(ada.name)
    })

    it('keeps the user of a subject whose email changed at the provider', async () => {
      const before = await userByEmail('grace@acme.test')
      idp.accounts.get('okta|grace')!.email = 'grace.hopper@acme.test'
      try {
        expect(await me(await signIn('okta|grace'))).toMatchObject({ user: { id: before.id } })
      } finally {
        idp.accounts.get('okta|grace')!.email = 'grace@acme.test'
      }
    })

    it('refuses return_to values that would leave this origin', async () => {
      for (const evil of ['//evil.example', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)', '/\t/evil.example', ' /x', '/api/v1/auth/me']) {
        const res = await t.request('GET', `/api/v1/auth/sso/start?tenant=${tenantName}&return_to=${encodeURIComponent(evil)}`, { key: null })
        expect(res.status, evil).toBe(400)
        expect((await res.json()).error, evil).toMatchObject({ code: 'validation_error', details: [{ path: 'return_to' }] })
      }
    })

    it('answers a tenant without SSO with the envelope', async () => {
      const other = await t.newTenant(`no-sso-${randomBytes(3).toString('hex')}`)
      for (const tenant of [other.tenantId, 'no-such-tenant']) {
        const res = await t.request('GET', `/api/v1/auth/sso/start?tenant=${tenant}`, { key: null })
        expect(res.status).toBe(404)
        expect((await res.json()).error).toMatchObject({ code: 'sso_not_configured', details: [{ path: 'tenant' }] })
        expect(setCookies(res).has('nexatron_sso_state')).toBe(false)
      }
    })
  })

  describe('password login turned off', () => {
    it('answers /auth/login with 403 password_login_disabled for the tenant, and only for it', async () => {
      const created = await t.request('POST', '/api/v1/users', { body: { email: 'pat@acme.test', password: PASSWORD, role: 'viewer' } })
      expect(created.status).toBe(201)
      const other = await t.newTenant(`pw-${randomBytes(3).toString('hex')}`)
      await t.services.users.create(other.tenantId, { email: 'pat@acme.test', password: PASSWORD, role: 'viewer' }, { id: null, scopes: ['*'] })
      expect((await t.request('POST', '/api/v1/auth/login', { key: null, body: { email: 'pat@acme.test', password: PASSWORD, tenant: tenantName } })).status).toBe(200)

      expect((await configure({ password_login: false })).status).toBe(200)
      try {
        const refused = await t.request('POST', '/api/v1/auth/login', { key: null, body: { email: 'pat@acme.test', password: PASSWORD, tenant: tenantName } })
        expect(refused.status).toBe(403)
        expect((await refused.json()).error).toMatchObject({ code: 'password_login_disabled' })
        // A wrong password learns nothing new: still the plain 401.
        const wrong = await t.request('POST', '/api/v1/auth/login', { key: null, body: { email: 'pat@acme.test', password: 'not the password', tenant: tenantName } })
        expect(wrong.status).toBe(401)
        const elsewhere = await t.request('POST', '/api/v1/auth/login', { key: null, body: { email: 'pat@acme.test', password: PASSWORD, tenant: other.tenantId } })
        expect(elsewhere.status).toBe(200)
        expect(await (await t.request('GET', `/api/v1/auth/sso/config?tenant=${tenantName}`, { key: null })).json()).toMatchObject({ enabled: true, password_login: false })
        // SSO itself still signs people in.
        expect(await me(await signIn('okta|grace'))).toMatchObject({ user: { email: 'grace@acme.test' } })
      } finally {
        expect((await configure({ password_login: true })).status).toBe(200)
      }
    })

    it('ends the password sessions already open at once, and only them: single sign-on sessions go on', async () => {
      const created = await t.request('POST', '/api/v1/users', { body: { email: 'sam@acme.test', password: PASSWORD, role: 'viewer' } })
      expect(created.status).toBe(201)
      const login = await t.request('POST', '/api/v1/auth/login', { key: null, body: { email: 'sam@acme.test', password: PASSWORD, tenant: tenantName } })
      expect(login.status).toBe(200)
      const byPassword = await login.json()
      const cookie = setCookies(await signIn('okta|grace')).get('nexatron_refresh')!.value
      const ssoPair = await t.request('POST', '/api/v1/auth/refresh', { key: null, body: {}, headers: { cookie: `nexatron_refresh=${cookie}`, 'x-nexatron-console': '1' } })
      const bySso = await ssoPair.json()
      const nextCookie = setCookies(ssoPair).get('nexatron_refresh')!.value
      expect((await t.request('GET', '/api/v1/auth/me', { key: byPassword.access_token })).status).toBe(200)

      expect((await configure({ password_login: false })).status).toBe(200)
      try {
        // the password session: its access token and its refresh token stop working now, not at their expiry
        expect((await t.request('GET', '/api/v1/auth/me', { key: byPassword.access_token })).status).toBe(401)
        expect((await t.request('POST', '/api/v1/auth/refresh', { key: null, body: { refresh_token: byPassword.refresh_token } })).status).toBe(401)
        // the single sign-on session is untouched, and stays refreshable
        expect((await t.request('GET', '/api/v1/auth/me', { key: bySso.access_token })).status).toBe(200)
        const next = await t.request('POST', '/api/v1/auth/refresh', { key: null, body: {}, headers: { cookie: `nexatron_refresh=${nextCookie}`, 'x-nexatron-console': '1' } })
        expect(next.status).toBe(200)
      } finally {
        expect((await configure({ password_login: true })).status).toBe(200)
      }
      // turning password login back on does not bring the ended session back
      expect((await t.request('GET', '/api/v1/auth/me', { key: byPassword.access_token })).status).toBe(401)
    })

    it('cannot be turned off while SSO itself is disabled', async () => {
      const res = await configure({ enabled: false, password_login: false })
      expect(res.status).toBe(400)
      expect((await res.json()).error.details[0]).toMatchObject({ path: 'password_login' })
    })
  })
})

describe('the identity provider under the network policy', () => {
  // The policy is checked again on every request to the provider, so a name
  // that resolved to an allowed address when saved cannot later lead elsewhere.
  let answer = '93.184.215.14'
  const lookups: string[] = []
  let strict: TestApp
  beforeAll(async () => {
    strict = await createTestApp({ NEXATRON_ALLOWED_NETWORKS: 'external', NEXATRON_PUBLIC_URL: 'https://nexatron.acme.example' }, {
      dnsLookup: async (name) => { lookups.push(name); return [{ address: answer, family: 4 }] },
    })
  })
  afterAll(async () => { await strict?.close() })

  it('refuses a sign-in when the issuer\'s name now resolves to a refused address', async () => {
    const put = await strict.request('PUT', '/api/v1/sso/settings', { body: { issuer: 'https://idp.rebinding.example', client_id: 'c', client_secret: 's' } })
    expect(put.status, await put.clone().text()).toBe(200)
    // Behind a proxy the redirect URI comes from NEXATRON_PUBLIC_URL, not from the address the request reached.
    expect((await put.json()).redirect_uri).toBe('https://nexatron.acme.example/api/v1/auth/sso/callback')
    answer = '127.0.0.1'
    lookups.length = 0
    const tenant = (await strict.services.tenants.get(strict.tenantId))!.name
    const start = await strict.request('GET', `/api/v1/auth/sso/start?tenant=${tenant}`, { key: null })
    expect(start.status).toBe(503)
    expect((await start.json()).error).toMatchObject({ code: 'unreachable', details: [{ issue: 'idp_unreachable' }] })
    // Refused by the policy's own resolver at request time, not by a failing DNS.
    expect(lookups).toContain('idp.rebinding.example')
  })
})

