// Access policies by group (issue #18) on the demo warehouse: a group's
// attributes reach its members' row filters (merged with their own), masks and
// hidden members can target groups (applies_to.groups), and bypass_groups
// lets a group through. Expected numbers come from an admin's unrestricted
// answer, so nothing here is hard-coded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { accessContextKey } from '../../src/governance/access-context'
import type { AccessPolicy } from '../../semantic/access'

let t: TestApp
const PASSWORD = 'a long enough password'
let n = 0

const REGIONS: AccessPolicy = { name: 'regions', model: 'stores', row_filter: "{{ Dimension('store__region') }} IN {{ Attribute('region') }}", bypass_roles: ['admin'], bypass_groups: ['Finance Auditors'] }
const MASK: AccessPolicy = { name: 'contractors_mask', model: 'stores', applies_to: { groups: ['contractors'] }, mask: [{ dimension: 'store_name', method: 'hash' }], member_access: { hide: ['city'] } }

async function userIn(attributes?: Record<string, unknown>): Promise<{ id: string }> {
  const email = `grp-pol-${Date.now().toString(36)}-${n++}@example.com`
  const user = await (await t.request('POST', '/api/v1/users', { body: { email, password: PASSWORD, role: 'analyst' } })).json()
  if (attributes) expect((await t.request('PATCH', `/api/v1/users/${user.id}`, { body: { attributes } })).status).toBe(200)
  return { id: user.id }
}
const login = async (u: { id: string }) => {
  const { email } = await (await t.request('GET', `/api/v1/users/${u.id}`)).json()
  return (await (await t.request('POST', '/api/v1/auth/login', { key: null, body: { email, password: PASSWORD } })).json()).access_token as string
}
async function group(display_name: string, members: string[], attributes?: Record<string, unknown>) {
  const res = await t.request('POST', '/api/v1/groups', { body: { display_name, members, ...(attributes ? { attributes } : {}) } })
  expect(res.status, await res.clone().text()).toBe(201)
  return res.json()
}
const byRegion = async (key: string) => {
  const res = await t.request('POST', '/api/v1/semantic/query', { key, body: { metrics: ['total_sales'], group_by: ['store__region'], order_by: ['store__region'] } })
  expect(res.status, await res.clone().text()).toBe(200)
  return Object.fromEntries((await res.json()).data.map((r: { store__region: string; total_sales: unknown }) => [r.store__region, Number(r.total_sales)]))
}

beforeAll(async () => {
  t = await createTestApp({}, { demo: true })
  const put = await t.request('PUT', '/api/v1/semantic/access-policies', { body: { policies: [REGIONS, MASK] } })
  expect(put.status, await put.clone().text()).toBe(200)
})
afterAll(async () => { await t?.close() })

describe('policies and groups', () => {
  it("gives a member the rows of their group's attributes, merged with their own", async () => {
    const all = await byRegion(t.adminKey)
    const regions = Object.keys(all)
    expect(regions.length).toBeGreaterThan(2)
    const [first, second] = regions
    const west = await userIn()
    const both = await userIn({ region: [second] })
    await group(`Sales ${first} ${n++}`, [west.id, both.id], { region: [first] })

    const westToken = await login(west)
    expect(await byRegion(westToken)).toEqual({ [first]: all[first] })
    const me = await (await t.request('GET', '/api/v1/auth/me', { key: westToken })).json()
    expect(me.attributes).toEqual({ region: [first] })
    // Lists are unions: their own region and the group's.
    expect(await byRegion(await login(both))).toEqual({ [first]: all[first], [second]: all[second] })
    // Outside the group: no region, so the row filter refuses (its default, on_missing_attribute: deny).
    const outsider = await userIn()
    const denied = await t.request('POST', '/api/v1/semantic/query', { key: await login(outsider), body: { metrics: ['total_sales'] } })
    expect(denied.status).toBe(403)
    expect((await denied.json()).error.code).toBe('access_denied')
  })

  it("lets a user's own scalar win over their groups' values", async () => {
    const all = await byRegion(t.adminKey)
    const [first, second] = Object.keys(all)
    const pinned = await userIn({ region: second })
    await group(`Pinned ${n++}`, [pinned.id], { region: [first] })
    expect(await byRegion(await login(pinned))).toEqual({ [second]: all[second] })
  })

  it('masks a column and hides a dimension for members of a group named in applies_to.groups (names in any case)', async () => {
    const all = await byRegion(t.adminKey)
    const [first] = Object.keys(all)
    const contractor = await userIn({ region: [first] })
    const employee = await userIn({ region: [first] })
    await group(`Contractors`, [contractor.id])
    const names = async (key: string) => (await (await t.request('POST', '/api/v1/semantic/query', { key, body: { metrics: ['total_sales'], group_by: ['store__store_name'], order_by: ['store__store_name'] } })).json()).data.map((r: { store__store_name: string }) => r.store__store_name)
    const employeeToken = await login(employee)
    const contractorToken = await login(contractor)
    const clear = await names(employeeToken)
    const masked = await names(contractorToken)
    expect(masked).toHaveLength(clear.length)
    expect(masked.some((m: string) => clear.includes(m))).toBe(false)
    const byCity = (key: string) => t.request('POST', '/api/v1/semantic/query', { key, body: { metrics: ['total_sales'], group_by: ['store__city'] } })
    expect((await byCity(employeeToken)).status).toBe(200)
    const hidden = await byCity(contractorToken)
    expect(hidden.status).toBe(422)
    expect((await hidden.json()).error.code).toBe('unknown_dimension')
  })

  it('lets members of a bypass group see every row, and loses it when they leave the group', async () => {
    const all = await byRegion(t.adminKey)
    const auditor = await userIn()
    const g = await group('finance auditors', [auditor.id])
    const token = await login(auditor)
    expect(await byRegion(token)).toEqual(all)
    expect((await t.request('PATCH', `/api/v1/groups/${g.id}/members`, { body: { remove: [auditor.id] } })).status).toBe(200)
    expect((await t.request('POST', '/api/v1/semantic/query', { key: token, body: { metrics: ['total_sales'] } })).status).toBe(403)
  })

  it('previews for an admin the view of a group, and keys cached views by the groups policies name', async () => {
    const preview = await t.request('POST', '/api/v1/semantic/access/preview', { body: { principal: { role: 'analyst', groups: ['Finance Auditors'] }, query: { metrics: ['total_sales'] } } })
    expect(preview.status, await preview.clone().text()).toBe(200)
    expect((await preview.json()).applied).toEqual([])
    const policies = [REGIONS, MASK]
    const base = { role: 'analyst', attributes: { region: ['West'] } }
    const contractor = accessContextKey({ ...base, groups: ['Contractors', 'Book Club'] }, policies)
    expect(contractor).not.toBe(accessContextKey(base, policies))
    // A group no policy names changes nothing: such principals share cached views.
    expect(accessContextKey({ ...base, groups: ['contractors'] }, policies)).toBe(contractor)
    expect(accessContextKey({ ...base, groups: ['Book Club'] }, policies)).toBe(accessContextKey(base, policies))
  })

  it('refuses policies whose group fields are malformed, naming the field', async () => {
    const res = await t.request('PUT', '/api/v1/semantic/access-policies', { body: { policies: [{ ...MASK, applies_to: { groups: 'Contractors' } }] } })
    expect(res.status).toBe(400)
    const body = await res.json()
    expect(body.error.code).toBe('validation_error')
    expect(JSON.stringify(body.error.details)).toContain('applies_to.groups')
    const yaml = `access_policies:\n  - name: x\n    model: stores\n    bypass_groups: Finance\n    applies_to: { groups: [a], teams: [b] }\n    mask: [{ dimension: store_name, method: hash }]\n`
    const imported = await t.request('POST', '/api/v1/semantic/import', { body: { files: [{ path: 'p.yml', content: yaml }], mode: 'merge' } })
    const text = await imported.text()
    expect(imported.status, text).toBeGreaterThanOrEqual(400)
    expect(text).toContain('access_policies[0].bypass_groups')
    expect(text).toContain('access_policies[0].applies_to.teams')
  })
})
