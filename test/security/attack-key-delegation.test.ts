// Attack: a restricted API key that may manage keys mints a key without the
// restriction. A partner's BI key (attributes {audience: partner, partner_id: 1},
// scopes incl. keys:manage so the partner can rotate its own keys) creates a
// new key and leaves `attributes` out. The promise: a delegated credential
// never exceeds the one that made it, and attributes (which decide which rows
// policies let through) are set by admins only. A key made by a key takes that
// key's attributes, so the child is held to the same rows, masks and hidden
// members as its parent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { serviceAvailable } from '../support/services'
import { createWarehouse, makeKey, revenueAs, revenueWhere, type Warehouse } from './attack-warehouse'

const hasPg = await serviceAvailable('postgres')

describe.skipIf(!hasPg)('attack: a key that manages keys mints one without its attributes', () => {
  let t: TestApp
  let wh: Warehouse
  let conn: string
  const PARTNER = { audience: 'partner', partner_id: 1, region: ['West', 'East', 'North'] }

  beforeAll(async () => {
    wh = await createWarehouse()
    t = await createTestApp()
    conn = await wh.connect(t, 'governed')
  }, 120_000)
  afterAll(async () => {
    await t?.close()
    await wh?.drop()
  })

  it("gives a key made by a restricted key that key's attributes, so it reads no more rows than its maker", async () => {
    const parent = await makeKey(t, { scopes: ['keys:manage', 'query:run', 'query:read'], attributes: PARTNER })
    expect(parent.status).toBe(201)
    const mine = await revenueAs(t, parent.key, conn)
    expect(mine.status).toBe(200)
    expect(mine.revenue).toBeCloseTo(revenueWhere((s) => s.partner === 1), 2)

    const child = await makeKey(t, { scopes: ['query:run', 'query:read'] }, parent.key)
    expect(child.status).toBe(201)
    expect(child.attributes).toEqual(PARTNER)
    const me = await (await t.request('GET', '/api/v1/auth/me', { key: child.key })).json()
    expect(me.attributes).toEqual(PARTNER)
    const theirs = await revenueAs(t, child.key, conn)
    expect(theirs.status).toBe(200)
    expect(theirs.revenue).toBeCloseTo(mine.revenue, 2)
    expect(theirs.revenue).toBeLessThan(revenueWhere())
  })

  it('keeps the hidden metric and the mask on the child key', async () => {
    const parent = await makeKey(t, { scopes: ['keys:manage', 'query:run'], attributes: PARTNER })
    const child = await makeKey(t, { scopes: ['query:run'] }, parent.key)
    const hidden = await revenueAs(t, child.key, conn, { metrics: ['secret_margin'] })
    expect(hidden.status).toBe(422)
    const emails = await revenueAs(t, child.key, conn, { group_by: ['sale__customer_email'] })
    expect(emails.status).toBe(200)
    for (const row of emails.body.data) expect(row.sale__customer_email).toMatch(/^[0-9a-f]{64}$/)
  })

  it('still lets an admin key mint a key with the attributes it names, or none', async () => {
    const open = await makeKey(t, { scopes: ['query:run'] })
    expect(open.status).toBe(201)
    expect(open.attributes).toEqual({})
    const named = await makeKey(t, { scopes: ['query:run'], attributes: { region: ['West'] } })
    expect(named.attributes).toEqual({ region: ['West'] })
    expect((await revenueAs(t, named.key, conn)).revenue).toBeCloseTo(revenueWhere((s) => s.region === 'West'), 2)
  })

  it('refuses a restricted key that names other attributes for its child (admins only)', async () => {
    const parent = await makeKey(t, { scopes: ['keys:manage', 'query:run'], attributes: PARTNER })
    const res = await t.request('POST', '/api/v1/api-keys', { key: parent.key, body: { name: 'x', scopes: ['query:run'], attributes: { audience: 'internal' } } })
    expect(res.status).toBe(403)
    expect((await res.json()).error.code).toBe('forbidden')
  })
})
