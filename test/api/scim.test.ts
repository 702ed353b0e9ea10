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
  t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000', NEXATRON_TENANT_RATE_LIMIT_PER_HOUR: '1000000' })
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
    expect(u.groups).toEqual([expect.objectContaining({ value: 'viewer' })])
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

describe('SCIM Groups (the roles)', () => {
  it('lists the three fixed groups and filters by displayName', async () => {
    const list = await (await scim('GET', '/Groups?excludedAttributes=members')).json()
    expect(list.Resources.map((g: { id: string }) => g.id)).toEqual(['admin', 'analyst', 'viewer'])
    expect(list.Resources[0].members).toBeUndefined()
    const one = await (await scim('GET', `/Groups?filter=${encodeURIComponent('displayName eq "analyst"')}`)).json()
    expect(one.totalResults).toBe(1)
    expect(one.Resources[0].id).toBe('analyst')
  })

  it('sets the role by membership: add makes the user an analyst, remove returns them to viewer', async () => {
    const u = await createUser()
    let res = await scim('PATCH', '/Groups/analyst', { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: u.id }] }] })
    expect(res.status, await res.clone().text()).toBe(200)
    expect((await res.json()).members.map((m: { value: string }) => m.value)).toContain(u.id)
    expect((await (await t.request('GET', `/api/v1/users/${u.id}`)).json()).role).toBe('analyst')
    expect((await (await scim('GET', `/Users/${u.id}`)).json()).groups[0].value).toBe('analyst')
    res = await scim('PATCH', '/Groups/analyst', { schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${u.id}"]` }] })
    expect(res.status).toBe(200)
    expect((await (await t.request('GET', `/api/v1/users/${u.id}`)).json()).role).toBe('viewer')
  })

  it('replaces the membership with PUT, promoting before demoting', async () => {
    const a = await createUser()
    const b = await createUser()
    await scim('PUT', '/Groups/analyst', { displayName: 'analyst', members: [{ value: a.id }] })
    const res = await scim('PUT', '/Groups/analyst', { displayName: 'analyst', members: [{ value: b.id }] })
    expect(res.status).toBe(200)
    expect((await res.json()).members.map((m: { value: string }) => m.value)).toEqual([b.id])
    expect((await (await t.request('GET', `/api/v1/users/${a.id}`)).json()).role).toBe('viewer')
  })

  it('keeps the last active admin: emptying the admin group is refused with 409', async () => {
    const tenant = await t.newTenant(`scim-admin-${n++}`)
    const tok = (await (await t.request('POST', '/api/v1/scim-token', { key: tenant.adminKey })).json()).token
    const admin = await createUser({}, tok)
    expect((await scim('PATCH', '/Groups/admin', { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: admin.id }] }] }, tok)).status).toBe(200)
    await expectScimError(await scim('PATCH', '/Groups/admin', { schemas: [PATCH], Operations: [{ op: 'remove', path: 'members' }] }, tok), 409)
    await expectScimError(await scim('PATCH', `/Users/${admin.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] }, tok), 409)
    await expectScimError(await scim('DELETE', `/Users/${admin.id}`, undefined, tok), 409)
    expect((await (await t.request('GET', `/api/v1/users/${admin.id}`, { key: tenant.adminKey })).json()).role).toBe('admin')
  })

  it('refuses unknown groups, new groups, renames and deletes', async () => {
    await expectScimError(await scim('GET', '/Groups/owners'), 404)
    await expectScimError(await scim('POST', '/Groups', { displayName: 'admin' }), 409, 'uniqueness')
    await expectScimError(await scim('POST', '/Groups', { displayName: 'Engineering' }), 400)
    await expectScimError(await scim('PATCH', '/Groups/viewer', { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'x' }] }), 400, 'mutability')
    await expectScimError(await scim('DELETE', '/Groups/viewer'), 400)
    await expectScimError(await scim('PATCH', '/Groups/analyst', { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: 'usr_nobody' }] }] }), 400, 'invalidValue')
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

  it("cannot put another tenant's user into a group, and lists only its own members", async () => {
    const theirs = await createUser({}, other.token)
    await expectScimError(await scim('PATCH', '/Groups/admin', { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: theirs.id }] }] }), 400, 'invalidValue')
    const viewers = await (await scim('GET', '/Groups/viewer')).json()
    expect(viewers.members.map((m: { value: string }) => m.value)).not.toContain(theirs.id)
    expect((await (await t.request('GET', `/api/v1/users/${theirs.id}`, { key: other.adminKey })).json()).role).toBe('viewer')
  })
})
