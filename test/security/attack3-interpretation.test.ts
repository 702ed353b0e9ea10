// Attack: the client-chosen plan of a clarification round trip, through the
// parts of a plan attack-interpretation.test.ts does not forge: ad-hoc offset
// metrics (`offset_metrics`, which POST /semantic/query does not even take)
// naming a hidden metric, a `compare` window carrying SQL, a hidden metric
// named in a filter or ordering, and a raw SQL `plan` sent beside the question.
// All must be refused before anything runs, with none of the hidden values,
// whether forged into a candidate id or sent as the plan itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { serviceAvailable } from '../support/services'
import { createWarehouse, makeKey, type Warehouse } from './attack-warehouse'

const hasPg = await serviceAvailable('postgres')
const forge = (plan: unknown) => `int_${Buffer.from(JSON.stringify(plan), 'utf8').toString('base64url')}`

describe.skipIf(!hasPg)('attack: hidden members and SQL in the less used parts of a chosen plan', () => {
  let t: TestApp
  let wh: Warehouse
  let conn: string
  let partner: string

  beforeAll(async () => {
    wh = await createWarehouse()
    t = await createTestApp()
    conn = await wh.connect(t, 'governed')
    partner = (await makeKey(t, { scopes: ['query:run', 'query:read'], attributes: { audience: 'partner', partner_id: 1, region: ['West', 'East', 'North'] } })).key
  }, 120_000)
  afterAll(async () => {
    await t?.close()
    await wh?.drop()
  })

  it.each([
    ['an offset metric over a hidden metric', { metrics: ['revenue', 'x'], group_by: ['metric_time__day'], offset_metrics: [{ name: 'secret_margin', alias: 'x', offset_window: '1 day' }] }],
    ['SQL in an offset window', { metrics: ['revenue', 'x'], group_by: ['metric_time__day'], offset_metrics: [{ name: 'revenue', alias: 'x', offset_window: "1 day' + interval '1" }] }],
    ['SQL in a compare window', { metrics: ['revenue'], compare: { offset_window: "1 day') OR (1=1" }, time_constraint: { start: '2026-01-01', end: '2026-01-31' } }],
    ['a hidden metric as a filter', { metrics: ['revenue'], filters: [{ field: 'secret_margin', op: '>', value: 0 }] }],
    ['a hidden metric in the ordering', { metrics: ['revenue'], group_by: ['store__region'], order_by: ['-secret_margin'] }],
  ])('refuses %s', async (_label, plan) => {
    // forged as a candidate id, and sent as the plan itself (POST /query takes both)
    for (const chosen of [{ interpretation: forge(plan) }, { plan }]) {
      for (const path of ['/api/v1/query', '/api/v1/query/stream']) {
        const res = await t.request('POST', path, { key: partner, body: { question: 'sales', connection_id: conn, ...chosen } })
        expect(res.status, path).toBeGreaterThanOrEqual(400)
        expect(res.status, path).toBeLessThan(500)
        const text = await res.text()
        expect(text, path).not.toMatch(/"data"|event: rows/)
      }
    }
  })

  it('refuses a raw SQL plan sent beside the question', async () => {
    const res = await t.request('POST', '/api/v1/query', { key: partner, body: { question: 'sales', connection_id: conn, plan: { kind: 'sql', sql: 'SELECT * FROM shop.sales' } } })
    expect(res.status).toBe(400)
    expect((await res.json()).error.details[0]).toMatchObject({ path: 'plan' })
  })
})
