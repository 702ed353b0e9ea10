// Attack: a governed principal that may write the layer or `where` SQL
// (semantic:write, not an admin) reads around its row policy. Policies wrap
// the governed model's table and read its dimensions, so: a subquery in a
// `where` filter reads the table itself (a yes/no oracle on any value); a new
// model over the same table is not governed; a governed dimension's expression
// changed to a constant makes the row filter true everywhere; a sample-value
// refresh answers values read from every row; and a re-import rewrites it all.
// The promise: on a layer with access policies none of this works for anyone
// but an admin, while templated where filters keep working for everyone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { serviceAvailable } from '../support/services'
import { createWarehouse, LAYER, makeKey, POLICIES, revenueAs, revenueWhere, type Warehouse } from './attack-warehouse'

const hasPg = await serviceAvailable('postgres')
const west = (s: { region: string }) => s.region === 'West'

describe.skipIf(!hasPg)('attack: writing SQL into a governed layer', () => {
  let t: TestApp
  let wh: Warehouse
  let conn: string
  let writer: string
  const ids: Record<string, string> = {}

  beforeAll(async () => {
    wh = await createWarehouse()
    t = await createTestApp()
    conn = await wh.connect(t, 'governed')
    writer = (await makeKey(t, { scopes: ['query:run', 'semantic:read', 'semantic:write'], attributes: { region: ['West'] } })).key
    const list = async (what: string) => (await (await t.request('GET', `/api/v1/semantic/${what}?connection_id=${conn}&limit=100`)).json()).data as Array<{ id: string; name: string }>
    for (const d of await list('dimensions')) ids[`dim:${d.name}`] = d.id
    for (const m of await list('metrics')) ids[`metric:${m.name}`] = m.id
    for (const m of await list('models')) ids[`model:${m.name}`] = m.id
  }, 120_000)
  afterAll(async () => {
    await t?.close()
    await wh?.drop()
  })

  const expectRefused = async (res: Response, code = 'forbidden') => {
    const body = await res.json() as { error: { code: string } }
    expect(res.status, JSON.stringify(body)).toBe(403)
    expect(body.error.code).toBe(code)
  }

  it('refuses a where filter that reads a table through a subquery, and keeps the templated ones', async () => {
    for (const where of [
      '(SELECT sum(amount) FROM shop.sales) > 0',
      "{{ Dimension('store__region') }} = 'West' AND EXISTS (SELECT 1 FROM shop.stores s WHERE s.region = 'East')",
      "{{ Dimension('store__region') }} IN (TABLE shop.stores)",
      "{{ Dimension('store__region') }} = 'West' AND 1 IN (SeLeCt(1))",
      "{{ Dimension('store__region') }} = \"region\"",
    ]) {
      const res = await t.request('POST', '/api/v1/semantic/query', { key: writer, body: { connection_id: conn, metrics: ['revenue'], where: [where] } })
      await expectRefused(res as unknown as Response, 'access_denied')
    }
    const templated = await revenueAs(t, writer, conn, { where: ["{{ Dimension('store__region') }} <> 'West' OR 1 = 1", "lower({{ Dimension('store__region') }}) LIKE 'w%'"] })
    expect(templated.status).toBe(200)
    expect(templated.revenue).toBeCloseTo(revenueWhere(west), 2)
    // An admin's where is trusted as before.
    expect((await revenueAs(t, t.adminKey, conn, { where: ['(SELECT count(*) FROM shop.stores) > 0'] })).status).toBe(200)
  })

  it('refuses a new model over the governed table', async () => {
    const res = await t.request('POST', '/api/v1/semantic/models', { key: writer, body: {
      connection_id: conn, name: 'stores_copy', node_relation: { schema_name: 'shop', alias: 'stores' },
      entities: [{ name: 'store_copy', type: 'primary', expr: 'id' }], dimensions: [{ name: 'copy_region', type: 'categorical', expr: 'region' }], measures: [],
    } })
    await expectRefused(res as unknown as Response)
    const rows = await t.request('POST', '/api/v1/semantic/query', { key: writer, body: { connection_id: conn, metrics: [], group_by: ['store_copy__copy_region'] } })
    expect(rows.status).toBe(422)
  })

  it('denies a model planted over the governed table before the policies existed, until a policy names it', async () => {
    const planted = await wh.connect(t, 'planted')
    const put = (policies: unknown[]) => t.request('PUT', '/api/v1/semantic/access-policies', { body: { connection_id: planted, policies } })
    expect((await put([])).status).toBe(200)
    // While the layer has no policies the writer may add a model: a second door to the stores table.
    const created = await t.request('POST', '/api/v1/semantic/models', { key: writer, body: {
      connection_id: planted, name: 'stores_copy', node_relation: { schema_name: 'shop', alias: 'stores' },
      entities: [{ name: 'store_copy', type: 'primary', expr: 'id' }], dimensions: [{ name: 'copy_region', type: 'categorical', expr: 'region' }], measures: [],
    } })
    expect(created.status, await created.clone().text()).toBe(201)
    expect((await put(POLICIES)).status).toBe(200)
    const ask = (key: string) => t.request('POST', '/api/v1/semantic/query', { key, body: { connection_id: planted, metrics: [], group_by: ['store_copy__copy_region'] } })
    const res = await ask(writer)
    const body = await res.json() as { error?: { code: string; message: string }; rows?: unknown[] }
    expect(res.status, JSON.stringify(body)).toBe(403)
    expect(body.error!.code).toBe('access_denied')
    expect(body.error!.message).toContain('stores_copy')
    expect(JSON.stringify(body)).not.toMatch(/East|North/)
    // The admin (whom no policy here governs) still reads it, and a policy naming the model governs it like the original.
    expect((await ask(t.adminKey)).status).toBe(200)
    const copyPolicy = { name: 'regional_copy', model: 'stores_copy', applies_to: { roles: ['analyst', 'viewer'] }, row_filter: "{{ Dimension('store_copy__copy_region') }} IN {{ Attribute('region') }}", on_missing_attribute: 'no_rows' }
    expect((await put([...POLICIES, copyPolicy])).status).toBe(200)
    const governed = await (await ask(writer)).json() as { data: Array<Record<string, unknown>> }
    expect(governed.data.map((r) => Object.values(r)[0])).toEqual(['West'])
  })

  it('refuses to change, remove or re-read the values of what the policies read', async () => {
    await expectRefused(await t.request('PATCH', `/api/v1/semantic/dimensions/${ids['dim:region']}`, { key: writer, body: { expr: "'West'" } }) as unknown as Response)
    await expectRefused(await t.request('DELETE', `/api/v1/semantic/dimensions/${ids['dim:customer_email']}`, { key: writer }) as unknown as Response)
    await expectRefused(await t.request('POST', `/api/v1/semantic/dimensions/${ids['dim:customer_email']}/sample-values/refresh`, { key: writer }) as unknown as Response)
    await expectRefused(await t.request('POST', '/api/v1/semantic/dimensions', { key: writer, body: { connection_id: conn, semantic_model: 'stores', name: 'all_regions', type: 'categorical', expr: '(SELECT max(region) FROM shop.stores)' } }) as unknown as Response)
    await expectRefused(await t.request('PATCH', `/api/v1/semantic/models/${ids['model:stores']}`, { key: writer, body: { node_relation: { schema_name: 'shop', alias: 'sales' } } }) as unknown as Response)
    await expectRefused(await t.request('DELETE', `/api/v1/semantic/models/${ids['model:stores']}`, { key: writer }) as unknown as Response)
    await expectRefused(await t.request('POST', '/api/v1/semantic/metrics', { key: writer, body: { connection_id: conn, name: 'sneaky', type: 'simple', type_params: { measure: 'amount' }, filter: "{{ Dimension('store__region') }} IS NOT NULL" } }) as unknown as Response)
    await expectRefused(await t.request('PATCH', `/api/v1/semantic/metrics/${ids['metric:revenue']}`, { key: writer, body: { label: 'x' } }) as unknown as Response)
    await expectRefused(await t.request('DELETE', `/api/v1/semantic/metrics/${ids['metric:secret_margin']}`, { key: writer }) as unknown as Response)
    const renamed = LAYER('shop').replace('- { name: region, type: categorical }', "- { name: region, type: categorical, expr: \"'West'\" }")
    await expectRefused(await t.request('POST', '/api/v1/semantic/import', { key: writer, body: { connection_id: conn, check_relations: false, files: [{ path: 's.yml', content: renamed }] } }) as unknown as Response)
    // Nothing changed: the writer still reads only the West.
    expect((await revenueAs(t, writer, conn)).revenue).toBeCloseTo(revenueWhere(west), 2)
  })

  it('lets the same writer change a layer without policies, and an admin change the governed one', async () => {
    const open = await wh.connect(t, 'open')
    expect((await t.request('PUT', '/api/v1/semantic/access-policies', { body: { connection_id: open, policies: [] } })).status).toBe(200)
    const created = await t.request('POST', '/api/v1/semantic/metrics', { key: writer, body: { connection_id: open, name: 'revenue_too', type: 'simple', type_params: { measure: 'amount' } } })
    expect(created.status).toBe(201)
    const admin = await t.request('PATCH', `/api/v1/semantic/metrics/${ids['metric:revenue']}`, { body: { label: 'Revenue' } })
    expect(admin.status).toBe(200)
  })
})
