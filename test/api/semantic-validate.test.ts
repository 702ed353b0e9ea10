// POST /semantic/validate probes the layer in the live database: a time
// dimension on a text column, duplicate keys behind a primary entity and
// orphan foreign keys are reported (errors make `valid: false`, orphans are a
// warning). Real PostgreSQL, MariaDB and ClickHouse, throwaway databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import mysql from 'mysql2/promise'
import { createTestApp, type TestApp } from '../support/test-app'
import { createClient } from '@clickhouse/client'
import { SERVICES, serviceAvailable } from '../support/services'

const hasPg = await serviceAvailable('postgres')
const hasMaria = await serviceAvailable('mariadb')
const hasClickhouse = await serviceAvailable('clickhouse')

const layer = (startedType = 'started_at') => `
semantic_models:
  - name: customers
    model: ref('customers')
    entities: [{ name: customer, type: primary, expr: id }]
    dimensions: [{ name: region, type: categorical }]
  - name: subscriptions
    model: ref('subscriptions')
    defaults: { agg_time_dimension: ${startedType} }
    entities:
      - { name: subscription, type: primary, expr: id }
      - { name: customer, type: foreign, expr: customer_id }
    dimensions:
      - { name: started_at, type: time, type_params: { time_granularity: day } }
      - { name: started_text, type: time, type_params: { time_granularity: day } }
    measures:
      - { name: mrr, agg: sum, expr: amount }
metrics:
  - { name: mrr, type: simple, type_params: { measure: mrr } }
`

const TABLES = (text: string) => `
  CREATE TABLE customers (id int, region varchar(20));
  INSERT INTO customers VALUES (1, 'eu'), (2, 'us');
  CREATE TABLE subscriptions (id int, customer_id int, started_at date, started_text ${text}, amount decimal(10,2));
  INSERT INTO subscriptions VALUES (1, 1, '2026-01-01', '2026-01-01', 10), (2, 2, '2026-01-02', '2026-01-02', 20), (3, 9, '2026-01-03', '2026-01-03', 5);`

function checks(t: () => TestApp, conn: () => string, dup: (sql: string) => Promise<void>) {
  it('passes a clean layer, reports orphan foreign keys as a warning and a text time dimension as an error', async () => {
    const imp = await t().request('POST', '/api/v1/semantic/import', { body: { connection_id: conn(), mode: 'replace', files: [{ path: 'm.yml', content: layer() }], refresh_sample_values: false } })
    const ib = await imp.json()
    expect(imp.status, JSON.stringify(ib)).toBe(200)
    const res = await t().request('POST', '/api/v1/semantic/validate', { body: { connection_id: conn() } })
    const body = await res.json()
    expect(res.status).toBe(200)
    expect(body.valid, JSON.stringify(body)).toBe(false)
    expect(body.checked.probes).toBeGreaterThan(5)
    expect(body.problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ severity: 'error', issue: 'time_dimension_not_temporal', object: 'subscriptions.started_text' }),
      expect.objectContaining({ severity: 'warning', issue: 'orphan_foreign_keys', message: expect.stringMatching(/^1 of 3 foreign keys/) }),
    ]))
    expect(body.problems.filter((p: { severity: string }) => p.severity === 'error')).toHaveLength(1)
  })

  it('catches duplicate keys behind a primary entity, with the duplicate count', async () => {
    await dup('INSERT INTO customers VALUES (1, \'eu\'), (2, \'us\')')
    const res = await t().request('POST', '/api/v1/semantic/validate', { body: { connection_id: conn() } })
    const body = await res.json()
    expect(body.valid).toBe(false)
    expect(body.problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ severity: 'error', issue: 'duplicate_keys', object: 'customers.customer', message: expect.stringContaining('2 duplicate key value(s)') }),
    ]))
  })

  it('reports a relation dropped after the import as an error of its model', async () => {
    await dup('DROP TABLE customers')
    const res = await t().request('POST', '/api/v1/semantic/validate', { body: { connection_id: conn() } })
    const body = await res.json()
    expect(body.valid).toBe(false)
    expect(body.problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ severity: 'error', issue: 'missing_table', object: 'customers' }),
    ]))
  })
}

describe.skipIf(!hasPg)('validate on PostgreSQL', () => {
  const DB = `nexatron_validate_${randomBytes(4).toString('hex')}`
  let t: TestApp
  let admin: pg.Client
  let setup: pg.Client
  let connId: string
  beforeAll(async () => {
    admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${DB}`)
    setup = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: DB })
    await setup.connect()
    await setup.query(TABLES('text'))
    t = await createTestApp()
    const res = await t.request('POST', '/api/v1/connections', { body: {
      name: 'pg', type: 'postgres', config: { host: '127.0.0.1', port: 5432, database: DB, user: 'postgres', ssl: 'disable' },
      options: { allow_elevated_login: true },
    } })
    expect(res.status).toBe(201)
    connId = (await res.json()).id
  })
  afterAll(async () => {
    await t?.close()
    await setup?.end()
    await admin?.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`)
    await admin?.end()
  })
  checks(() => t, () => connId, async (sql) => { await setup.query(sql) })
})

describe.skipIf(!hasMaria)('validate on MariaDB', () => {
  const schema = `nexatron_validate_${randomBytes(4).toString('hex')}`
  let t: TestApp
  let admin: mysql.Connection
  let connId: string
  beforeAll(async () => {
    admin = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '', multipleStatements: true })
    await admin.query(`CREATE DATABASE ${schema}; USE ${schema}; ${TABLES('varchar(20)')}`)
    t = await createTestApp()
    const res = await t.request('POST', '/api/v1/connections', { body: {
      name: 'maria', type: 'mysql', config: { host: '127.0.0.1', port: 3306, database: schema, user: 'root', ssl: 'disable' },
      options: { allow_elevated_login: true },
    } })
    expect(res.status).toBe(201)
    connId = (await res.json()).id
  })
  afterAll(async () => {
    await t?.close()
    await admin?.query(`DROP DATABASE IF EXISTS ${schema}`)
    await admin?.end()
  })
  checks(() => t, () => connId, async (sql) => { await admin.query(`USE ${schema}; ${sql}`) })
})

describe.skipIf(!hasClickhouse)('validate on ClickHouse', () => {
  const DB = `nexatron_validate_${randomBytes(4).toString('hex')}`
  const ch = createClient({ url: `http://${SERVICES.clickhouse.host}:${SERVICES.clickhouse.port}` })
  let t: TestApp
  let connId: string
  const validate = async () => {
    const res = await t.request('POST', '/api/v1/semantic/validate', { body: { connection_id: connId } })
    expect(res.status).toBe(200)
    return res.json()
  }
  beforeAll(async () => {
    await ch.command({ query: `CREATE DATABASE ${DB}` })
    await ch.command({ query: `CREATE TABLE ${DB}.customers (id Int32, region String) ENGINE = MergeTree ORDER BY id` })
    await ch.command({ query: `CREATE TABLE ${DB}.subscriptions (id Int32, customer_id Int32, started_at Date, started_text String, amount Decimal(10,2)) ENGINE = MergeTree ORDER BY id` })
    await ch.command({ query: `INSERT INTO ${DB}.customers VALUES (1, 'eu'), (2, 'us')` })
    await ch.command({ query: `INSERT INTO ${DB}.subscriptions VALUES (1, 1, '2026-01-01', '2026-01-01', 10), (2, 2, '2026-01-02', '2026-01-02', 20), (3, 9, '2026-01-03', '2026-01-03', 5)` })
    t = await createTestApp()
    const res = await t.request('POST', '/api/v1/connections', { body: {
      name: 'ch', type: 'clickhouse', config: { host: '127.0.0.1', port: SERVICES.clickhouse.port, database: DB, ssl: 'disable' },
      options: { allow_elevated_login: true },
    } })
    expect(res.status).toBe(201)
    connId = (await res.json()).id
    const imp = await t.request('POST', '/api/v1/semantic/import', { body: { connection_id: connId, mode: 'replace', files: [{ path: 'm.yml', content: layer() }], refresh_sample_values: false } })
    expect(imp.status, JSON.stringify(await imp.clone().json())).toBe(200)
  }, 60_000)
  afterAll(async () => {
    await t?.close()
    await ch.command({ query: `DROP DATABASE IF EXISTS ${DB}` })
    await ch.close()
  })

  it('reports a String column behind a time dimension as an error, orphan foreign keys as a warning, and passes the rest', async () => {
    const body = await validate()
    expect(body.valid, JSON.stringify(body)).toBe(false)
    expect(body.problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ severity: 'error', issue: 'time_dimension_not_temporal', object: 'subscriptions.started_text' }),
      expect.objectContaining({ severity: 'warning', issue: 'orphan_foreign_keys', message: expect.stringMatching(/^1 of 3 foreign keys/) }),
    ]))
    expect(body.problems.filter((p: { severity: string }) => p.severity === 'error')).toHaveLength(1)
  })

  it('catches duplicate keys behind a primary entity, with the duplicate count', async () => {
    await ch.command({ query: `INSERT INTO ${DB}.customers VALUES (1, 'eu'), (2, 'us')` })
    const body = await validate()
    expect(body.problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ severity: 'error', issue: 'duplicate_keys', object: 'customers.customer', message: expect.stringContaining('2 duplicate key value(s)') }),
    ]))
  })

  it('reports a relation dropped after the import as an error of its model', async () => {
    await ch.command({ query: `DROP TABLE ${DB}.customers` })
    const body = await validate()
    expect(body.valid).toBe(false)
    expect(body.problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ severity: 'error', issue: 'missing_table', object: 'customers' }),
    ]))
  })
})
