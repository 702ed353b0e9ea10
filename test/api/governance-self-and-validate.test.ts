// Governance seen from the caller: /auth/me shows the attributes policies read
// for this credential, and /semantic/validate (whose probes read unrestricted
// rows: duplicate and orphan counts) is for admins only once a layer has
// access policies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

let t: TestApp
const PASSWORD = 'a long enough password'
const POLICY = { name: 'regions', model: 'stores', row_filter: "{{ Dimension('store__region') }} IN {{ Attribute('region') }}", bypass_roles: ['admin'] }

beforeAll(async () => { t = await createTestApp({}, { demo: true }) })
afterAll(async () => { await t?.close() })

describe('GET /auth/me', () => {
  it("returns an API key's attributes", async () => {
    const created = await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'bi', scopes: ['query:run'], attributes: { region: ['West', 'South'], partner_id: 42 } } })).json()
    const me = await (await t.request('GET', '/api/v1/auth/me', { key: created.key })).json()
    expect(me.kind).toBe('api_key')
    expect(me.attributes).toEqual({ region: ['West', 'South'], partner_id: 42 })
  })

  it("returns a user's attributes, and the change an admin makes to them", async () => {
    const email = `me-${Date.now().toString(36)}@example.com`
    const user = await (await t.request('POST', '/api/v1/users', { body: { email, password: PASSWORD, role: 'analyst' } })).json()
    const patched = await t.request('PATCH', `/api/v1/users/${user.id}`, { body: { attributes: { region: 'East' } } })
    expect(patched.status, await patched.clone().text()).toBe(200)
    const pair = await (await t.request('POST', '/api/v1/auth/login', { key: null, body: { email, password: PASSWORD } })).json()
    const me = await (await t.request('GET', '/api/v1/auth/me', { key: pair.access_token })).json()
    expect(me.kind).toBe('user')
    expect(me.attributes).toEqual({ region: 'East' })
  })

  it('documents attributes in /openapi.json', async () => {
    const doc = await (await t.request('GET', '/openapi.json', { key: null })).json()
    expect(doc.components.schemas.Me.required).toContain('attributes')
    expect(JSON.stringify(doc.components.schemas.Me.properties.attributes)).toContain('#/components/schemas/Attributes')
  })

  it('returns empty attributes for a credential that has none', async () => {
    const me = await (await t.request('GET', '/api/v1/auth/me')).json()
    expect(me.attributes).toEqual({})
  })
})

describe('POST /semantic/validate on a governed layer', () => {
  it('is refused to non-admins once the layer has access policies, and stays open to admins', async () => {
    const { key: analyst } = await t.services.apiKeys.create(t.tenantId, { name: 'analyst', scopes: ['query:run', 'semantic:read'], attributes: { region: ['West'] } })
    // Without policies any semantic:read caller may validate.
    expect((await t.request('POST', '/api/v1/semantic/validate', { key: analyst, body: {} })).status).toBe(200)

    const put = await t.request('PUT', '/api/v1/semantic/access-policies', { body: { policies: [POLICY] } })
    expect(put.status, await put.clone().text()).toBe(200)
    const denied = await t.request('POST', '/api/v1/semantic/validate', { key: analyst, body: {} })
    expect(denied.status).toBe(403)
    const body = await denied.json()
    expect(body.error.code).toBe('forbidden')
    expect(body.error.details).toEqual([expect.objectContaining({ path: 'connection_id', issue: 'governed_layer' })])
    expect(body.error.request_id).toBeTruthy()

    const admin = await t.request('POST', '/api/v1/semantic/validate', { body: {} })
    expect(admin.status).toBe(200)
    expect((await admin.json()).valid).toBe(true)

    // Policies gone: open again.
    expect((await t.request('PUT', '/api/v1/semantic/access-policies', { body: { policies: [] } })).status).toBe(200)
    expect((await t.request('POST', '/api/v1/semantic/validate', { key: analyst, body: {} })).status).toBe(200)
  })
})
