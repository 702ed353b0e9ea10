// Attack: privilege escalation through groups. The attacker holds a key with
// users:manage and an analyst's scopes (a provisioning helper, not an admin),
// or the SCIM token such a key rotates. Role-mapped groups (admin, analyst,
// viewer by default) set their members' roles and group attributes widen what
// row policies let through. Tries: rename a plain group into the admin
// mapping, push a member into the admin group over SCIM, rename a group that
// carries attributes, and reach another tenant's groups and users. The
// promise: nobody grants a role beyond their own scopes, only admins touch
// groups with attributes, and another tenant's ids are as unknown as made-up ones.
// A group named in an access policy (applies_to.groups: a mask for its
// members; bypass_groups: a way past a policy) decides rows too: only admins
// change who is in it, rename it, delete it, or create it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

const PASSWORD = 'a long enough password'
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group'
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
let n = 0

describe('attack: escalation through groups', () => {
  let t: TestApp
  let manager: string

  const user = async (role = 'viewer', key = t.adminKey) => {
    const res = await t.request('POST', '/api/v1/users', { key, body: { email: `grp-attack-${n++}@example.com`, password: PASSWORD, role } })
    expect(res.status, await res.clone().text()).toBe(201)
    return (await res.json()).id as string
  }
  const roleOf = async (id: string) => (await (await t.request('GET', `/api/v1/users/${id}`)).json()).role as string
  const group = async (body: Record<string, unknown>, key = t.adminKey) => {
    const res = await t.request('POST', '/api/v1/groups', { key, body })
    expect(res.status, await res.clone().text()).toBe(201)
    return (await res.json()).id as string
  }
  const scim = (method: string, path: string, token: string, body?: unknown) =>
    t.request(method, `/scim/v2${path}`, { key: token, body, headers: body === undefined ? {} : { 'content-type': 'application/scim+json' } })

  beforeAll(async () => {
    t = await createTestApp({}, { demo: true })
    manager = (await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'provisioner', scopes: ['users:manage', 'query:run', 'query:read', 'connections:read', 'semantic:read'] } })).json()).key
  })
  afterAll(async () => { await t?.close() })

  it('refuses to rename a plain group into the admin mapping, and changes neither the name nor any role', async () => {
    const victim = await user('viewer')
    const g = await group({ display_name: `Book club ${n++}`, members: [victim] }, manager)
    const res = await t.request('PATCH', `/api/v1/groups/${g}`, { key: manager, body: { display_name: 'Admin' } })
    expect(res.status).toBe(403)
    expect((await res.json()).error.details).toEqual([expect.objectContaining({ path: 'role', issue: 'not_held' })])
    expect(await roleOf(victim)).toBe('viewer')
    expect((await (await t.request('GET', `/api/v1/groups/${g}`)).json()).display_name).toMatch(/^Book club/)
  })

  it('refuses a SCIM token rotated by that key to put a member into the admin group', async () => {
    const victim = await user('viewer')
    const admins = await group({ display_name: 'admin' })
    const token = (await (await t.request('POST', '/api/v1/scim-token', { key: manager })).json()).token as string
    expect(token).toBeTruthy()
    const res = await scim('PATCH', `/Groups/${admins}`, token, { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: victim }] }] })
    expect(res.status).toBe(403)
    expect(await roleOf(victim)).toBe('viewer')
    const created = await scim('POST', '/Groups', token, { schemas: [GROUP], displayName: 'Admin ', members: [{ value: victim }] })
    expect(created.status).toBeGreaterThanOrEqual(400)
    expect(await roleOf(victim)).toBe('viewer')
  })

  it('refuses to rename a group that carries attributes (its name may be what a policy names)', async () => {
    const g = await group({ display_name: `Sales West ${n++}`, attributes: { region: ['West'] } })
    const res = await t.request('PATCH', `/api/v1/groups/${g}`, { key: manager, body: { display_name: 'Finance Auditors' } })
    expect(res.status).toBe(403)
    expect((await res.json()).error.details).toEqual([expect.objectContaining({ path: 'attributes', issue: 'not_held' })])
  })

  it('refuses to change membership, names or existence of a group an access policy names (mask or bypass), for anyone but admins', async () => {
    const policies = [
      { name: 'regions', model: 'stores', row_filter: "{{ Dimension('store__region') }} IN {{ Attribute('region') }}", bypass_roles: ['admin'], bypass_groups: ['Finance Auditors'] },
      { name: 'contractors_mask', model: 'stores', applies_to: { groups: ['contractors'] }, mask: [{ dimension: 'store_name', method: 'hash' }] },
    ]
    expect((await t.request('PUT', '/api/v1/semantic/access-policies', { body: { policies } })).status).toBe(200)
    const me = await user('viewer')
    // Masked: a contractor (admin-made group, no attributes) whom the provisioner tries to take out of the mask.
    const contractors = await group({ display_name: 'Contractors', members: [me] })
    const left = await t.request('PATCH', `/api/v1/groups/${contractors}/members`, { key: manager, body: { remove: [me] } })
    expect(left.status).toBe(403)
    expect((await left.json()).error.details).toEqual([expect.objectContaining({ path: 'members', issue: 'governing_group' })])
    for (const [method, path, body] of [
      ['PUT', `/api/v1/groups/${contractors}/members`, { user_ids: [] }],
      ['PATCH', `/api/v1/groups/${contractors}`, { display_name: 'Former contractors' }],
      ['DELETE', `/api/v1/groups/${contractors}`, undefined],
    ] as const) expect((await t.request(method, path, { key: manager, body })).status, `${method} ${path}`).toBe(403)
    const still = await (await t.request('GET', `/api/v1/groups/${contractors}`)).json()
    expect(still).toMatchObject({ display_name: 'Contractors', member_count: 1 })
    // Bypass: creating the bypass group (any case) with oneself in it, or renaming a plain group into it.
    expect((await t.request('POST', '/api/v1/groups', { key: manager, body: { display_name: 'finance auditors', members: [me] } })).status).toBe(403)
    const plain = await group({ display_name: `Lunch ${n++}`, members: [me] }, manager)
    expect((await t.request('PATCH', `/api/v1/groups/${plain}`, { key: manager, body: { display_name: 'Finance Auditors' } })).status).toBe(403)
    expect((await (await t.request('GET', `/api/v1/groups/${plain}`)).json()).display_name).toMatch(/^Lunch/)
    // The same over SCIM with a token the provisioner rotated.
    const token = (await (await t.request('POST', '/api/v1/scim-token', { key: manager })).json()).token as string
    const scimLeave = await scim('PATCH', `/Groups/${contractors}`, token, { schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${me}"]` }] })
    expect(scimLeave.status).toBe(403)
    expect((await (await t.request('GET', `/api/v1/groups/${contractors}`)).json()).member_count).toBe(1)
    // Admins still manage them; and groups no policy names stay the provisioner's to manage.
    expect((await t.request('PATCH', `/api/v1/groups/${contractors}/members`, { body: { remove: [me] } })).status).toBe(200)
    expect((await t.request('PATCH', `/api/v1/groups/${plain}/members`, { key: manager, body: { remove: [me] } })).status).toBe(200)
    expect((await t.request('PUT', '/api/v1/semantic/access-policies', { body: { policies: [] } })).status).toBe(200)
  })

  it("treats another tenant's groups and users as unknown, over the API and SCIM", async () => {
    const other = await t.newTenant(`grp-attack-${n++}`)
    const theirUser = await user('viewer', other.adminKey)
    const theirGroup = await group({ display_name: 'admin', members: [] }, other.adminKey)
    expect((await t.request('GET', `/api/v1/groups/${theirGroup}`, { key: manager })).status).toBe(404)
    expect((await t.request('PATCH', `/api/v1/groups/${theirGroup}/members`, { key: manager, body: { add: [] } })).status).toBe(404)
    const mine = await group({ display_name: `Mixed ${n++}` }, manager)
    const res = await t.request('PUT', `/api/v1/groups/${mine}/members`, { key: manager, body: { user_ids: [theirUser] } })
    expect(res.status).toBe(400)
    expect(JSON.stringify(await res.json())).not.toContain(other.tenantId)
    const token = (await (await t.request('POST', '/api/v1/scim-token')).json()).token as string
    expect((await scim('GET', `/Groups/${theirGroup}`, token)).status).toBe(404)
    expect((await scim('PATCH', `/Groups/${theirGroup}`, token, { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: theirUser }] }] })).status).toBe(404)
    const found = await (await scim('GET', `/Groups?filter=${encodeURIComponent(`members.value eq "${theirUser}"`)}`, token)).json()
    expect(found.totalResults).toBe(0)
    expect((await (await t.request('GET', `/api/v1/users/${theirUser}`, { key: other.adminKey })).json()).role).toBe('viewer')
  })
})
