import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestResponse } from '../support/test-app'

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error'
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse'

let t: TestApp
let token: string
let other: { tenantId: string; adminKey: string; token: string }

const scim = (method: string, path: string, body?: unknown, tok: string | null = token) =>
  t.request(method, `/scim/v2${path}`, { key: tok, body, headers: body === undefined ? {} : { 'content-type': 'application/scim+json' } })

async function expectScimError(res: TestResponse, status: number, scimType?: string) {
  const text = await res.text()
  expect(res.status, text).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/)
  const body = JSON.parse(text)
  expect(body.schemas).toEqual([ERROR])
  expect(body.status).toBe(String(status))
  expect(typeof body.detail).toBe('string')
  if (scimType) expect(body.scimType).toBe(scimType)
  expect(res.headers.get('x-request-id')).toBeTruthy()
  return body
}

let n = 0
const email = (tag = 'u') => `scim-${tag}-${Date.now().toString(36)}${(n++).toString(36)}@example.com`
async function createUser(extra: Record<string, unknown> = {}, tok = token) {
  const res = await scim('POST', '/Users', { schemas: [USER], userName: email(), name: { givenName: 'Ann', familyName: 'Lee' }, ...extra }, tok)
  expect(res.status, await res.clone().text()).toBe(201)
  return res.json()
}

beforeAll(async () => {
  t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000', NEXATRON_TENANT_RATE_LIMIT_PER_HOUR: '1000000', NEXATRON_SCIM_ROLE_GROUPS: 'admin:Nexatron Admins,analyst:Nexatron Analysts' })
  const res = await t.request('POST', '/api/v1/scim-token')
  expect(res.status).toBe(201)
  token = (await res.json()).token
  const o = await t.newTenant('scim-other')
  const ot = await (await t.request('POST', '/api/v1/scim-token', { key: o.adminKey })).json()
  other = { ...o, token: ot.token }
})
afterAll(async () => { await t?.close() })

describe('the SCIM token admin API', () => {
  it('shows the token once and only its prefix afterwards', async () => {
    const status = await (await t.request('GET', '/api/v1/scim-token')).json()
    expect(status.configured).toBe(true)
    expect(status.base_url).toBe('/scim/v2')
    expect(token.startsWith(status.token.prefix)).toBe(true)
    expect(JSON.stringify(status)).not.toContain(token)
  })

  it('rotating makes the previous token stop working at once', async () => {
    const tenant = await t.newTenant(`scim-rotate-${n++}`)
    const first = (await (await t.request('POST', '/api/v1/scim-token', { key: tenant.adminKey })).json()).token
    expect((await scim('GET', '/Users', undefined, first)).status).toBe(200)
    const second = (await (await t.request('POST', '/api/v1/scim-token', { key: tenant.adminKey })).json()).token
    expect(second).not.toBe(first)
    await expectScimError(await scim('GET', '/Users', undefined, first), 401)
    expect((await scim('GET', '/Users', undefined, second)).status).toBe(200)
    expect((await t.request('DELETE', '/api/v1/scim-token', { key: tenant.adminKey })).status).toBe(204)
    await expectScimError(await scim('GET', '/Users', undefined, second), 401)
    expect((await t.request('DELETE', '/api/v1/scim-token', { key: tenant.adminKey })).status).toBe(404)
    expect((await (await t.request('GET', '/api/v1/scim-token', { key: tenant.adminKey })).json()).configured).toBe(false)
  })

  it('needs users:manage', async () => {
    const key = (await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'no users', scopes: ['keys:manage', 'audit:read'] } })).json()).key
    expect((await t.request('POST', '/api/v1/scim-token', { key })).status).toBe(403)
    expect((await t.request('GET', '/api/v1/scim-token', { key })).status).toBe(403)
  })
})

describe('SCIM authentication', () => {
  it('answers 401 in SCIM format without a token, with a WWW-Authenticate challenge', async () => {
    const res = await scim('GET', '/Users', undefined, null)
    await expectScimError(res, 401)
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/)
  })

  it('refuses Nexatron API keys and access tokens, even with every scope', async () => {
    await expectScimError(await scim('GET', '/Users', undefined, t.adminKey), 401)
    const mail = email('admin')
    await t.request('POST', '/api/v1/users', { body: { email: mail, password: 'a long enough password', role: 'admin' } })
    const access = (await (await t.request('POST', '/api/v1/auth/login', { key: null, body: { email: mail, password: 'a long enough password' } })).json()).access_token
    await expectScimError(await scim('GET', '/Users', undefined, access), 401)
  })

  it('does not let the SCIM token call the Nexatron API', async () => {
    const res = await t.request('GET', '/api/v1/users', { key: token })
    expect(res.status).toBe(401)
    expect((await res.json()).error.code).toBe('unauthorized')
  })

  it('answers unknown SCIM paths and bad JSON in SCIM format', async () => {
    await expectScimError(await scim('GET', '/Nope'), 404)
    const bad = await t.app.request('/scim/v2/Users', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' }, body: '{"userName":' })
    await expectScimError(bad, 400, 'invalidSyntax')
    const xml = await t.app.request('/scim/v2/Users', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' }, body: '<x/>' })
    await expectScimError(xml, 415)
  })

  it('serves the discovery documents', async () => {
    const spc = await (await scim('GET', '/ServiceProviderConfig')).json()
    expect(spc.patch.supported).toBe(true)
    expect(spc.filter.supported).toBe(true)
    const types = await (await scim('GET', '/ResourceTypes')).json()
    expect(types.Resources.map((r: { id: string }) => r.id)).toEqual(['User', 'Group'])
  })
})

describe('SCIM Users', () => {
  it('creates a user mapped onto a Nexatron user without a usable password', async () => {
    const mail = email('create')
    const res = await scim('POST', '/Users', {
      schemas: [USER], userName: mail.toUpperCase(), externalId: 'ext-1', name: { givenName: 'Ann', familyName: 'Lee' }, active: true,
      emails: [{ value: mail, primary: true, type: 'work' }], title: 'ignored',
    })
    expect(res.status).toBe(201)
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/)
    const u = await res.json()
    expect(u).toMatchObject({ schemas: [USER], userName: mail, externalId: 'ext-1', name: { formatted: 'Ann Lee' }, active: true, emails: [{ value: mail, primary: true }] })
    // A new user is in no group yet (its role is the default one, see the role below).
    expect(u.groups).toEqual([])
    expect(res.headers.get('location')).toBe(u.meta.location)
    const nx = await (await t.request('GET', `/api/v1/users/${u.id}`)).json()
    expect(nx).toMatchObject({ email: mail, name: 'Ann Lee', role: 'viewer', disabled: false })
    // No password was given: none works.
    for (const password of ['', 'ext-1', mail, 'a long enough password']) {
      expect((await t.request('POST', '/api/v1/auth/login', { key: null, body: { email: mail, password } })).status).not.toBe(200)
    }
  })

  it('refuses a duplicate userName or externalId with 409 uniqueness', async () => {
    const u = await createUser({ externalId: `dup-${n++}` })
    await expectScimError(await scim('POST', '/Users', { schemas: [USER], userName: u.userName }), 409, 'uniqueness')
    await expectScimError(await scim('POST', '/Users', { schemas: [USER], userName: email(), externalId: u.externalId }), 409, 'uniqueness')
  })

  it('refuses a missing or non-email userName with 400 invalidValue', async () => {
    await expectScimError(await scim('POST', '/Users', { schemas: [USER], name: { formatted: 'x' } }), 400, 'invalidValue')
    await expectScimError(await scim('POST', '/Users', { schemas: [USER], userName: 'not an email' }), 400, 'invalidValue')
    await expectScimError(await scim('POST', '/Users', { schemas: [USER], userName: email(), active: 'maybe' }), 400, 'invalidValue')
  })

  it('filters by userName (case-insensitively) and pages with startIndex and count', async () => {
    const u = await createUser()
    const res = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${u.userName.toUpperCase()}"`)}`)
    const list = await res.json()
    expect(list.schemas).toEqual([LIST])
    expect(list.totalResults).toBe(1)
    expect(list.Resources[0].id).toBe(u.id)
    expect((await (await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "nobody@example.com"')}`)).json()).totalResults).toBe(0)

    for (let i = 0; i < 3; i++) await createUser()
    const all = await (await scim('GET', '/Users?count=200')).json()
    const page = await (await scim('GET', '/Users?startIndex=2&count=2')).json()
    expect(page.startIndex).toBe(2)
    expect(page.itemsPerPage).toBe(2)
    expect(page.totalResults).toBe(all.totalResults)
    expect(page.Resources.map((r: { id: string }) => r.id)).toEqual(all.Resources.slice(1, 3).map((r: { id: string }) => r.id))
  })

  it('filters by externalId and active', async () => {
    const u = await createUser({ externalId: `ext-f-${n++}`, active: false })
    const byExt = await (await scim('GET', `/Users?filter=${encodeURIComponent(`externalId eq "${u.externalId}"`)}`)).json()
    expect(byExt.Resources.map((r: { id: string }) => r.id)).toEqual([u.id])
    const inactive = await (await scim('GET', `/Users?filter=${encodeURIComponent('active eq false')}&count=200`)).json()
    expect(inactive.Resources.map((r: { id: string }) => r.id)).toContain(u.id)
    expect(inactive.Resources.every((r: { active: boolean }) => r.active === false)).toBe(true)
  })

  it('answers an unsupported filter with 400 invalidFilter', async () => {
    await expectScimError(await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "a" or userName eq "b"')}`), 400, 'invalidFilter')
    await expectScimError(await scim('GET', `/Users?filter=${encodeURIComponent('title eq "x"')}`), 400, 'invalidFilter')
    await expectScimError(await scim('GET', `/Users?filter=${encodeURIComponent('userName eq')}`), 400, 'invalidFilter')
    await expectScimError(await scim('GET', '/Users?count=abc'), 400, 'invalidValue')
  })

  it('replaces a user with PUT (userName, name, active, externalId)', async () => {
    const u = await createUser()
    const mail = email('put')
    const res = await scim('PUT', `/Users/${u.id}`, { schemas: [USER], userName: mail, name: { formatted: 'Bea Ray' }, active: false, externalId: 'put-ext' })
    expect(res.status, await res.clone().text()).toBe(200)
    expect(await res.json()).toMatchObject({ id: u.id, userName: mail, name: { formatted: 'Bea Ray' }, active: false, externalId: 'put-ext' })
    expect(await (await t.request('GET', `/api/v1/users/${u.id}`)).json()).toMatchObject({ email: mail, name: 'Bea Ray', disabled: true })
  })

  it('patches active (also as Entra\'s "False" string), name and externalId; and removes externalId', async () => {
    const u = await createUser({ externalId: `p-${n++}` })
    let res = await scim('PATCH', `/Users/${u.id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] })
    expect((await res.json()).active).toBe(false)
    res = await scim('PATCH', `/Users/${u.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: true, 'name.givenName': 'Cy', 'name.familyName': 'Doe' } }] })
    expect(await res.json()).toMatchObject({ active: true, name: { formatted: 'Cy Doe' } })
    res = await scim('PATCH', `/Users/${u.id}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: 'externalId' }, { op: 'add', path: 'displayName', value: 'Cy D.' }] })
    const after = await res.json()
    expect(after.externalId).toBeUndefined()
    expect(after.displayName).toBe('Cy D.')
  })

  it('ends the sessions of a user deactivated through SCIM', async () => {
    const mail = email('sess')
    const created = await (await t.request('POST', '/api/v1/users', { body: { email: mail, password: 'a long enough password', role: 'analyst' } })).json()
    const access = (await (await t.request('POST', '/api/v1/auth/login', { key: null, body: { email: mail, password: 'a long enough password' } })).json()).access_token
    expect((await t.request('GET', '/api/v1/auth/me', { key: access })).status).toBe(200)
    await scim('PATCH', `/Users/${created.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] })
    expect((await t.request('GET', '/api/v1/auth/me', { key: access })).status).toBe(401)
  })

  it('refuses malformed PATCH bodies', async () => {
    const u = await createUser()
    await expectScimError(await scim('PATCH', `/Users/${u.id}`, { Operations: [{ op: 'replace', path: 'active', value: false }] }), 400, 'invalidSyntax')
    await expectScimError(await scim('PATCH', `/Users/${u.id}`, { schemas: [PATCH], Operations: [{ op: 'move', path: 'active' }] }), 400, 'invalidSyntax')
    await expectScimError(await scim('PATCH', `/Users/${u.id}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: 'userName' }] }), 400, 'mutability')
    await expectScimError(await scim('PATCH', `/Users/${u.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'userName', value: 'nope' }] }), 400, 'invalidValue')
  })

  it('deletes a user, then answers 404', async () => {
    const u = await createUser()
    expect((await scim('DELETE', `/Users/${u.id}`)).status).toBe(204)
    await expectScimError(await scim('GET', `/Users/${u.id}`), 404)
    await expectScimError(await scim('DELETE', `/Users/${u.id}`), 404)
    expect((await t.request('GET', `/api/v1/users/${u.id}`)).status).toBe(404)
  })
})

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group'

type Member = { value: string }
const role = async (id: string, key?: string) => (await (await t.request('GET', `/api/v1/users/${id}`, key ? { key } : {})).json()).role
const memberIds = (g: { members?: Member[] }) => (g.members ?? []).map((m) => m.value).sort()
const patchGroup = (id: string, Operations: unknown[], tok = token) => scim('PATCH', `/Groups/${id}`, { schemas: [PATCH], Operations }, tok)
async function createGroup(displayName: string, extra: Record<string, unknown> = {}, tok = token) {
  const res = await scim('POST', '/Groups', { schemas: [GROUP], displayName, members: [], ...extra }, tok)
  expect(res.status, await res.clone().text()).toBe(201)
  return res.json()
}
/** A tenant of its own (group names are unique per tenant) with a SCIM token made by its admin. */
async function freshTenant(tag: string) {
  const tenant = await t.newTenant(`scim-${tag}-${n++}`)
  const tok = (await (await t.request('POST', '/api/v1/scim-token', { key: tenant.adminKey })).json()).token as string
  return { ...tenant, tok }
}

describe('SCIM Groups', () => {
  it('creates a group, finds it by displayName in any case or by externalId, and refuses a second one of that name with 409 uniqueness', async () => {
    const name = `Sales West ${n++}`
    const res = await scim('POST', '/Groups', { schemas: [GROUP], displayName: name, externalId: `ext-${name}`, members: [] })
    expect(res.status).toBe(201)
    const g = await res.json()
    expect(g.id).toMatch(/^grp_/)
    expect(res.headers.get('location')).toBe(g.meta.location)
    expect(g).toMatchObject({ schemas: [GROUP], displayName: name, externalId: `ext-${name}`, members: [], meta: { resourceType: 'Group' } })
    const byName = await (await scim('GET', `/Groups?filter=${encodeURIComponent(`displayName eq "${name.toUpperCase()}"`)}`)).json()
    expect(byName.Resources.map((r: { id: string }) => r.id)).toEqual([g.id])
    const byExt = await (await scim('GET', `/Groups?filter=${encodeURIComponent(`externalId eq "ext-${name}"`)}`)).json()
    expect(byExt.totalResults).toBe(1)
    await expectScimError(await scim('POST', '/Groups', { schemas: [GROUP], displayName: name.toLowerCase() }), 409, 'uniqueness')
    await expectScimError(await scim('POST', '/Groups', { schemas: [GROUP] }), 400, 'invalidValue')
  })

  it('pages with startIndex and count and leaves members out when asked (excludedAttributes, attributes)', async () => {
    const { tok } = await freshTenant('page')
    const u = await createUser({}, tok)
    for (const name of ['Alpha', 'Bravo', 'Charlie']) await createGroup(name, { members: [{ value: u.id }] }, tok)
    const page = await (await scim('GET', '/Groups?startIndex=2&count=1', undefined, tok)).json()
    expect(page).toMatchObject({ schemas: [LIST], totalResults: 3, startIndex: 2, itemsPerPage: 1 })
    expect(page.Resources[0].displayName).toBe('Bravo')
    expect(memberIds(page.Resources[0])).toEqual([u.id])
    const lean = await (await scim('GET', '/Groups?excludedAttributes=members', undefined, tok)).json()
    expect(lean.Resources.map((g: { displayName: string }) => g.displayName)).toEqual(['Alpha', 'Bravo', 'Charlie'])
    expect(lean.Resources.every((g: object) => !('members' in g))).toBe(true)
    const named = await (await scim('GET', `/Groups?attributes=displayName&filter=${encodeURIComponent('displayName eq "alpha"')}`, undefined, tok)).json()
    expect(named.Resources[0].members).toBeUndefined()
    // A user resource names the groups the user is in.
    const user = await (await scim('GET', `/Users/${u.id}`, undefined, tok)).json()
    expect(user.groups.map((g: { display: string }) => g.display)).toEqual(['Alpha', 'Bravo', 'Charlie'])
  })

  it('Okta group push: members of a mapped group get its role; a value-filter remove, a rename out of the mapping and a delete take it away', async () => {
    const { tenantId, adminKey, tok } = await freshTenant('okta')
    const [a, b] = [await createUser({}, tok), await createUser({}, tok)]
    const g = await createGroup('Nexatron Analysts', {}, tok)
    let res = await patchGroup(g.id, [{ op: 'add', path: 'members', value: [{ value: a.id, display: a.userName }, { value: b.id, display: b.userName }] }], tok)
    expect(res.status, await res.clone().text()).toBe(200)
    expect(memberIds(await res.json())).toEqual([a.id, b.id].sort())
    expect([await role(a.id, adminKey), await role(b.id, adminKey)]).toEqual(['analyst', 'analyst'])

    res = await patchGroup(g.id, [{ op: 'remove', path: `members[value eq "${a.id}"]` }], tok)
    expect(memberIds(await res.json())).toEqual([b.id])
    expect([await role(a.id, adminKey), await role(b.id, adminKey)]).toEqual(['viewer', 'analyst'])

    // Okta renames without a path; the new name is not mapped, so b falls back to the default role.
    res = await patchGroup(g.id, [{ op: 'replace', value: { id: g.id, displayName: 'Sales Analysts' } }], tok)
    expect((await res.json()).displayName).toBe('Sales Analysts')
    expect(await role(b.id, adminKey)).toBe('viewer')
    await patchGroup(g.id, [{ op: 'replace', value: { id: g.id, displayName: 'nexatron analysts' } }], tok)
    expect(await role(b.id, adminKey)).toBe('analyst')

    expect((await scim('DELETE', `/Groups/${g.id}`, undefined, tok)).status).toBe(204)
    expect(await role(b.id, adminKey)).toBe('viewer')
    await expectScimError(await scim('GET', `/Groups/${g.id}`, undefined, tok), 404)
    expect((await t.services.groups.groupsOf(tenantId, [b.id])).get(b.id)).toBeUndefined()
  })

  it('Entra group push: capitalised ops with member lists; the highest mapped role wins; the last admin stays and a refused change leaves the membership as it was', async () => {
    const { adminKey, tok } = await freshTenant('entra')
    const [a, b] = [await createUser({}, tok), await createUser({}, tok)]
    // Entra looks the group up first, without members.
    const none = await (await scim('GET', `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "Nexatron Admins"')}`, undefined, tok)).json()
    expect(none.totalResults).toBe(0)
    const admins = await createGroup('Nexatron Admins', { externalId: '8d2f6c1e-0000-4a57-9c1b-2f0e5b7a1c11' }, tok)
    const analysts = await createGroup('Nexatron Analysts', { externalId: '8d2f6c1e-0000-4a57-9c1b-2f0e5b7a1c12' }, tok)
    expect((await patchGroup(analysts.id, [{ op: 'Add', path: 'members', value: [{ value: a.id }, { value: b.id }] }], tok)).status).toBe(200)
    expect((await patchGroup(admins.id, [{ op: 'Add', path: 'members', value: [{ value: a.id }] }], tok)).status).toBe(200)
    expect([await role(a.id, adminKey), await role(b.id, adminKey)]).toEqual(['admin', 'analyst'])
    // Entra checks a single membership with a filter on id and members.value.
    const has = async (g: string, u: string) => (await (await scim('GET', `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`id eq "${g}" and members.value eq "${u}"`)}`, undefined, tok)).json()).totalResults
    expect([await has(admins.id, a.id), await has(admins.id, b.id)]).toEqual([1, 0])

    // a is the tenant's only admin user: taking them out of the admin group is refused, and nothing changes.
    await expectScimError(await patchGroup(admins.id, [{ op: 'Remove', path: 'members', value: [{ value: a.id }] }], tok), 409)
    expect(memberIds(await (await scim('GET', `/Groups/${admins.id}`, undefined, tok)).json())).toEqual([a.id])
    expect(await role(a.id, adminKey)).toBe('admin')

    // Hand the admin role over in one operation: b is promoted before a is demoted, to the highest role they keep (analyst).
    const res = await patchGroup(admins.id, [{ op: 'Replace', path: 'members', value: [{ value: b.id }] }], tok)
    expect(res.status, await res.clone().text()).toBe(200)
    expect([await role(a.id, adminKey), await role(b.id, adminKey)]).toEqual(['analyst', 'admin'])
    expect((await patchGroup(admins.id, [{ op: 'Replace', path: 'displayName', value: 'Nexatron Admins' }, { op: 'Replace', path: 'externalId', value: 'new-ext' }], tok)).status).toBe(200)
    expect((await (await scim('GET', `/Groups/${admins.id}`, undefined, tok)).json()).externalId).toBe('new-ext')
  })

  it('ends the sessions of a user whose role a group changed', async () => {
    const mail = email('grp-sess')
    const created = await (await t.request('POST', '/api/v1/users', { body: { email: mail, password: 'a long enough password', role: 'viewer' } })).json()
    const access = (await (await t.request('POST', '/api/v1/auth/login', { key: null, body: { email: mail, password: 'a long enough password' } })).json()).access_token
    const g = await createGroup(`analyst-${n++}`)
    // Not mapped: joining changes neither the role nor the session.
    await patchGroup(g.id, [{ op: 'add', path: 'members', value: [{ value: created.id }] }])
    const me = await (await t.request('GET', '/api/v1/auth/me', { key: access })).json()
    expect(me.groups).toEqual([g.displayName])
    const mapped = await createGroup('Nexatron Analysts')
    await patchGroup(mapped.id, [{ op: 'add', path: 'members', value: [{ value: created.id }] }])
    expect(await role(created.id)).toBe('analyst')
    expect((await t.request('GET', '/api/v1/auth/me', { key: access })).status).toBe(401)
    await scim('DELETE', `/Groups/${mapped.id}`)
  })

  it('replaces a group with PUT (name, externalId, the whole membership)', async () => {
    const { adminKey, tok } = await freshTenant('put')
    const [a, b] = [await createUser({}, tok), await createUser({}, tok)]
    const g = await createGroup('Nexatron Analysts', { members: [{ value: a.id }] }, tok)
    expect(await role(a.id, adminKey)).toBe('analyst')
    const res = await scim('PUT', `/Groups/${g.id}`, { schemas: [GROUP], displayName: 'Nexatron Analysts', members: [{ value: b.id }] }, tok)
    expect(res.status).toBe(200)
    expect(memberIds(await res.json())).toEqual([b.id])
    expect([await role(a.id, adminKey), await role(b.id, adminKey)]).toEqual(['viewer', 'analyst'])
  })

  it('refuses unknown groups and members, removing displayName, unsupported paths and filters', async () => {
    const g = await createGroup(`Refusals ${n++}`)
    await expectScimError(await scim('GET', '/Groups/grp_missing000000000000'), 404)
    await expectScimError(await patchGroup('grp_missing000000000000', [{ op: 'add', path: 'members', value: [{ value: 'usr_x' }] }]), 404)
    await expectScimError(await scim('DELETE', '/Groups/grp_missing000000000000'), 404)
    await expectScimError(await patchGroup(g.id, [{ op: 'add', path: 'members', value: [{ value: 'usr_nobody' }] }]), 400, 'invalidValue')
    await expectScimError(await patchGroup(g.id, [{ op: 'remove', path: 'displayName' }]), 400, 'mutability')
    await expectScimError(await patchGroup(g.id, [{ op: 'replace', path: 'owners', value: 'x' }]), 400, 'invalidPath')
    await expectScimError(await scim('GET', `/Groups?filter=${encodeURIComponent('displayName co "a"')}`), 400, 'invalidFilter')
  })
})

describe('SCIM tenant isolation', () => {
  it("answers another tenant's user like a missing one, and never lists it", async () => {
    const mine = await createUser()
    const theirs = await createUser({}, other.token)
    for (const [method, body] of [['GET', undefined], ['PUT', { userName: email() }], ['PATCH', { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] }], ['DELETE', undefined]] as const) {
      const foreign = await expectScimError(await scim(method, `/Users/${theirs.id}`, body), 404)
      const missing = await expectScimError(await scim(method, '/Users/usr_missing0000000000', body), 404)
      expect(foreign.detail.replace(theirs.id, 'X')).toBe(missing.detail.replace('usr_missing0000000000', 'X'))
    }
    const list = await (await scim('GET', '/Users?count=200')).json()
    const ids = list.Resources.map((r: { id: string }) => r.id)
    expect(ids).toContain(mine.id)
    expect(ids).not.toContain(theirs.id)
    expect((await (await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${theirs.userName}"`)}`)).json()).totalResults).toBe(0)
    expect((await (await scim('GET', `/Users/${theirs.id}`, undefined, other.token)).json()).active).toBe(true)
  })

  it("cannot put another tenant's user into a group, nor see, change or delete another tenant's group", async () => {
    const theirs = await createUser({}, other.token)
    const mine = await createGroup(`Mine ${n++}`)
    await expectScimError(await patchGroup(mine.id, [{ op: 'add', path: 'members', value: [{ value: theirs.id }] }]), 400, 'invalidValue')
    const theirGroup = await createGroup(`Theirs ${n++}`, { members: [{ value: theirs.id }] }, other.token)
    for (const [method, body] of [['GET', undefined], ['PUT', { schemas: [GROUP], displayName: 'x' }], ['PATCH', { schemas: [PATCH], Operations: [{ op: 'remove', path: 'members' }] }], ['DELETE', undefined]] as const) {
      await expectScimError(await scim(method, `/Groups/${theirGroup.id}`, body), 404)
    }
    const listed = await (await scim('GET', '/Groups?count=200')).json()
    expect(listed.Resources.map((g: { id: string }) => g.id)).not.toContain(theirGroup.id)
    expect((await (await scim('GET', `/Groups?filter=${encodeURIComponent(`displayName eq "${theirGroup.displayName}"`)}`)).json()).totalResults).toBe(0)
    expect(memberIds(await (await scim('GET', `/Groups/${theirGroup.id}`, undefined, other.token)).json())).toEqual([theirs.id])
  })
})
