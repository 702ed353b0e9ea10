// Identity escalations of the security review, each replayed through the
// public HTTP API: a narrower credential must never end up with broader
// rights (users:manage → admin, a user-owned key outliving its owner's rights,
// keys:manage revoking `*` keys), and emails are unique per tenant only, so
// neither a 409 nor a login answer tells anything about another tenant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { ROLE_SCOPES } from '../../src/identity/scopes'

const PASSWORD = 'identity escalation pw 1'
const NEW_PASSWORD = 'identity escalation pw 2'
const SCIM_PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
const SCIM_USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const VIEWER_SCOPES = ROLE_SCOPES.viewer
const ANALYST_SCOPES = ROLE_SCOPES.analyst

let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ NEXATRON_LOGIN_RATE_LIMIT_PER_15MIN: '1000', NEXATRON_RATE_LIMIT_PER_HOUR: '100000', NEXATRON_TENANT_RATE_LIMIT_PER_HOUR: '1000000' })
})
afterAll(async () => { await t?.close() })

let n = 0
const mail = (tag: string) => `esc-${tag}-${Date.now().toString(36)}${(n++).toString(36)}@example.com`
const tenant = async () => t.newTenant(`esc-${Date.now().toString(36)}${(n++).toString(36)}`)

async function keyWith(scopes: string[], adminKey = t.adminKey): Promise<{ id: string; key: string }> {
  const res = await t.request('POST', '/api/v1/api-keys', { key: adminKey, body: { name: `esc ${scopes.join(' ')}`, scopes } })
  expect(res.status, await res.clone().text()).toBe(201)
  return res.json()
}
async function createUser(adminKey: string, role: string, email = mail(role)): Promise<{ id: string; email: string }> {
  const res = await t.request('POST', '/api/v1/users', { key: adminKey, body: { email, password: PASSWORD, role } })
  expect(res.status, await res.clone().text()).toBe(201)
  return res.json()
}
const login = (email: string, password = PASSWORD, extra: Record<string, unknown> = {}) =>
  t.request('POST', '/api/v1/auth/login', { key: null, body: { email, password, ...extra } })
async function accessToken(email: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await login(email, PASSWORD, extra)
  expect(res.status, await res.clone().text()).toBe(200)
  return (await res.json()).access_token
}
const scim = (token: string, method: string, path: string, body?: unknown) =>
  t.request(method, `/scim/v2${path}`, { key: token, body, headers: body === undefined ? {} : { 'content-type': 'application/scim+json' } })
const addToGroup = (token: string, group: string, userId: string) =>
  scim(token, 'PATCH', `/Groups/${group}`, { schemas: [SCIM_PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: userId }] }] })
/** The group named after a role (unset NEXATRON_SCIM_ROLE_GROUPS maps `admin` to admin, ...): its id. */
async function roleGroup(token: string, name: string): Promise<string> {
  const res = await scim(token, 'POST', '/Groups', { displayName: name })
  expect(res.status, await res.clone().text()).toBe(201)
  return (await res.json()).id
}

describe('finding 4: users:manage must not become admin', () => {
  it('replays the filed attack: a users:manage key cannot create an admin, log in as it and mint a * key', async () => {
    const { adminKey } = await tenant()
    const manager = await keyWith(['users:manage', ...ANALYST_SCOPES], adminKey)
    const email = mail('evil-admin')
    const res = await t.request('POST', '/api/v1/users', { key: manager.key, body: { email, password: PASSWORD, role: 'admin' } })
    expect(res.status).toBe(403)
    expect((await res.json()).error.code).toBe('forbidden')
    // Nothing was made: the login fails and no * key can be minted.
    expect((await login(email)).status).toBe(401)
  })

  it('refuses to grant a role whose scopes the caller lacks, and allows one it holds', async () => {
    const { adminKey } = await tenant()
    const onlyUsers = await keyWith(['users:manage'], adminKey)
    // users:manage alone holds none of the viewer's read scopes.
    expect((await t.request('POST', '/api/v1/users', { key: onlyUsers.key, body: { email: mail('v'), password: PASSWORD, role: 'viewer' } })).status).toBe(403)
    const viewerLevel = await keyWith(['users:manage', ...VIEWER_SCOPES], adminKey)
    expect((await t.request('POST', '/api/v1/users', { key: viewerLevel.key, body: { email: mail('v'), password: PASSWORD, role: 'analyst' } })).status).toBe(403)
    expect((await t.request('POST', '/api/v1/users', { key: viewerLevel.key, body: { email: mail('v'), password: PASSWORD, role: 'viewer' } })).status).toBe(201)
  })

  it('refuses to promote a user to admin without *', async () => {
    const { adminKey } = await tenant()
    const manager = await keyWith(['users:manage', ...ANALYST_SCOPES], adminKey)
    const victim = await createUser(adminKey, 'viewer')
    const res = await t.request('PATCH', `/api/v1/users/${victim.id}`, { key: manager.key, body: { role: 'admin' } })
    expect(res.status).toBe(403)
    expect((await (await t.request('GET', `/api/v1/users/${victim.id}`, { key: adminKey })).json()).role).toBe('viewer')
    // Within its own scopes it may still change the role.
    expect((await t.request('PATCH', `/api/v1/users/${victim.id}`, { key: manager.key, body: { role: 'analyst' } })).status).toBe(200)
  })

  it("refuses to reset, disable or delete an admin's account without *", async () => {
    const { adminKey } = await tenant()
    const manager = await keyWith(['users:manage', ...ANALYST_SCOPES], adminKey)
    const admin = await createUser(adminKey, 'admin')
    await createUser(adminKey, 'admin') // another admin, so "last admin" never answers first
    for (const body of [{ password: NEW_PASSWORD }, { disabled: true }, { role: 'viewer' }, { name: 'owned' }]) {
      const res = await t.request('PATCH', `/api/v1/users/${admin.id}`, { key: manager.key, body })
      expect(res.status, JSON.stringify(body)).toBe(403)
    }
    expect((await t.request('DELETE', `/api/v1/users/${admin.id}`, { key: manager.key })).status).toBe(403)
    // The admin's password still works and the new one does not.
    expect((await login(admin.email)).status).toBe(200)
    expect((await login(admin.email, NEW_PASSWORD)).status).toBe(401)
  })

  it('lets a * key (and an admin user) create admins and reset their passwords', async () => {
    const { adminKey } = await tenant()
    const admin = await createUser(adminKey, 'admin')
    const token = await accessToken(admin.email)
    const second = await createUser(token, 'admin')
    expect((await t.request('PATCH', `/api/v1/users/${second.id}`, { key: adminKey, body: { password: NEW_PASSWORD } })).status).toBe(200)
    expect((await login(second.email, NEW_PASSWORD)).status).toBe(200)
  })

  it('caps a SCIM token at the scopes of the credential that created it', async () => {
    const { adminKey } = await tenant()
    const manager = await keyWith(['users:manage', ...ANALYST_SCOPES], adminKey)
    const created = await t.request('POST', '/api/v1/scim-token', { key: manager.key })
    expect(created.status).toBe(201)
    const weak = (await created.json()).token as string
    const u = await (await scim(weak, 'POST', '/Users', { schemas: [SCIM_USER], userName: mail('scim') })).json()
    expect(u.id).toMatch(/^usr_/)
    // The filed escalation through SCIM: make a user (or oneself) admin.
    const admins = await roleGroup(weak, 'admin')
    const promote = await addToGroup(weak, admins, u.id)
    expect(promote.status).toBe(403)
    expect(promote.headers.get('content-type')).toMatch(/^application\/scim\+json/)
    expect((await scim(weak, 'PUT', `/Groups/${admins}`, { displayName: 'admin', members: [{ value: u.id }] })).status).toBe(403)
    // Nor by creating the admin group with the user in it, or by renaming a group into the mapping.
    expect((await scim(weak, 'POST', '/Groups', { displayName: 'Admin ', members: [{ value: u.id }] })).status).toBe(409)
    const other = await roleGroup(weak, 'helpers')
    expect((await addToGroup(weak, other, u.id)).status).toBe(200)
    await scim(weak, 'DELETE', `/Groups/${admins}`)
    expect((await scim(weak, 'PATCH', `/Groups/${other}`, { schemas: [SCIM_PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'admin' }] })).status).toBe(403)
    expect((await scim(weak, 'POST', '/Groups', { displayName: 'admin', members: [{ value: u.id }] })).status).toBe(403)
    await roleGroup(weak, 'admin')
    expect((await (await t.request('GET', `/api/v1/users/${u.id}`, { key: adminKey })).json()).role).toBe('viewer')
    // Nor may it touch an existing admin: rename its login, disable or delete it.
    const admin = await createUser(adminKey, 'admin')
    await createUser(adminKey, 'admin')
    expect((await scim(weak, 'PATCH', `/Users/${admin.id}`, { schemas: [SCIM_PATCH], Operations: [{ op: 'replace', path: 'userName', value: mail('takeover') }] })).status).toBe(403)
    expect((await scim(weak, 'PATCH', `/Users/${admin.id}`, { schemas: [SCIM_PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] })).status).toBe(403)
    expect((await scim(weak, 'DELETE', `/Users/${admin.id}`)).status).toBe(403)
    expect((await login(admin.email)).status).toBe(200)
    // Roles within its creator's scopes still work.
    expect((await addToGroup(weak, await roleGroup(weak, 'analyst'), u.id)).status).toBe(200)
    expect((await (await t.request('GET', `/api/v1/users/${u.id}`, { key: adminKey })).json()).role).toBe('analyst')

    // A token rotated by a * principal may assign admin.
    const strong = (await (await t.request('POST', '/api/v1/scim-token', { key: adminKey })).json()).token as string
    const adminGroup = (await (await scim(strong, 'GET', `/Groups?filter=${encodeURIComponent('displayName eq "admin"')}`)).json()).Resources[0].id
    expect((await addToGroup(strong, adminGroup, u.id)).status).toBe(200)
    expect((await (await t.request('GET', `/api/v1/users/${u.id}`, { key: adminKey })).json()).role).toBe('admin')
  })

  it("does not let a users:manage key replace or delete a SCIM token made with scopes it lacks (the IdP's provisioning would break or be taken over)", async () => {
    const { adminKey } = await tenant()
    const strong = (await (await t.request('POST', '/api/v1/scim-token', { key: adminKey })).json()).token as string
    const manager = await keyWith(['users:manage', ...ANALYST_SCOPES], adminKey)
    const rotate = await t.request('POST', '/api/v1/scim-token', { key: manager.key })
    expect(rotate.status).toBe(403)
    expect((await rotate.json()).error.details[0]).toMatchObject({ issue: 'scim_token_scopes' })
    expect((await t.request('DELETE', '/api/v1/scim-token', { key: manager.key })).status).toBe(403)
    // the IdP's token still works, and the manager may still read the status
    expect((await scim(strong, 'GET', '/Users')).status).toBe(200)
    expect((await t.request('GET', '/api/v1/scim-token', { key: manager.key })).status).toBe(200)
    // a token the manager's own scopes cover (one it made) it may rotate and delete
    expect((await t.request('DELETE', '/api/v1/scim-token', { key: adminKey })).status).toBe(204)
    expect((await t.request('POST', '/api/v1/scim-token', { key: manager.key })).status).toBe(201)
    expect((await t.request('POST', '/api/v1/scim-token', { key: manager.key })).status).toBe(201)
    expect((await t.request('DELETE', '/api/v1/scim-token', { key: manager.key })).status).toBe(204)
  })
})

describe('finding 5: user-owned keys follow their owner', () => {
  async function ownedStarKey() {
    const { adminKey } = await tenant()
    const owner = await createUser(adminKey, 'admin')
    await createUser(adminKey, 'admin') // keeps the tenant from losing its last admin
    const token = await accessToken(owner.email)
    const res = await t.request('POST', '/api/v1/api-keys', { key: token, body: { name: 'mine', scopes: ['*'] } })
    expect(res.status).toBe(201)
    const key = await res.json()
    expect(key.owner.user_id).toBe(owner.id)
    expect((await t.request('GET', '/api/v1/users', { key: key.key })).status).toBe(200)
    return { adminKey, owner, key: key as { id: string; key: string } }
  }

  it("narrows a * key to its owner's scopes when the owner is demoted", async () => {
    const { adminKey, owner, key } = await ownedStarKey()
    expect((await t.request('PATCH', `/api/v1/users/${owner.id}`, { key: adminKey, body: { role: 'viewer' } })).status).toBe(200)
    expect((await t.request('GET', '/api/v1/users', { key: key.key })).status).toBe(403)
    expect((await t.request('POST', '/api/v1/api-keys', { key: key.key, body: { name: 'x', scopes: ['*'] } })).status).toBe(403)
    const me = await (await t.request('GET', '/api/v1/auth/me', { key: key.key })).json()
    expect([...me.scopes].sort()).toEqual([...VIEWER_SCOPES].sort())
  })

  it('revokes the key when its owner is disabled, for good', async () => {
    const { adminKey, owner, key } = await ownedStarKey()
    expect((await t.request('PATCH', `/api/v1/users/${owner.id}`, { key: adminKey, body: { disabled: true } })).status).toBe(200)
    expect((await t.request('GET', '/api/v1/auth/me', { key: key.key })).status).toBe(401)
    // Re-enabling the user does not bring the key back.
    expect((await t.request('PATCH', `/api/v1/users/${owner.id}`, { key: adminKey, body: { disabled: false } })).status).toBe(200)
    expect((await t.request('GET', '/api/v1/auth/me', { key: key.key })).status).toBe(401)
    const listed = await (await t.request('GET', '/api/v1/api-keys?limit=100', { key: adminKey })).json()
    expect(listed.data.map((k: { id: string }) => k.id)).not.toContain(key.id)
  })

  it('revokes the key when its owner is deleted', async () => {
    const { adminKey, owner, key } = await ownedStarKey()
    expect((await t.request('DELETE', `/api/v1/users/${owner.id}`, { key: adminKey })).status).toBe(204)
    expect((await t.request('GET', '/api/v1/auth/me', { key: key.key })).status).toBe(401)
    const audit = await (await t.request('GET', '/api/v1/audit-log?action=api_key.revoke&limit=10', { key: adminKey })).json()
    expect(audit.data.map((e: { resource: { id: string } }) => e.resource.id)).toContain(key.id)
  })
})

describe('finding 8: revoking keys, and emails per tenant', () => {
  it('does not let keys:manage revoke a * key (the bootstrap key included)', async () => {
    const { adminKey } = await tenant()
    const adminKeyId = (await (await t.request('GET', '/api/v1/auth/me', { key: adminKey })).json()).id
    const manager = await keyWith(['keys:manage', 'query:read'], adminKey)
    const res = await t.request('DELETE', `/api/v1/api-keys/${adminKeyId}`, { key: manager.key })
    expect(res.status).toBe(403)
    expect((await res.json()).error.code).toBe('forbidden')
    expect((await t.request('GET', '/api/v1/auth/me', { key: adminKey })).status).toBe(200)
    // A key within its own scopes it may revoke.
    const small = await keyWith(['query:read'], adminKey)
    expect((await t.request('DELETE', `/api/v1/api-keys/${small.id}`, { key: manager.key })).status).toBe(204)
    // And the * key may revoke anything.
    expect((await t.request('DELETE', `/api/v1/api-keys/${manager.id}`, { key: adminKey })).status).toBe(204)
  })

  it('lets the same email exist in two tenants (no 409 that reveals another tenant), but not twice in one', async () => {
    const a = await tenant()
    const b = await tenant()
    const email = mail('shared')
    await createUser(a.adminKey, 'viewer', email)
    const res = await t.request('POST', '/api/v1/users', { key: b.adminKey, body: { email: email.toUpperCase(), password: PASSWORD, role: 'viewer' } })
    expect(res.status, await res.clone().text()).toBe(201)
    expect((await t.request('POST', '/api/v1/users', { key: b.adminKey, body: { email, password: PASSWORD, role: 'viewer' } })).status).toBe(409)
  })

  it('logs in by tenant when the email exists in two tenants, and leaks nothing without one', async () => {
    const a = await tenant()
    const b = await tenant()
    const email = mail('twice')
    const ua = await createUser(a.adminKey, 'viewer', email)
    const ub = await createUser(b.adminKey, 'analyst', email)
    const aName = (await (await t.request('GET', '/api/v1/auth/me', { key: a.adminKey })).json()).tenant.name
    // Ambiguous without a tenant: the same answer as a wrong password.
    const ambiguous = await login(email)
    const wrong = await login(mail('nobody'))
    expect(ambiguous.status).toBe(401)
    expect((await ambiguous.json()).error).toMatchObject({ code: 'unauthorized', message: (await wrong.json()).error.message })
    // By name and by id, each reaches its own tenant's user.
    const meA = await (await t.request('GET', '/api/v1/auth/me', { key: await accessToken(email, { tenant: aName }) })).json()
    expect(meA.user.id).toBe(ua.id)
    const meB = await (await t.request('GET', '/api/v1/auth/me', { key: await accessToken(email, { tenant: b.tenantId }) })).json()
    expect(meB.user.id).toBe(ub.id)
    // An unknown tenant, or the wrong password in the right one, answers like anything else.
    expect((await login(email, PASSWORD, { tenant: 'no-such-tenant' })).status).toBe(401)
    expect((await login(email, NEW_PASSWORD, { tenant: aName })).status).toBe(401)
    // The login is audited in the tenant it was for, and only there.
    const auditA = await (await t.request('GET', '/api/v1/audit-log?action=auth.login&limit=10', { key: a.adminKey })).json()
    expect(auditA.data.map((e: { resource: { id: string } }) => e.resource.id)).toContain(ua.id)
    expect(auditA.data.map((e: { resource: { id: string } }) => e.resource.id)).not.toContain(ub.id)
  })

  it('still logs in without a tenant when the email is unique', async () => {
    const { adminKey } = await tenant()
    const u = await createUser(adminKey, 'viewer')
    const me = await (await t.request('GET', '/api/v1/auth/me', { key: await accessToken(u.email) })).json()
    expect(me.user.id).toBe(u.id)
  })
})
