// Attack: stop, hide or probe query runs through POST /query/{id}/cancel and
// DELETE /query/{id}. Another principal of the tenant (or another tenant)
// must not stop a run, nor tell a real id from an unknown one. And the
// owner of a leaked key must not make a run it started on one instance
// outlive revocation by deleting its record through another instance: the
// record is what revocation and the cancel flags find a run by, so a run
// whose record was deleted elsewhere has to stop as well.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { randomBytes } from 'node:crypto'
import { createTestApp, type TestApp } from '../support/test-app'
import { serviceAvailable, SERVICES } from '../support/services'
import { openStore, type Store } from '../../src/store/db'
import { loadConfig } from '../../src/config'
import { buildServices } from '../../src/container'
import { createApp } from '../../src/app'
import { createLogger } from '../../src/logger'
import { makeKey } from './attack-warehouse'

const hasPg = await serviceAvailable('postgres')
const DB = `nexatron_attack3_${randomBytes(4).toString('hex')}`
const ENV = { NEXATRON_CANCEL_WATCH_MS: '200' }

// A model over a view that sleeps 5 ms a row: a run lasts ~15 s unless stopped.
const LAYER = `
semantic_models:
  - name: slow_sales
    node_relation: { schema_name: shop, alias: slow_sales }
    defaults: { agg_time_dimension: sold_on }
    entities: [{ name: sale, type: primary, expr: id }]
    dimensions: [{ name: sold_on, type: time, type_params: { time_granularity: day } }]
    measures: [{ name: amount, agg: sum }]
metrics:
  - { name: slow_revenue, type: simple, type_params: { measure: amount } }
`

describe('attack: cancelling or deleting the runs of others', () => {
  let t: TestApp
  beforeAll(async () => { t = await createTestApp() }, 60_000)
  afterAll(async () => { await t?.close() })

  it("answers another principal's queued job exactly like an unknown id, and leaves it queued", async () => {
    const owner = await makeKey(t, { scopes: ['query:run', 'query:read'] })
    const other = await makeKey(t, { scopes: ['query:run', 'query:read'] })
    const conn = await (await t.request('POST', '/api/v1/connections', { body: { name: `c${randomBytes(3).toString('hex')}`, type: 'postgres', config: { host: '127.0.0.1', database: 'x', user: 'y' } } })).json()
    const queued = await t.request('POST', '/api/v1/query', { key: owner.key, body: { question: 'revenue', connection_id: conn.id, async: true } })
    expect(queued.status).toBe(202)
    const { id } = await queued.json()
    const unknown = `qry_${randomBytes(8).toString('hex')}`
    const otherTenant = await t.newTenant(`t${randomBytes(3).toString('hex')}`)
    for (const key of [other.key, otherTenant.adminKey]) {
      for (const [method, path] of [['POST', `/api/v1/query/${id}/cancel`], ['DELETE', `/api/v1/query/${id}`], ['GET', `/api/v1/query/${id}`]] as const) {
        const real = await t.request(method, path, { key })
        const fake = await t.request(method, path.replace(id, unknown), { key })
        expect(real.status, `${method} ${path}`).toBe(404)
        expect(fake.status).toBe(404)
        // same body but for the id itself: nothing tells an existing run from none
        expect((await real.text()).replaceAll(id, 'ID').replace(/"request_id":"[^"]*"/, '')).toBe((await fake.text()).replaceAll(unknown, 'ID').replace(/"request_id":"[^"]*"/, ''))
      }
    }
    const still = await (await t.request('GET', `/api/v1/query/${id}`, { key: owner.key })).json()
    expect(still.status).toBe('queued')
  })
})

describe.skipIf(!hasPg)('attack: deleting a running query through another instance', () => {
  let store: Store
  let a: TestApp
  let b: Awaited<ReturnType<typeof buildServices>>
  let bApp: ReturnType<typeof createApp>
  let admin: pg.Client
  let conn: string

  const activeSlow = async () =>
    (await admin.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND query ILIKE '%slow_sales%' AND pid <> pg_backend_pid()`, [DB])).rows
  const waitFor = async (cond: () => Promise<boolean>, ms: number) => {
    const deadline = Date.now() + ms
    while (!(await cond()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    return cond()
  }

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: SERVICES.postgres.url })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${DB}`)
    const setup = new pg.Client({ host: SERVICES.postgres.host, port: SERVICES.postgres.port, user: 'postgres', database: DB })
    await setup.connect()
    await setup.query(`CREATE SCHEMA shop;
      CREATE TABLE shop.sales (id int PRIMARY KEY, sold_on date NOT NULL, amount numeric(12,2) NOT NULL);
      INSERT INTO shop.sales SELECT g, date '2026-01-01' + (g % 300), g % 97 FROM generate_series(1, 3000) g;
      CREATE VIEW shop.slow_sales AS SELECT s.* FROM shop.sales s WHERE pg_sleep(0.005) IS NOT NULL;`)
    await setup.end()
    // Two instances over one store: A takes the requests of the attacker's choice, B runs the query.
    store = await openStore({ dataDir: 'memory://' })
    a = await createTestApp(ENV, { store })
    b = await buildServices(loadConfig({ NEXATRON_DEMO: 'false', LOG_LEVEL: 'silent', ...ENV }), { store, inMemory: true, logger: createLogger('silent') })
    bApp = createApp(b)
    const created = await a.request('POST', '/api/v1/connections', { body: {
      name: 'slow', type: 'postgres', config: { host: SERVICES.postgres.host, port: SERVICES.postgres.port, database: DB, user: 'postgres', ssl: 'disable' },
      options: { allow_elevated_login: true, cache_ttl_s: 0, timeout_ms: 60_000 },
    } })
    expect(created.status).toBe(201)
    conn = (await created.json()).id
    const imported = await a.request('POST', '/api/v1/semantic/import', { body: { connection_id: conn, files: [{ path: 's.yml', content: LAYER }] } })
    expect(imported.status, await imported.clone().text()).toBe(200)
  }, 120_000)
  afterAll(async () => {
    await b?.dispose()
    await a?.close()
    await store?.close()
    await admin?.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`)
    await admin?.end()
  })

  it('stops the run (in the database too) once its record is deleted elsewhere, so it cannot outlive revocation', async () => {
    const leaked = await makeKey(a, { scopes: ['query:run', 'query:read'] })
    const pending = Promise.resolve(bApp.request('/api/v1/semantic/query', {
      method: 'POST', headers: { authorization: `Bearer ${leaked.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ connection_id: conn, metrics: ['slow_revenue'] }),
    })).then((r) => r.text())
    expect(await waitFor(async () => (await activeSlow()).length > 0, 10_000)).toBe(true)
    const hist = await (await a.request('GET', '/api/v1/query/history?status=running', { key: leaked.key })).json()
    const id = hist.data[0].id as string
    expect((await a.request('DELETE', `/api/v1/query/${id}`, { key: leaked.key })).status).toBe(204)
    expect((await a.request('DELETE', `/api/v1/api-keys/${leaked.id}`)).status).toBe(204)
    // The query would run ~15 s more; the revoked key's run must end within a few cancel-watch rounds.
    expect(await waitFor(async () => (await activeSlow()).length === 0, 4_000)).toBe(true)
    const body = await pending
    expect(body).toMatch(/query_cancelled/)
    expect(body).not.toMatch(/"slow_revenue":\s*\d/)
  }, 60_000)
})
