// Attack: keep a tenant's identity in hand after losing one's own rights.
// The SCIM token keeps the scopes of the credential that made it, and is
// shown once, to that credential. An admin who made it and is then disabled
// (fired), or a users:manage key that made it and is then revoked (leaked),
// still held a token that could create users, grant roles and, above all,
// re-activate the disabled admin's own account through PATCH active=true.
// A user-owned API key already holds only what its owner holds now
// (api-keys.ts); the SCIM token must follow the same rule: it acts within
// what its creator holds now, and not at all once the creator is gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { makeKey } from './attack-warehouse'

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
const PASSWORD = 'correct horse battery staple 14'

let t: TestApp
let n = 0
const email = (tag: string) => `a14-${tag}-${Date.now().toString(36)}${(n++).toString(36)}@example.com`
const scim = (token: string, method: string, path: string, body?: unknown) =>
  t.request(method, `/scim/v2${path}`, { key: token, body, headers: body === undefined ? {} : { 'content-type': 'application/scim+json' } })

/** A user of the tenant with a password, and an access token of theirs. */
async function loggedIn(role: string): Promise<{ id: string; email: string; access: string }> {
  const e = email(role)
  const made = await t.request('POST', '/api/v1/users', { body: { email: e, password: PASSWORD, role } })
  expect(made.status, await made.clone().text()).toBe(201)
  const id = (await made.json()).id
  const login = await t.request('POST', '/api/v1/auth/login', { key: null, body: { email: e, password: PASSWORD } })
  expect(login.status).toBe(200)
  return { id, email: e, access: (await login.json()).access_token }
}

/** Each case needs the tenant's one SCIM token: a tenant of its own. */
const freshTenant = (tag: string) => t.newTenant(`${tag}-${n++}`)
/** What a key needs to provision viewers through SCIM (the role's scopes, and users:manage). */
const PROVISIONER = ['users:manage', 'query:read', 'connections:read', 'semantic:read']

beforeAll(async () => {
  t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000', NEXATRON_TENANT_RATE_LIMIT_PER_HOUR: '1000000' })
})
afterAll(async () => { await t?.close() })

describe('attack: a SCIM token outliving the rights of the credential that made it', () => {
  it('stops the token of a disabled admin, so it cannot re-activate that admin', async () => {
    await loggedIn('admin') // the tenant keeps an active admin user: the one disabled below is not the last
    const admin = await loggedIn('admin')
    const made = await t.request('POST', '/api/v1/scim-token', { key: admin.access })
    expect(made.status).toBe(201)
    const token = (await made.json()).token
    expect((await scim(token, 'GET', '/Users?count=1')).status).toBe(200)

    const disabled = await t.request('PATCH', `/api/v1/users/${admin.id}`, { body: { disabled: true } })
    expect(disabled.status, await disabled.clone().text()).toBe(200)

    const revived = await scim(token, 'PATCH', `/Users/${admin.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: true } }] })
    expect(revived.status).toBe(401)
    const after = await (await t.request('GET', `/api/v1/users/${admin.id}`)).json()
    expect(after.disabled).toBe(true)
    expect((await t.request('POST', '/api/v1/auth/login', { key: null, body: { email: admin.email, password: PASSWORD } })).status).toBe(401)
    // Rotating it (by an admin still in office) gives the tenant a working token again.
    const rotated = await t.request('POST', '/api/v1/scim-token')
    expect(rotated.status).toBe(201)
    expect((await scim((await rotated.json()).token, 'GET', '/Users?count=1')).status).toBe(200)
  })

  it('stops the token of a revoked key', async () => {
    const tenant = await freshTenant('a14-revoked')
    const key = await makeKey(t, { scopes: PROVISIONER }, tenant.adminKey)
    const made = await t.request('POST', '/api/v1/scim-token', { key: key.key })
    expect(made.status).toBe(201)
    const token = (await made.json()).token
    expect((await scim(token, 'POST', '/Users', { schemas: [USER], userName: email('before') })).status).toBe(201)

    expect((await t.request('DELETE', `/api/v1/api-keys/${key.id}`, { key: tenant.adminKey })).status).toBe(204)
    expect((await scim(token, 'POST', '/Users', { schemas: [USER], userName: email('after') })).status).toBe(401)
    expect((await scim(token, 'GET', '/Users?count=1')).status).toBe(401)
  })

  it('lets the token of a demoted admin grant no more than the creator holds now', async () => {
    const tenant = await freshTenant('a14-demoted')
    const e = email('demoted')
    await t.request('POST', '/api/v1/users', { key: tenant.adminKey, body: { email: email('stays'), password: PASSWORD, role: 'admin' } })
    const made = await t.request('POST', '/api/v1/users', { key: tenant.adminKey, body: { email: e, password: PASSWORD, role: 'admin' } })
    const id = (await made.json()).id
    const access = (await (await t.request('POST', '/api/v1/auth/login', { key: null, body: { email: e, password: PASSWORD } })).json()).access_token
    const token = (await (await t.request('POST', '/api/v1/scim-token', { key: access })).json()).token
    expect((await t.request('PATCH', `/api/v1/users/${id}`, { key: tenant.adminKey, body: { role: 'analyst' } })).status).toBe(200)
    // An analyst holds no users:manage: the token provisions nothing, and cannot promote its maker back.
    expect((await scim(token, 'PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: true } }] })).status).toBe(401)
    expect((await t.request('GET', `/api/v1/users/${id}`, { key: tenant.adminKey }).then((r) => r.json())).role).toBe('analyst')
  })

  it('keeps working while its maker keeps its rights (control)', async () => {
    const tenant = await freshTenant('a14-control')
    const key = await makeKey(t, { scopes: PROVISIONER }, tenant.adminKey)
    const token = (await (await t.request('POST', '/api/v1/scim-token', { key: key.key })).json()).token
    expect((await scim(token, 'POST', '/Users', { schemas: [USER], userName: email('ok') })).status).toBe(201)
    const adminMade = (await (await t.request('POST', '/api/v1/scim-token', { key: tenant.adminKey })).json()).token
    expect((await scim(adminMade, 'GET', '/Users?count=1')).status).toBe(200)
  })
})
