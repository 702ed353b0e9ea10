// Attack: read around the listings. GET /semantic/dimensions, /metrics and
// /models list only what a principal may see (no hidden members, no sample
// values read from rows it may not see), but each item also has a GET by id,
// and the ids are in the listings (or guessed from another principal's
// screen). The promise: hidden members are unknown and masked or filtered
// columns show no sample values, whichever route reads them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { serviceAvailable } from '../support/services'
import { createWarehouse, makeKey, SALES, type Warehouse } from './attack-warehouse'

const hasPg = await serviceAvailable('postgres')

describe.skipIf(!hasPg)('attack: semantic objects read by id around the access policies', () => {
  let t: TestApp
  let wh: Warehouse
  let conn: string
  let partner: string
  let west: string
  const ids: Record<string, string> = {}

  const list = async (what: string, key = t.adminKey) =>
    (await (await t.request('GET', `/api/v1/semantic/${what}?connection_id=${conn}&limit=100`, { key })).json()).data as Array<Record<string, any>> // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    wh = await createWarehouse()
    t = await createTestApp()
    conn = await wh.connect(t, 'governed')
    const scopes = ['query:run', 'semantic:read']
    partner = (await makeKey(t, { scopes, attributes: { audience: 'partner', partner_id: 1, region: ['West', 'East', 'North'] } })).key
    west = (await makeKey(t, { scopes, attributes: { region: ['West'] } })).key
    for (const d of await list('dimensions')) ids[`dim:${d.name}`] = d.id
    for (const m of await list('metrics')) ids[`metric:${m.name}`] = m.id
    for (const m of await list('models')) ids[`model:${m.name}`] = m.id
    // The admin reads the values of the governed columns, as the planner needs them.
    for (const d of ['customer_email', 'region']) {
      const res = await t.request('POST', `/api/v1/semantic/dimensions/${ids[`dim:${d}`]}/sample-values/refresh`)
      expect(res.status, await res.clone().text()).toBe(200)
      expect((await res.json()).sample_values.length).toBeGreaterThan(0)
    }
  }, 120_000)
  afterAll(async () => {
    await t?.close()
    await wh?.drop()
  })

  it('shows no sample values of a masked column on GET /semantic/dimensions/{id}', async () => {
    const listed = (await list('dimensions', partner)).find((d) => d.name === 'customer_email')!
    expect(listed.sample_values).toBeNull()
    const res = await t.request('GET', `/api/v1/semantic/dimensions/${ids['dim:customer_email']}`, { key: partner })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.sample_values).toBeNull()
    expect(JSON.stringify(body)).not.toContain(SALES[0].email)
  })

  it("shows no sample values read from rows outside the caller's row filter on GET /semantic/dimensions/{id}", async () => {
    const res = await t.request('GET', `/api/v1/semantic/dimensions/${ids['dim:region']}`, { key: west })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(JSON.stringify(body.sample_values ?? [])).not.toMatch(/East|North/)
  })

  it('answers 404 for a metric the caller\'s policy hides, as for an unknown id', async () => {
    expect((await list('metrics', partner)).map((m) => m.name)).not.toContain('secret_margin')
    const res = await t.request('GET', `/api/v1/semantic/metrics/${ids['metric:secret_margin']}`, { key: partner })
    expect(res.status).toBe(404)
    expect((await res.json()).error.code).toBe('not_found')
    // Others still read it.
    expect((await t.request('GET', `/api/v1/semantic/metrics/${ids['metric:secret_margin']}`, { key: west })).status).toBe(200)
  })

  it('shows a model by id as the listing does: hidden members gone, no unseen sample values', async () => {
    const listed = (await list('models', partner)).find((m) => m.name === 'sales')!
    const res = await t.request('GET', `/api/v1/semantic/models/${ids['model:sales']}`, { key: partner })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.dimensions).toEqual(listed.dimensions)
    expect(body.measures).toEqual(listed.measures)
    expect(JSON.stringify(body)).not.toContain(SALES[0].email)
    const stores = await (await t.request('GET', `/api/v1/semantic/models/${ids['model:stores']}`, { key: west })).json()
    expect(JSON.stringify(stores)).not.toMatch(/East|North/)
  })

  it('still shows an admin every value', async () => {
    const body = await (await t.request('GET', `/api/v1/semantic/dimensions/${ids['dim:customer_email']}`)).json()
    expect(body.sample_values).toContain(SALES[0].email)
  })
})
