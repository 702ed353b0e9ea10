// Attack: keep reading what an admin has just taken away. The governed key
// warms the result cache (connection option cache_ttl_s) on every answer path
// (a question as JSON, as CSV and as a stream, and POST /semantic/query); then
// the admin narrows the row filter, hides the metric, or masks a column. The
// layer and its policies are cached in memory by the connection's
// layer_version (migrations/0007_layer_version.sql): the promise is that the
// very next request on every path sees only what the new policy allows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { serviceAvailable } from '../support/services'
import { createWarehouse, makeKey, POLICIES, revenueWhere, type Warehouse } from './attack-warehouse'

const hasPg = await serviceAvailable('postgres')

type Path = 'json' | 'csv' | 'stream' | 'semantic'
const PATHS: Path[] = ['json', 'csv', 'stream', 'semantic']

/** Status, revenue (null when no rows) and cache status of one answer on `path`. */
async function ask(t: TestApp, key: string, conn: string, path: Path): Promise<{ status: number; revenue: number | null; cache: string | null; text: string }> {
  const res = path === 'semantic'
    ? await t.request('POST', '/api/v1/semantic/query', { key, body: { connection_id: conn, metrics: ['revenue'] } })
    : await t.request('POST', path === 'stream' ? '/api/v1/query/stream' : '/api/v1/query', { key, body: { connection_id: conn, question: 'revenue', ...(path === 'csv' && { format: 'csv' }) } })
  const text = await res.text()
  const cache = res.headers.get('x-nexatron-cache')
  if (res.status !== 200) return { status: res.status, revenue: null, cache, text }
  let revenue: number | null = null
  if (path === 'csv') {
    const lines = text.trim().split(/\r\n/)
    if (lines.length > 1) revenue = Number(lines[1])
  } else if (path === 'stream') {
    for (const block of text.split(/\n\n/)) {
      if (!/^event: rows$/m.test(block)) continue
      const data = JSON.parse(block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n'))
      const row = (data.rows ?? data)[0]
      revenue = Number(Array.isArray(row) ? row[0] : row.revenue)
    }
  } else {
    const body = JSON.parse(text)
    if (body.status === 'failed') return { status: 500, revenue: null, cache, text }
    revenue = body.data?.[0] ? Number(body.data[0].revenue) : null
  }
  return { status: res.status, revenue, cache, text }
}

describe.skipIf(!hasPg)('attack: answers right after an admin narrows a policy (result cache on)', () => {
  let t: TestApp
  let wh: Warehouse
  let conn: string
  let key: string
  const eastWest = revenueWhere((s) => s.region === 'West' || s.region === 'East')

  const put = async (policies: unknown[]) => {
    const res = await t.request('PUT', '/api/v1/semantic/access-policies', { body: { connection_id: conn, policies } })
    expect(res.status, await res.clone().text()).toBe(200)
  }

  beforeAll(async () => {
    wh = await createWarehouse()
    t = await createTestApp()
    conn = await wh.connect(t, 'governed', { cache_ttl_s: 600 })
    key = (await makeKey(t, { scopes: ['query:run', 'query:read'], attributes: { region: ['West', 'East'] } })).key
  }, 120_000)
  afterAll(async () => {
    await t?.close()
    await wh?.drop()
  })

  it('serves the narrower rows at once on every path, never the cached wider answer', async () => {
    for (const path of PATHS) {
      const first = await ask(t, key, conn, path)
      expect(first.status, `${path}: ${first.text}`).toBe(200)
      expect(first.revenue, path).toBeCloseTo(eastWest, 2)
      expect((await ask(t, key, conn, path)).cache, path).toBe('hit')
    }
    await put([{ ...POLICIES[0], row_filter: `${POLICIES[0].row_filter} AND {{ Dimension('store__partner_id') }} = 2` }, ...POLICIES.slice(1)])
    const narrowed = revenueWhere((s) => (s.region === 'West' || s.region === 'East') && s.partner === 2)
    for (const path of PATHS) {
      const next = await ask(t, key, conn, path)
      expect(next.status, `${path}: ${next.text}`).toBe(200)
      expect(next.revenue, path).toBeCloseTo(narrowed, 2)
      // the first path reads the database under the new policy; the others may share its fresh entry (same SQL)
      if (path === 'json') expect(next.cache).toBe('miss')
    }
    await put(POLICIES)
  })

  it('refuses a metric hidden a moment ago on every path, cached answer or not', async () => {
    for (const path of PATHS) expect((await ask(t, key, conn, path)).status, path).toBe(200)
    await put([...POLICIES, { name: 'no_revenue', model: 'sales', applies_to: { roles: ['analyst'] }, member_access: { hide: ['revenue'] } }])
    try {
      for (const path of PATHS) {
        const next = await ask(t, key, conn, path)
        expect(next.status, `${path}: ${next.text}`).toBeGreaterThanOrEqual(400)
        expect(next.status, path).toBeLessThan(500)
        expect(next.revenue, path).toBeNull()
      }
    } finally {
      await put(POLICIES)
    }
  })

  it('masks a column at the next request once a mask is added, grouped or filtered', async () => {
    const grouped = async () => {
      const res = await t.request('POST', '/api/v1/semantic/query', { key, body: { connection_id: conn, metrics: ['revenue'], group_by: ['sale__customer_email'] } })
      expect(res.status).toBe(200)
      return (await res.json()).data.map((r: { sale__customer_email: string }) => r.sale__customer_email) as string[]
    }
    expect((await grouped()).some((e) => e.endsWith('@example.com'))).toBe(true)
    await grouped()
    await put([...POLICIES, { name: 'mask_all', model: 'sales', applies_to: { roles: ['analyst'] }, mask: [{ dimension: 'customer_email', method: 'hash' }] }])
    try {
      const after = await grouped()
      expect(after.length).toBeGreaterThan(0)
      for (const e of after) expect(e).toMatch(/^[0-9a-f]{64}$/)
    } finally {
      await put(POLICIES)
    }
  })
})
