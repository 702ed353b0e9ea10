// Attack: read a table the guard did not check, by name resolution. The guard
// reads an unqualified name as the connection's default schema (public on
// PostgreSQL), but PostgreSQL's own search path starts with "$user": where the
// login has a schema of its own name, `orders` meant `<login>.orders`, a
// relation no allow list named. Statements now run with the search path set
// to the schema the guard assumed.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { SERVICES, serviceAvailable } from '../support/services'

const hasPg = await serviceAvailable('postgres')
const db = `nexatron_path_${randomBytes(4).toString('hex')}`
const LAYER = `
semantic_models:
  - name: orders
    node_relation: { schema_name: public, alias: orders }
    defaults: { agg_time_dimension: ordered_on }
    entities: [{ name: order, type: primary, expr: id }]
    dimensions:
      - { name: note, type: categorical }
      - { name: ordered_on, type: time, type_params: { time_granularity: day } }
    measures: [{ name: order_total, agg: sum, expr: amount }]
metrics:
  - { name: revenue, type: simple, type_params: { measure: order_total } }
`

describe.skipIf(!hasPg)('attack: an unqualified name resolved by the login\'s own schema', () => {
  let t: TestApp
  let admin: pg.Client
  let conn: string
  beforeAll(async () => {
    admin = new pg.Client({ host: SERVICES.postgres.host, port: SERVICES.postgres.port, user: 'postgres', database: 'postgres' })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${db}`)
    const setup = new pg.Client({ host: SERVICES.postgres.host, port: SERVICES.postgres.port, user: 'postgres', database: db })
    await setup.connect()
    // public.orders is the layer's; "postgres".orders (the login's own schema, first on its search path) is not
    await setup.query(`CREATE TABLE public.orders (id int PRIMARY KEY, note text NOT NULL, amount int NOT NULL, ordered_on date NOT NULL DEFAULT '2026-01-01');
      INSERT INTO public.orders VALUES (1, 'public', 10), (2, 'public', 20);
      CREATE SCHEMA postgres; CREATE TABLE postgres.orders (id int PRIMARY KEY, note text NOT NULL, amount int NOT NULL, ordered_on date NOT NULL DEFAULT '2026-01-01');
      INSERT INTO postgres.orders VALUES (1, 'shadow', 1000)`)
    await setup.end()
    t = await createTestApp()
    const created = await t.request('POST', '/api/v1/connections', { body: {
      name: 'path', type: 'postgres', config: { host: SERVICES.postgres.host, port: SERVICES.postgres.port, database: db, user: 'postgres', ssl: 'disable' },
      options: { allow_elevated_login: true, cache_ttl_s: 0 },
    } })
    expect(created.status).toBe(201)
    conn = (await created.json()).id
    const imported = await t.request('POST', '/api/v1/semantic/import', { body: { connection_id: conn, files: [{ path: 's.yml', content: LAYER }], refresh_sample_values: false } })
    expect(imported.status, await imported.clone().text()).toBe(200)
  }, 60_000)
  afterAll(async () => {
    await t?.close()
    await admin?.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`)
    await admin?.end()
  })

  it('reads the allowed public.orders where a filter names orders unqualified', async () => {
    const res = await t.request('POST', '/api/v1/semantic/query', { body: {
      connection_id: conn, metrics: ['revenue'], where: ["{{ Dimension('order__note') }} IN (SELECT note FROM orders)"],
    } })
    const body = await res.json()
    expect(res.status, JSON.stringify(body)).toBe(200)
    expect(Number(body.data[0].revenue)).toBe(30)
    expect(JSON.stringify(body)).not.toContain('1000')
  })
})
