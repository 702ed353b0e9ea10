// Attack: escape one's access policies with one's own API key. A key a user
// made (keys:manage: an admin at the time) took a copy of the user's own
// attributes at that moment and none of their groups; after the user was made
// an analyst the key kept working with the analyst's scopes, so (1) once put
// in a group a policy restricts (applies_to.groups: a mask, a hidden
// dimension) they read through the key what the policy hides from them, and
// (2) once an admin narrowed their attributes they kept reading the old,
// wider rows through it.
// A key a user makes now reads with its owner's groups and attributes as they
// stand at each request (an admin can still pin a key's attributes).
// Expected numbers come from an admin's unrestricted answer: nothing hard-coded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import type { AccessPolicy } from '../../semantic/access'

let t: TestApp
const PASSWORD = 'a long enough password'
let n = 0

const REGIONS: AccessPolicy = { name: 'regions', model: 'stores', row_filter: "{{ Dimension('store__region') }} IN {{ Attribute('region') }}", bypass_roles: ['admin'], bypass_groups: ['Auditors'] }
const MASK: AccessPolicy = { name: 'contractors_mask', model: 'stores', applies_to: { groups: ['contractors'] }, mask: [{ dimension: 'store_name', method: 'hash' }], member_access: { hide: ['city'] } }

/** A user who, while an admin, made keys for themselves, and is now an analyst. */
async function user(attributes?: Record<string, unknown>, makeKeys = async (token: string) => [await ownKey(token)]) {
  const email = `key-rights-${n++}@example.com`
  const u = await (await t.request('POST', '/api/v1/users', { body: { email, password: PASSWORD, role: 'admin' } })).json()
  if (attributes) expect((await t.request('PATCH', `/api/v1/users/${u.id}`, { body: { attributes } })).status).toBe(200)
  const token = (await (await t.request('POST', '/api/v1/auth/login', { key: null, body: { email, password: PASSWORD } })).json()).access_token as string
  const made = await makeKeys(token)
  expect((await t.request('PATCH', `/api/v1/users/${u.id}`, { body: { role: 'analyst' } })).status).toBe(200)
  // a role change ends the user's sessions: the analyst logs in again
  const analystToken = (await (await t.request('POST', '/api/v1/auth/login', { key: null, body: { email, password: PASSWORD } })).json()).access_token as string
  return { id: u.id as string, token: analystToken, keys: made }
}
async function ownKey(token: string, scopes = ['query:run', 'query:read']): Promise<string> {
  const res = await t.request('POST', '/api/v1/api-keys', { key: token, body: { name: `own ${n++}`, scopes } })
  expect(res.status, await res.clone().text()).toBe(201)
  return (await res.json()).key
}
const query = (key: string, body: Record<string, unknown>) => t.request('POST', '/api/v1/semantic/query', { key, body })
async function byRegion(key: string) {
  const res = await query(key, { metrics: ['total_sales'], group_by: ['store__region'], order_by: ['store__region'] })
  expect(res.status, await res.clone().text()).toBe(200)
  return Object.fromEntries((await res.json()).data.map((r: { store__region: string; total_sales: unknown }) => [r.store__region, Number(r.total_sales)]))
}
async function storeNames(key: string): Promise<string[]> {
  const res = await query(key, { metrics: ['total_sales'], group_by: ['store__store_name'], order_by: ['store__store_name'] })
  expect(res.status, await res.clone().text()).toBe(200)
  return (await res.json()).data.map((r: { store__store_name: string }) => r.store__store_name)
}

beforeAll(async () => {
  t = await createTestApp({ NEXATRON_LOGIN_RATE_LIMIT_PER_15MIN: '1000' }, { demo: true })
  // a standing admin user, so the ones below may be made analysts (a tenant keeps one)
  expect((await t.request('POST', '/api/v1/users', { body: { email: 'standing-admin@example.com', password: PASSWORD, role: 'admin' } })).status).toBe(201)
  const put = await t.request('PUT', '/api/v1/semantic/access-policies', { body: { policies: [REGIONS, MASK] } })
  expect(put.status, await put.clone().text()).toBe(200)
}, 120_000)
afterAll(async () => { await t?.close() })

describe('attack: reading through one\'s own key what one\'s policies hide', () => {
  it('masks and hides for a key what its owner\'s group policy masks and hides for the owner', async () => {
    const all = await byRegion(t.adminKey)
    const [first] = Object.keys(all)
    const contractor = await user({ region: [first] })
    const g = await t.request('POST', '/api/v1/groups', { body: { display_name: 'Contractors', members: [contractor.id] } })
    expect(g.status).toBe(201)
    const [key] = contractor.keys
    expect(await storeNames(key)).toEqual(await storeNames(contractor.token))
    const byCity = await query(key, { metrics: ['total_sales'], group_by: ['store__city'] })
    expect(byCity.status).toBe(422)
    expect((await byCity.json()).error.code).toBe('unknown_dimension')
  })

  it('narrows a key\'s rows when an admin narrows its owner\'s attributes, at the next request', async () => {
    const all = await byRegion(t.adminKey)
    const [first, second] = Object.keys(all)
    const analyst = await user({ region: [first, second] })
    const [key] = analyst.keys
    expect(await byRegion(key)).toEqual({ [first]: all[first], [second]: all[second] })
    expect((await t.request('PATCH', `/api/v1/users/${analyst.id}`, { body: { attributes: { region: [first] } } })).status).toBe(200)
    expect(await byRegion(key)).toEqual({ [first]: all[first] })
  })

  it('gives a key the rows its owner\'s groups give the owner, and takes them when the owner leaves the group', async () => {
    const all = await byRegion(t.adminKey)
    const [, second] = Object.keys(all)
    const member = await user()
    const g = await (await t.request('POST', '/api/v1/groups', { body: { display_name: `Sales ${n++}`, members: [member.id], attributes: { region: [second] } } })).json()
    const [key] = member.keys
    expect(await byRegion(key)).toEqual({ [second]: all[second] })
    expect((await t.request('PATCH', `/api/v1/groups/${g.id}/members`, { body: { remove: [member.id] } })).status).toBe(200)
    expect((await query(key, { metrics: ['total_sales'] })).status).toBe(403)
  })

  it('keeps a key made by a key to what its maker reads, following the same owner', async () => {
    const all = await byRegion(t.adminKey)
    const [first, second] = Object.keys(all)
    // both made while the owner was an admin, the second by the first
    const analyst = await user({ region: [first, second] }, async (token) => {
      const maker = await ownKey(token, ['query:run', 'query:read', 'keys:manage'])
      return [maker, await ownKey(maker)]
    })
    const [maker, child] = analyst.keys
    expect(await byRegion(child)).toEqual(await byRegion(maker))
    expect((await t.request('PATCH', `/api/v1/users/${analyst.id}`, { body: { attributes: { region: [second] } } })).status).toBe(200)
    expect(await byRegion(child)).toEqual({ [second]: all[second] })
  })

  it('keeps a pinned key to its pins though its owner is in a bypass group, which still lets the owner through', async () => {
    const all = await byRegion(t.adminKey)
    const [first] = Object.keys(all)
    const auditor = await user()
    const g = await t.request('POST', '/api/v1/groups', { body: { display_name: `Auditors`, members: [auditor.id] } })
    expect(g.status, await g.clone().text()).toBe(201)
    const [key] = auditor.keys
    expect(await byRegion(key)).toEqual(all) // following its owner: the owner's bypass too
    const id = (await (await t.request('GET', '/api/v1/api-keys?limit=100')).json()).data.find((k: { prefix: string }) => key.startsWith(k.prefix)).id
    expect((await t.request('PATCH', `/api/v1/api-keys/${id}`, { body: { attributes: { region: [first] } } })).status).toBe(200)
    expect(await byRegion(key)).toEqual({ [first]: all[first] })
    expect(await byRegion(auditor.token)).toEqual(all)
  })

  it('still lets an admin pin a user key\'s attributes', async () => {
    const all = await byRegion(t.adminKey)
    const [first, second] = Object.keys(all)
    const analyst = await user({ region: [first, second] })
    const [key] = analyst.keys
    const id = (await (await t.request('GET', '/api/v1/api-keys?limit=100')).json()).data.find((k: { prefix: string }) => key.startsWith(k.prefix)).id
    expect((await t.request('PATCH', `/api/v1/api-keys/${id}`, { body: { attributes: { region: [second] } } })).status).toBe(200)
    expect(await byRegion(key)).toEqual({ [second]: all[second] })
  })
})
