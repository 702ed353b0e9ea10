// Attack: read from history what an admin has since taken away. A governed key
// ran "revenue by customer email" while emails were in clear; then the admin
// masked the column. The stored answer must not keep showing the clear emails
// to that key (GET /query/{id}, the history listing's summaries): a result
// recorded under other access rules than the viewer's current ones is withheld
// until run again. Admins, whom no policy governs, still see what ran.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { serviceAvailable } from '../support/services'
import { createWarehouse, makeKey, POLICIES, type Warehouse } from './attack-warehouse'

const hasPg = await serviceAvailable('postgres')

describe.skipIf(!hasPg)('attack: stored answers after an admin tightens a policy', () => {
  let t: TestApp
  let wh: Warehouse
  let conn: string
  let key: string

  const put = async (policies: unknown[]) => {
    const res = await t.request('PUT', '/api/v1/semantic/access-policies', { body: { connection_id: conn, policies } })
    expect(res.status, await res.clone().text()).toBe(200)
  }
  const byEmail = async () => {
    const res = await t.request('POST', '/api/v1/semantic/query', { key, body: { connection_id: conn, metrics: ['revenue'], group_by: ['sale__customer_email'], order_by: ['-revenue'], limit: 3 } })
    expect(res.status, await res.clone().text()).toBe(200)
    return res.headers.get('x-nexatron-query-id')!
  }

  beforeAll(async () => {
    wh = await createWarehouse()
    t = await createTestApp()
    conn = await wh.connect(t, 'governed')
    key = (await makeKey(t, { scopes: ['query:run', 'query:read'], attributes: { region: ['West', 'East'] } })).key
  }, 120_000)
  afterAll(async () => {
    await t?.close()
    await wh?.drop()
  })

  it('withholds the rows and summary recorded in clear once a mask applies to the viewer, and shows them again to a new run', async () => {
    const id = await byEmail()
    const before = await (await t.request('GET', `/api/v1/query/${id}`, { key })).json()
    expect(JSON.stringify(before.data)).toMatch(/@example\.com/)
    await put([...POLICIES, { name: 'mask_all', model: 'sales', applies_to: { roles: ['analyst'] }, mask: [{ dimension: 'customer_email', method: 'hash' }] }])
    try {
      const after = await t.request('GET', `/api/v1/query/${id}`, { key })
      expect(after.status).toBe(200)
      const body = await after.json()
      expect(JSON.stringify(body)).not.toMatch(/@example\.com/)
      expect(body.data).toBeNull()
      expect(body.withheld).toMatchObject({ reason: 'access_changed' })
      const listing = await (await t.request('GET', '/api/v1/query/history?limit=20', { key })).json()
      expect(JSON.stringify(listing)).not.toMatch(/@example\.com/)
      // an admin, whom no policy governs, still reads what ran
      const adminView = await (await t.request('GET', `/api/v1/query/${id}`)).json()
      expect(JSON.stringify(adminView.data)).toMatch(/@example\.com/)
      // run again: masked rows, shown
      const again = await (await t.request('GET', `/api/v1/query/${await byEmail()}`, { key })).json()
      expect(again.withheld ?? null).toBeNull()
      for (const r of again.data) expect(r.sale__customer_email).toMatch(/^[0-9a-f]{64}$/)
    } finally {
      await put(POLICIES)
    }
  })
})
