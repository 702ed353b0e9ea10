// Attack: forged clarification candidates. A candidate id (`int_` + base64url
// JSON of a plan) carries its plan, so anybody can write one: naming a metric
// their policy hides, filtering on the clear text of a masked column (an
// oracle that would tell which emails exist), smuggling trusted `where` SQL,
// SQL in a filter's field, or riding another principal's conversation. The
// promise: an interpretation runs exactly like POST /semantic/query for the
// caller, under the caller's policies, on the caller's own conversations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { serviceAvailable } from '../support/services'
import { createWarehouse, makeKey, revenueWhere, SALES, type Warehouse } from './attack-warehouse'

const hasPg = await serviceAvailable('postgres')
const forge = (plan: unknown) => `int_${Buffer.from(JSON.stringify(plan), 'utf8').toString('base64url')}`

describe.skipIf(!hasPg)('attack: forged interpretations of an ambiguous question', () => {
  let t: TestApp
  let wh: Warehouse
  let conn: string
  let partner: string
  let west: string

  const run = (key: string, interpretation: string, extra: Record<string, unknown> = {}) =>
    t.request('POST', '/api/v1/query', { key, body: { question: 'sales', connection_id: conn, interpretation, ...extra } })

  beforeAll(async () => {
    wh = await createWarehouse()
    t = await createTestApp()
    conn = await wh.connect(t, 'governed')
    partner = (await makeKey(t, { scopes: ['query:run', 'query:read'], attributes: { audience: 'partner', partner_id: 1, region: ['West', 'East', 'North'] } })).key
    west = (await makeKey(t, { scopes: ['query:run', 'query:read'], attributes: { region: ['West'] } })).key
  }, 120_000)
  afterAll(async () => {
    await t?.close()
    await wh?.drop()
  })

  it('runs an interpretation under the caller\'s row policy', async () => {
    const res = await run(west, forge({ metrics: ['revenue'] }))
    expect(res.status).toBe(200)
    expect(Number((await res.json()).data[0].revenue)).toBeCloseTo(revenueWhere((s) => s.region === 'West'), 2)
  })

  it('refuses an interpretation naming a metric the caller\'s policy hides, and returns none of its values', async () => {
    const res = await run(partner, forge({ metrics: ['secret_margin'] }))
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.status).toBeLessThan(500)
    const text = await res.text()
    expect(text).toMatch(/"error"/)
    expect(text).not.toMatch(/"data"/)
  })

  it('gives no oracle on a masked column: a filter on its clear text matches nothing, in every operator', async () => {
    const email = SALES[0].email
    for (const filter of [
      { field: 'sale__customer_email', op: '=', value: email },
      { field: 'sale__customer_email', op: 'in', value: [email] },
      { field: 'sale__customer_email', op: 'like', value: 'buyer%' },
    ]) {
      const res = await run(partner, forge({ metrics: ['revenue'], filters: [filter] }))
      expect(res.status, JSON.stringify(filter)).toBe(200)
      const revenue = Number((await res.json()).data[0]?.revenue ?? 0)
      expect(revenue, JSON.stringify(filter)).toBe(0)
    }
    // Ordered or grouped, the column reads as its hash.
    const grouped = await run(partner, forge({ metrics: ['revenue'], group_by: ['sale__customer_email'], order_by: ['sale__customer_email'] }))
    expect(grouped.status).toBe(200)
    for (const row of (await grouped.json()).data) expect(row.sale__customer_email).toMatch(/^[0-9a-f]{64}$/)
  })

  it('refuses trusted where SQL, saved queries and SQL in a filter field inside a forged id', async () => {
    const where = await run(west, forge({ metrics: ['revenue'], where: ["{{ Dimension('store__region') }} IS NOT NULL OR 1=1"] }))
    expect(where.status).toBe(400)
    expect((await where.json()).error.details[0]).toMatchObject({ path: 'interpretation', issue: 'invalid' })
    expect((await run(west, forge({ metrics: ['revenue'], saved_query: 'x' }))).status).toBe(400)
    const field = await run(west, forge({ metrics: ['revenue'], filters: [{ field: "store__region) OR (1=1", op: 'is_not_null' }] }))
    expect(field.status).toBeGreaterThanOrEqual(400)
    expect(field.status).toBeLessThan(500)
  })

  it("refuses to continue another principal's conversation with an interpretation (404), and changes nothing there", async () => {
    const first = await run(partner, forge({ metrics: ['revenue'] }))
    expect(first.status).toBe(200)
    const conversation = (await first.json()).conversation_id as string
    expect(conversation).toMatch(/^conv_/)
    const res = await run(west, forge({ metrics: ['revenue'] }), { conversation_id: conversation })
    expect(res.status).toBe(404)
    expect((await res.json()).error.code).toBe('not_found')
    const other = await t.newTenant('attack-other')
    const cross = await t.request('POST', '/api/v1/query', { key: other.adminKey, body: { question: 'sales', interpretation: forge({ metrics: ['revenue'] }), conversation_id: conversation } })
    expect(cross.status).toBe(404)
  })
})
