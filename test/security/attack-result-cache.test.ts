// Attack: make the result cache serve rows the caller's policy no longer (or
// never) allowed. An entry is warmed while the caller may read more, then the
// admin narrows what the caller sees: the key's own attributes, the attributes
// of the caller's group, the caller's membership, or the policies themselves.
// Also: another tenant asking the identical question of the same database,
// and raw SQL cached before the layer got its first policy. The promise: every
// version an answer depends on is in the entry's key, so each of these is a
// miss that reads the database under the policy as it is now.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { serviceAvailable } from '../support/services'
import { createOfflinePlanner } from '../../src/planner/offline/offline-planner'
import type { Planner } from '../../src/planner/planner'
import { createWarehouse, makeKey, POLICIES, revenueAs, revenueWhere, type Warehouse } from './attack-warehouse'

const hasPg = await serviceAvailable('postgres')
const PASSWORD = 'a long enough password'

// Questions starting "sql:" are raw SQL plans (as the LLM planner writes them); the rest go to the offline planner.
const offline = createOfflinePlanner()
const planner: Planner = {
  plan: (question, catalog, turns, opts, signal) => question.startsWith('sql:')
    ? Promise.resolve({ kind: 'sql', sql: question.slice(4).trim(), confidence: 1, reasons: ['test'], planner: 'llm' })
    : offline.plan(question, catalog, turns, opts, signal),
}
const inRegion = (r: string) => revenueWhere((s) => s.region === r)

describe.skipIf(!hasPg)('attack: stale or foreign result cache entries', () => {
  let t: TestApp
  let wh: Warehouse
  let conn: string

  const cached = async (key: string, c = conn) => {
    const r = await revenueAs(t, key, c)
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    return { cache: r.body.cache as string, revenue: r.revenue }
  }

  beforeAll(async () => {
    wh = await createWarehouse()
    t = await createTestApp({}, { planner })
    conn = await wh.connect(t, 'governed')
  }, 120_000)
  afterAll(async () => {
    await t?.close()
    await wh?.drop()
  })

  it("reads the database again when an admin narrows a key's attributes", async () => {
    const k = await makeKey(t, { scopes: ['query:run'], attributes: { region: ['West', 'East'] } })
    expect(await cached(k.key)).toEqual({ cache: 'miss', revenue: inRegion('West') + inRegion('East') })
    expect((await cached(k.key)).cache).toBe('hit')
    expect((await t.request('PATCH', `/api/v1/api-keys/${k.id}`, { body: { attributes: { region: ['West'] } } })).status).toBe(200)
    expect(await cached(k.key)).toEqual({ cache: 'miss', revenue: inRegion('West') })
  })

  it("reads the database again when the caller's group loses a value, and when the caller leaves the group", async () => {
    const email = `cache-attack-${Date.now().toString(36)}@example.com`
    const user = await (await t.request('POST', '/api/v1/users', { body: { email, password: PASSWORD, role: 'analyst' } })).json()
    const group = await (await t.request('POST', '/api/v1/groups', { body: { display_name: `Sales ${Date.now().toString(36)}`, members: [user.id], attributes: { region: ['West', 'North'] } } })).json()
    const token = (await (await t.request('POST', '/api/v1/auth/login', { key: null, body: { email, password: PASSWORD } })).json()).access_token as string
    expect(await cached(token)).toEqual({ cache: 'miss', revenue: inRegion('West') + inRegion('North') })
    expect((await cached(token)).cache).toBe('hit')
    expect((await t.request('PATCH', `/api/v1/groups/${group.id}`, { body: { attributes: { region: ['North'] } } })).status).toBe(200)
    expect(await cached(token)).toEqual({ cache: 'miss', revenue: inRegion('North') })
    expect((await t.request('PATCH', `/api/v1/groups/${group.id}/members`, { body: { remove: [user.id] } })).status).toBe(200)
    // No region left: the regional policy reads no rows (on_missing_attribute: no_rows).
    expect((await cached(token)).revenue).toBe(0)
  })

  it('reads the database again after the policies are replaced', async () => {
    const k = await makeKey(t, { scopes: ['query:run'], attributes: { region: ['East'] } })
    expect(await cached(k.key)).toMatchObject({ revenue: inRegion('East') })
    expect((await cached(k.key)).cache).toBe('hit')
    const narrower = [{ ...POLICIES[0], row_filter: `${POLICIES[0].row_filter} AND {{ Dimension('store__partner_id') }} = 2` }, ...POLICIES.slice(1)]
    expect((await t.request('PUT', '/api/v1/semantic/access-policies', { body: { connection_id: conn, policies: narrower } })).status).toBe(200)
    try {
      expect(await cached(k.key)).toEqual({ cache: 'miss', revenue: revenueWhere((s) => s.region === 'East' && s.partner === 2) })
    } finally {
      expect((await t.request('PUT', '/api/v1/semantic/access-policies', { body: { connection_id: conn, policies: POLICIES } })).status).toBe(200)
    }
  })

  it("never serves one tenant's entry to another asking the same of the same database", async () => {
    const other = await t.newTenant('cache-attack-other')
    const theirs = await wh.connect({ ...t, adminKey: other.adminKey, request: (m, p, o = {}) => t.request(m, p, { ...o, key: o.key === undefined ? other.adminKey : o.key }) }, 'governed')
    const ours = await wh.connect(t, 'twin')
    // The admins read every row (no policy names the admin role): identical SQL, parameters and row cap on both sides.
    expect((await cached(t.adminKey, ours)).cache).toBe('miss')
    expect((await cached(t.adminKey, ours)).cache).toBe('hit')
    expect((await cached(other.adminKey, theirs)).cache).toBe('miss')
  })

  it('refuses raw SQL cached before the layer had a policy, once it has one', async () => {
    const open = await wh.connect(t, 'open', { allow_raw_sql: true, cache_ttl_s: 600 })
    expect((await t.request('PUT', '/api/v1/semantic/access-policies', { body: { connection_id: open, policies: [] } })).status).toBe(200)
    const analyst = (await makeKey(t, { scopes: ['query:run'] })).key
    const ask = () => t.request('POST', '/api/v1/query', { key: analyst, body: { question: 'sql: SELECT sum(amount) AS revenue FROM shop.sales', connection_id: open } })
    const first = await ask()
    expect(first.status).toBe(200)
    expect((await first.json()).cache).toBe('miss')
    expect((await (await ask()).json()).cache).toBe('hit')
    expect((await t.request('PUT', '/api/v1/semantic/access-policies', { body: { connection_id: open, policies: POLICIES } })).status).toBe(200)
    const refused = await ask()
    expect(refused.status).toBe(403)
    expect((await refused.json()).error.code).toBe('access_denied')
  })
})
