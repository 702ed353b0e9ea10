// The plan's seats hold for SCIM provisioning too: creating an active user or
// reactivating one (PATCH active, Entra's "Replace"/"True" included, or PUT)
// is refused with SCIM's error shape when every seat is taken; a user created
// inactive takes none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestResponse } from '../support/test-app'

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error'
const PLANS = JSON.stringify({
  duo: { requests_per_hour: 10000, queries_per_month: null, rows_per_month: null, llm_tokens_per_month: null, connections: null, seats: 2 },
})

let t: TestApp
let tenant: { tenantId: string; adminKey: string; token: string }

const scim = (method: string, path: string, body?: unknown) =>
  t.request(method, `/scim/v2${path}`, { key: tenant.token, body, headers: body === undefined ? {} : { 'content-type': 'application/scim+json' } })

async function expectSeatRefusal(res: TestResponse) {
  const text = await res.text()
  expect(res.status, text).toBe(403)
  expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/)
  const body = JSON.parse(text)
  expect(body).toMatchObject({ schemas: [ERROR], status: '403' })
  expect(body.detail).toMatch(/seats/)
}
let n = 0
const newUser = (active = true) => scim('POST', '/Users', { schemas: [USER], userName: `seat-${n++}-${Date.now().toString(36)}@example.com`, active })
const seatsUsed = async () => (await t.services.billing.capacityUsed(tenant.tenantId)).seats

beforeAll(async () => {
  t = await createTestApp({ NEXATRON_PLANS: PLANS, NEXATRON_RATE_LIMIT_PER_HOUR: '100000' })
  const o = await t.newTenant('scim-seats')
  await t.services.billing.setPlan(o.tenantId, 'duo', { type: 'system', id: null, display: 'test' })
  const res = await t.request('POST', '/api/v1/scim-token', { key: o.adminKey })
  expect(res.status).toBe(201)
  tenant = { ...o, token: (await res.json()).token }
})
afterAll(async () => { await t?.close() })

describe('SCIM and the plan\'s seats', () => {
  it('refuses an active user beyond the seats, but creates an inactive one', async () => {
    const a = await newUser()
    expect(a.status).toBe(201)
    const b = await newUser()
    expect(b.status).toBe(201)
    await expectSeatRefusal(await newUser())
    expect(await seatsUsed()).toBe(2)
    const inactive = await newUser(false)
    expect(inactive.status, await inactive.clone().text()).toBe(201)
    expect((await inactive.json()).active).toBe(false)
    expect(await seatsUsed()).toBe(2)
  })

  it('refuses reactivation (PATCH, Entra casing, or PUT) while no seat is free, and allows it once one is', async () => {
    const list = (await (await scim('GET', '/Users?filter=' + encodeURIComponent('active eq true'))).json()).Resources as Array<{ id: string; userName: string }>
    const inactive = (await (await scim('GET', '/Users?filter=' + encodeURIComponent('active eq false'))).json()).Resources as Array<{ id: string; userName: string }>
    expect(list).toHaveLength(2)
    const sleeper = inactive[0]
    await expectSeatRefusal(await scim('PATCH', `/Users/${sleeper.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: true } }] }))
    await expectSeatRefusal(await scim('PATCH', `/Users/${sleeper.id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'True' }] }))
    await expectSeatRefusal(await scim('PUT', `/Users/${sleeper.id}`, { schemas: [USER], userName: sleeper.userName, active: true }))
    // Still inactive: the refusal changed nothing.
    expect((await (await scim('GET', `/Users/${sleeper.id}`)).json()).active).toBe(false)
    // Other changes to an inactive user need no seat.
    const renamed = await scim('PATCH', `/Users/${sleeper.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'Sleeper' }] })
    expect(renamed.status, await renamed.clone().text()).toBe(200)
    // Deactivating one frees its seat for the other.
    const off = await scim('PATCH', `/Users/${list[0].id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] })
    expect(off.status).toBe(200)
    const on = await scim('PATCH', `/Users/${sleeper.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: true }] })
    expect(on.status, await on.clone().text()).toBe(200)
    expect((await on.json()).active).toBe(true)
    expect(await seatsUsed()).toBe(2)
  })
})
