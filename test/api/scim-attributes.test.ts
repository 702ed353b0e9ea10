// SCIM attributes mapped onto the user attributes access policies read
// (NEXATRON_SCIM_ATTRIBUTES), in the request shapes Okta and Entra send: the
// enterprise extension nested on create and replace, PATCH with a URN path
// (Entra) and PATCH with a partial resource (Okta).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { loadConfig } from '../../src/config'

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
const MAP = { region: `${ENTERPRISE}:division`, cost_center: `${ENTERPRISE}:costCenter`, manager: `${ENTERPRISE}:manager.value`, title: 'title' }

let t: TestApp
let token: string
let n = 0
const email = () => `scim-attr-${Date.now().toString(36)}${(n++).toString(36)}@example.com`
const scim = (method: string, path: string, body?: unknown, tok: string = token) =>
  t.request(method, `/scim/v2${path}`, { key: tok, body, headers: body === undefined ? {} : { 'content-type': 'application/scim+json' } })
const attributesOf = async (id: string) => (await (await t.request('GET', `/api/v1/users/${id}`)).json()).attributes

beforeAll(async () => {
  t = await createTestApp({ NEXATRON_SCIM_ATTRIBUTES: JSON.stringify(MAP), NEXATRON_RATE_LIMIT_PER_HOUR: '100000', NEXATRON_TENANT_RATE_LIMIT_PER_HOUR: '1000000' })
  token = (await (await t.request('POST', '/api/v1/scim-token')).json()).token
})
afterAll(async () => { await t?.close() })

async function create(extra: Record<string, unknown>) {
  const res = await scim('POST', '/Users', { schemas: [USER, ENTERPRISE], userName: email(), ...extra })
  expect(res.status, await res.clone().text()).toBe(201)
  return (await res.json()).id as string
}

describe('SCIM attribute mapping', () => {
  it('sets mapped attributes from the enterprise extension on create (Okta / Entra POST)', async () => {
    const id = await create({ title: 'Regional manager', [ENTERPRISE]: { division: 'West', costCenter: 'CC-7', department: 'Sales', manager: { value: 'boss-1', displayName: 'Boss' } } })
    // department is not mapped: not kept.
    expect(await attributesOf(id)).toEqual({ region: 'West', cost_center: 'CC-7', manager: 'boss-1', title: 'Regional manager' })
  })

  it('replaces mapped attributes on PUT, removing those the provider dropped, and keeps the ones admins set', async () => {
    const id = await create({ [ENTERPRISE]: { division: 'West', costCenter: 'CC-7' } })
    await t.request('PATCH', `/api/v1/users/${id}`, { body: { attributes: { ...(await attributesOf(id)), partner_id: 42 } } })
    const res = await scim('PUT', `/Users/${id}`, { schemas: [USER, ENTERPRISE], userName: (await (await scim('GET', `/Users/${id}`)).json()).userName, [ENTERPRISE]: { division: 'East' } })
    expect(res.status, await res.clone().text()).toBe(200)
    expect(await attributesOf(id)).toEqual({ region: 'East', partner_id: 42 })
  })

  it('applies Entra PATCH operations on URN paths (replace, add, remove)', async () => {
    const id = await create({ [ENTERPRISE]: { division: 'West', costCenter: 'CC-7' } })
    const res = await scim('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [
      { op: 'Replace', path: `${ENTERPRISE}:division`, value: 'North' },
      { op: 'Add', path: `${ENTERPRISE}:manager`, value: 'boss-2' },
      { op: 'Remove', path: `${ENTERPRISE}:costCenter` },
    ] })
    expect(res.status, await res.clone().text()).toBe(200)
    expect(await attributesOf(id)).toEqual({ region: 'North', manager: 'boss-2' })
  })

  it('applies Okta PATCH operations with a partial resource and no path', async () => {
    const id = await create({ [ENTERPRISE]: { division: 'West' } })
    const res = await scim('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [
      { op: 'replace', value: { active: true, title: 'Analyst', [ENTERPRISE]: { division: 'South', costCenter: 'CC-9' } } },
    ] })
    expect(res.status, await res.clone().text()).toBe(200)
    expect(await attributesOf(id)).toEqual({ region: 'South', cost_center: 'CC-9', title: 'Analyst' })
    // A PATCH that names no mapped attribute leaves them alone.
    await scim('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'Zed' }] })
    expect(await attributesOf(id)).toEqual({ region: 'South', cost_center: 'CC-9', title: 'Analyst' })
  })

  it('gives the mapped attributes to the user\'s sessions, so policies read them', async () => {
    const id = await create({ [ENTERPRISE]: { division: 'West' } })
    await t.request('PATCH', `/api/v1/users/${id}`, { body: { password: 'a long enough password' } })
    const userName = (await (await scim('GET', `/Users/${id}`)).json()).userName
    const pair = await (await t.request('POST', '/api/v1/auth/login', { key: null, body: { email: userName, password: 'a long enough password' } })).json()
    expect((await (await t.request('GET', '/api/v1/auth/me', { key: pair.access_token })).json()).attributes).toEqual({ region: 'West' })
  })

  it('refuses a mapped value that is not a scalar, with a SCIM 400', async () => {
    const res = await scim('POST', '/Users', { schemas: [USER, ENTERPRISE], userName: email(), [ENTERPRISE]: { division: { nested: { deep: 1 } } } })
    expect(res.status).toBe(400)
    expect((await res.json()).scimType).toBe('invalidValue')
  })

  it('lets only a token an admin made set mapped attributes', async () => {
    // users:manage may mint a SCIM token, but attributes decide which rows policies let through (admins only).
    const { key } = await t.services.apiKeys.create(t.tenantId, { name: 'ops', scopes: ['users:manage', 'query:read', 'connections:read', 'semantic:read'] })
    // (it may not replace the admin's token: the admin takes it away first)
    expect((await t.request('DELETE', '/api/v1/scim-token')).status).toBe(204)
    const minted = await t.request('POST', '/api/v1/scim-token', { key })
    expect(minted.status).toBe(201)
    const narrow = (await minted.json()).token
    const refused = await scim('POST', '/Users', { schemas: [USER, ENTERPRISE], userName: email(), [ENTERPRISE]: { division: 'West' } }, narrow)
    expect(refused.status, await refused.clone().text()).toBe(403)
    expect((await refused.json()).detail).toMatch(/admin/)
    // Without mapped values the same token still provisions.
    const plain = await scim('POST', '/Users', { schemas: [USER], userName: email() }, narrow)
    expect(plain.status, await plain.clone().text()).toBe(201)
    // Put the admin's token back for later tests.
    token = (await (await t.request('POST', '/api/v1/scim-token')).json()).token
  })
})

describe('NEXATRON_SCIM_ATTRIBUTES', () => {
  it('is refused at startup when it is not a map of attribute names to SCIM paths', () => {
    expect(() => loadConfig({ NEXATRON_SCIM_ATTRIBUTES: 'not json' })).toThrow(/NEXATRON_SCIM_ATTRIBUTES/)
    expect(() => loadConfig({ NEXATRON_SCIM_ATTRIBUTES: '{"bad-name":"title"}' })).toThrow(/bad-name/)
    expect(() => loadConfig({ NEXATRON_SCIM_ATTRIBUTES: '{"region":42}' })).toThrow(/NEXATRON_SCIM_ATTRIBUTES\.region/)
    expect(loadConfig({ NEXATRON_SCIM_ATTRIBUTES: JSON.stringify(MAP) }).scim.attributes).toHaveLength(4)
  })
})
