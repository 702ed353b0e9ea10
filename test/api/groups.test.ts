// The admin API of groups (/api/v1/groups): CRUD, members, attributes; roles
// follow role-mapped groups (here the default mapping: groups named after the
// roles), bounded by what the caller may grant; every change is audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestResponse } from '../support/test-app'

let t: TestApp
let n = 0
const PASSWORD = 'a long enough password'
const ANALYST_SCOPES = ['query:run', 'query:read', 'connections:read', 'semantic:read']

async function expectError(res: TestResponse, status: number, code: string) {
  const text = await res.text()
  expect(res.status, text).toBe(status)
  const body = JSON.parse(text)
  expect(body.error).toMatchObject({ code, message: expect.any(String), request_id: expect.any(String) })
  return body.error as { details: Array<{ path?: string; issue: string }> }
}
async function newUser(role = 'viewer') {
  const res = await t.request('POST', '/api/v1/users', { body: { email: `grp-${Date.now().toString(36)}-${n++}@example.com`, password: PASSWORD, role } })
  expect(res.status).toBe(201)
  return (await res.json()) as { id: string; email: string }
}
const role = async (id: string) => (await (await t.request('GET', `/api/v1/users/${id}`)).json()).role
async function createGroup(body: Record<string, unknown>, key?: string) {
  const res = await t.request('POST', '/api/v1/groups', { body, ...(key ? { key } : {}) })
  expect(res.status, await res.clone().text()).toBe(201)
  return res.json()
}
async function latestAudit(action: string) {
  const res = await t.request('GET', `/api/v1/audit-log?action=${action}&limit=1`)
  return (await res.json()).data[0]
}

beforeAll(async () => { t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000' }) })
afterAll(async () => { await t?.close() })

describe('/api/v1/groups', () => {
  it('creates, reads, renames, pages and deletes groups; names are unique regardless of case', async () => {
    const u = await newUser()
    const g = await createGroup({ display_name: `  Sales West ${n}  `, external_id: 'okta-123', attributes: { region: ['West'] }, members: [u.id] })
    expect(g).toMatchObject({ id: expect.stringMatching(/^grp_/), display_name: `Sales West ${n}`, external_id: 'okta-123', attributes: { region: ['West'] }, member_count: 1, role: null })
    expect(g.members).toEqual([{ id: u.id, email: u.email, name: null }])
    expect(await latestAudit('group.create')).toMatchObject({ resource: { type: 'group', id: g.id }, outcome: 'success' })

    const dup = await expectError(await t.request('POST', '/api/v1/groups', { body: { display_name: g.display_name.toUpperCase() } }), 409, 'conflict')
    expect(dup.details).toEqual([expect.objectContaining({ path: 'display_name', issue: 'duplicate' })])

    const renamed = await t.request('PATCH', `/api/v1/groups/${g.id}`, { body: { display_name: `West Sales ${n}`, external_id: null } })
    expect(renamed.status).toBe(200)
    expect(await renamed.json()).toMatchObject({ display_name: `West Sales ${n}`, external_id: null, attributes: { region: ['West'] } })
    expect(await latestAudit('group.update')).toMatchObject({ resource: { type: 'group', id: g.id } })

    const found = await (await t.request('GET', `/api/v1/groups?display_name=${encodeURIComponent(`west sales ${n}`)}`)).json()
    expect(found.data.map((x: { id: string }) => x.id)).toEqual([g.id])

    expect((await t.request('DELETE', `/api/v1/groups/${g.id}`)).status).toBe(204)
    expect(await latestAudit('group.delete')).toMatchObject({ resource: { type: 'group', id: g.id } })
    await expectError(await t.request('GET', `/api/v1/groups/${g.id}`), 404, 'not_found')
    // The user is still there; only the membership went.
    expect((await t.request('GET', `/api/v1/users/${u.id}`)).status).toBe(200)
  })

  it('lists each user\'s groups on the user (get, list, update), in this tenant only', async () => {
    const tenant = await t.newTenant(`groups-users-${n++}`)
    const key = tenant.adminKey
    const u = (await (await t.request('POST', '/api/v1/users', { key, body: { email: `member-${n++}@example.com`, password: PASSWORD, role: 'viewer' } })).json()) as { id: string; groups: unknown }
    expect(u.groups).toEqual([])
    const west = await createGroup({ display_name: 'west', members: [u.id] }, key)
    const beta = await createGroup({ display_name: 'Beta testers', members: [u.id] }, key)
    const expected = [{ id: beta.id, display_name: 'Beta testers' }, { id: west.id, display_name: 'west' }]
    expect((await (await t.request('GET', `/api/v1/users/${u.id}`, { key })).json()).groups).toEqual(expected)
    const listed = (await (await t.request('GET', '/api/v1/users?limit=100', { key })).json()).data.find((x: { id: string }) => x.id === u.id)
    expect(listed.groups).toEqual(expected)
    const patched = await (await t.request('PATCH', `/api/v1/users/${u.id}`, { key, body: { name: 'Member' } })).json()
    expect(patched).toMatchObject({ name: 'Member', groups: expected })
    // A group of another tenant with the same member id cannot exist; its own groups never leak into this view.
    const other = await t.newTenant(`groups-users-other-${n++}`)
    await createGroup({ display_name: 'west' }, other.adminKey)
    expect((await (await t.request('GET', `/api/v1/users/${u.id}`, { key })).json()).groups).toEqual(expected)
  })

  it('pages by name with a cursor', async () => {
    const tenant = await t.newTenant(`groups-page-${n++}`)
    for (const name of ['delta', 'Alpha', 'charlie', 'Bravo', 'echo']) await createGroup({ display_name: name }, tenant.adminKey)
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: { data: Array<{ display_name: string }>; next_cursor: string | null } = await (await t.request('GET', `/api/v1/groups?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { key: tenant.adminKey })).json()
      expect(page.data.length).toBeLessThanOrEqual(2)
      seen.push(...page.data.map((g) => g.display_name))
      cursor = page.next_cursor
    } while (cursor)
    expect(seen).toEqual(['Alpha', 'Bravo', 'charlie', 'delta', 'echo'])
    await expectError(await t.request('GET', '/api/v1/groups?cursor=bm90LWEtY3Vyc29y', { key: tenant.adminKey }), 400, 'validation_error')
  })

  it('refuses bad input with 400 naming the field, and members of another tenant or none', async () => {
    const empty = await expectError(await t.request('POST', '/api/v1/groups', { body: { display_name: '   ' } }), 400, 'validation_error')
    expect(JSON.stringify(empty.details)).toContain('display_name')
    const attrs = await expectError(await t.request('POST', '/api/v1/groups', { body: { display_name: 'x', attributes: { 'bad name': 1 } } }), 400, 'validation_error')
    expect(JSON.stringify(attrs.details)).toContain('attributes')
    const other = await t.newTenant(`groups-other-${n++}`)
    const theirs = await (await t.request('POST', '/api/v1/users', { key: other.adminKey, body: { email: `theirs-${n++}@example.com`, password: PASSWORD, role: 'viewer' } })).json()
    const g = await createGroup({ display_name: `Mixed ${n++}` })
    for (const body of [{ add: [theirs.id] }, { add: ['usr_doesnotexist000000'] }]) {
      const err = await expectError(await t.request('PATCH', `/api/v1/groups/${g.id}/members`, { body }), 400, 'validation_error')
      expect(err.details).toEqual([expect.objectContaining({ path: 'members', issue: 'not_found' })])
    }
  })

  it('gives members of a role-mapped group its role, and takes it back when they leave (default mapping: groups named after roles)', async () => {
    const tenant = await t.newTenant(`groups-roles-${n++}`)
    const mk = async () => (await (await t.request('POST', '/api/v1/users', { key: tenant.adminKey, body: { email: `r-${n++}@example.com`, password: PASSWORD, role: 'viewer' } })).json()).id as string
    const [a, b] = [await mk(), await mk()]
    const analysts = await createGroup({ display_name: 'Analyst', members: [a] }, tenant.adminKey)
    expect(analysts.role).toBe('analyst')
    const roleOf = async (id: string) => (await (await t.request('GET', `/api/v1/users/${id}`, { key: tenant.adminKey })).json()).role
    expect(await roleOf(a)).toBe('analyst')
    const put = await t.request('PUT', `/api/v1/groups/${analysts.id}/members`, { key: tenant.adminKey, body: { user_ids: [b] } })
    expect((await put.json()).members.map((m: { id: string }) => m.id)).toEqual([b])
    expect([await roleOf(a), await roleOf(b)]).toEqual(['viewer', 'analyst'])
    expect(await latestAudit('group.members')).toBeTruthy()
    // An unmapped group changes no role.
    await createGroup({ display_name: 'Book club', members: [a] }, tenant.adminKey)
    expect(await roleOf(a)).toBe('viewer')
  })

  it('bounds a users:manage key that is not an admin: no roles beyond its own, no attributes', async () => {
    const manager = (await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'manager', scopes: ['users:manage', ...ANALYST_SCOPES] } })).json()).key as string
    const u = await newUser()
    const admins = await createGroup({ display_name: `admin` })
    const refused = await expectError(await t.request('PATCH', `/api/v1/groups/${admins.id}/members`, { key: manager, body: { add: [u.id] } }), 403, 'forbidden')
    expect(refused.details).toEqual([expect.objectContaining({ path: 'role', issue: 'not_held' })])
    expect(await role(u.id)).toBe('viewer')
    expect((await (await t.request('GET', `/api/v1/groups/${admins.id}`)).json()).members).toEqual([])
    await expectError(await t.request('POST', '/api/v1/groups', { key: manager, body: { display_name: `Attr ${n++}`, attributes: { region: 'All' } } }), 403, 'forbidden')
    const withAttrs = await createGroup({ display_name: `Everywhere ${n++}`, attributes: { region: ['West', 'East'] } })
    await expectError(await t.request('PATCH', `/api/v1/groups/${withAttrs.id}/members`, { key: manager, body: { add: [u.id] } }), 403, 'forbidden')
    await expectError(await t.request('DELETE', `/api/v1/groups/${withAttrs.id}`, { key: manager }), 403, 'forbidden')
    // Within its scopes it manages groups.
    const analysts = await createGroup({ display_name: `analyst`, members: [u.id] }, manager)
    expect(await role(u.id)).toBe('analyst')
    expect((await t.request('DELETE', `/api/v1/groups/${analysts.id}`, { key: manager })).status).toBe(204)
    expect(await role(u.id)).toBe('viewer')
  })

  it('keeps the last admin: emptying the only admin user out of the admin group is refused and changes nothing', async () => {
    const tenant = await t.newTenant(`groups-admin-${n++}`)
    const admin = (await (await t.request('POST', '/api/v1/users', { key: tenant.adminKey, body: { email: `adm-${n++}@example.com`, password: PASSWORD, role: 'viewer' } })).json()).id
    const g = await createGroup({ display_name: 'Admin', members: [admin] }, tenant.adminKey)
    await expectError(await t.request('PUT', `/api/v1/groups/${g.id}/members`, { key: tenant.adminKey, body: { user_ids: [] } }), 409, 'conflict')
    await expectError(await t.request('DELETE', `/api/v1/groups/${g.id}`, { key: tenant.adminKey }), 409, 'conflict')
    const after = await (await t.request('GET', `/api/v1/groups/${g.id}`, { key: tenant.adminKey })).json()
    expect(after.members.map((m: { id: string }) => m.id)).toEqual([admin])
  })

  it('is documented in /openapi.json', async () => {
    const doc = await (await t.request('GET', '/openapi.json', { key: null })).json()
    for (const p of ['/api/v1/groups', '/api/v1/groups/{id}', '/api/v1/groups/{id}/members']) expect(doc.paths[p], p).toBeTruthy()
    const detail = doc.paths['/api/v1/groups/{id}'].get.responses['200'].content['application/json'].schema
    expect(JSON.stringify(detail)).toContain('GroupDetail')
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Group', 'GroupDetail', 'CreateGroup', 'UpdateGroup']))
  })
})
