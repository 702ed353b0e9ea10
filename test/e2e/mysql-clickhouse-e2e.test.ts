// The same new-user path as on PostgreSQL, on MariaDB and ClickHouse:
// connection through the API, test, schema, semantic import, a question.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import mysql from 'mysql2/promise'
import { createClient } from '@clickhouse/client'
import { createTestApp, type TestApp } from '../support/test-app'
import { serviceAvailable, SERVICES } from '../support/services'

const hasMaria = await serviceAvailable('mariadb')
const hasClickhouse = await serviceAvailable('clickhouse')
const DB = `nexatron_e2e_${randomBytes(4).toString('hex')}`

const semantic = (schema: string) => `
semantic_model:
  name: sales
  node_relation: { schema_name: ${schema}, alias: sales }
  defaults: { agg_time_dimension: sold_on }
  entities: [{ name: sale, type: primary, expr: id }]
  dimensions:
    - { name: sold_on, type: time, type_params: { time_granularity: day } }
    - { name: region, type: categorical }
  measures: [{ name: amount, agg: sum }, { name: sales_count, agg: count, expr: id }]
---
metrics:
  - { name: revenue, synonyms: [turnover], type: simple, type_params: { measure: amount } }
  - { name: sales_count, label: Number of sales, type: simple, type_params: { measure: sales_count } }
`
const ROWS = Array.from({ length: 400 }, (_, i) => ({
  id: i + 1, day: new Date(Date.UTC(2026, 0, 1 + (i % 120))).toISOString().slice(0, 10),
  region: ['North', 'South', 'East', 'West'][i % 4], amount: ((i * 37) % 500) / 4,
}))
const expectedByRegion = (from: string, to: string) => {
  const out = new Map<string, { revenue: number; count: number }>()
  for (const r of ROWS) if (r.day >= from && r.day <= to) {
    const e = out.get(r.region) ?? { revenue: 0, count: 0 }
    e.revenue += r.amount
    e.count++
    out.set(r.region, e)
  }
  return out
}

async function newUserPath(t: TestApp, connection: Record<string, unknown>, schema: string) {
  const created = await t.request('POST', '/api/v1/connections', { body: connection })
  expect(created.status).toBe(201)
  const conn = await created.json()
  const test = await (await t.request('POST', `/api/v1/connections/${conn.id}/test`)).json()
  expect(test.ok).toBe(true)
  expect(typeof test.version).toBe('string')
  const schemaInfo = await (await t.request('GET', `/api/v1/connections/${conn.id}/schema?refresh=true`)).json()
  const table = schemaInfo.tables.find((x: { name: string }) => x.name === 'sales')
  expect(table.columns.map((c: { name: string }) => c.name)).toEqual(['id', 'sold_on', 'region', 'amount'])
  const imported = await t.request('POST', '/api/v1/semantic/import', { body: { connection_id: conn.id, files: [{ path: 'sales.yml', content: semantic(schema) }] } })
  expect(imported.status).toBe(200)
  const res = await t.request('POST', '/api/v1/query', { body: { connection_id: conn.id, question: 'turnover and number of sales by region in February 2026' } })
  expect(res.status).toBe(200)
  const body = await res.json()
  const expected = expectedByRegion('2026-02-01', '2026-02-28')
  expect(body.row_count).toBe(expected.size)
  for (const row of body.data) {
    const e = expected.get(row.sale__region)!
    expect(row.revenue).toBeCloseTo(e.revenue, 2)
    expect(Number(row.sales_count)).toBe(e.count)
  }
  // Time grains on a DATE column: every month's rows add up to the table.
  const monthly = await (await t.request('POST', '/api/v1/query', { body: { connection_id: conn.id, question: 'monthly number of sales' } })).json()
  expect(monthly.row_count).toBe(4)
  expect(monthly.data.reduce((n: number, r: { sales_count: number | string }) => n + Number(r.sales_count), 0)).toBe(ROWS.length)
  expect(String(monthly.data.map((r: Record<string, unknown>) => r.metric_time__month).sort()[0])).toMatch(/^2026-01-01/)
  const validate = await (await t.request('POST', '/api/v1/semantic/validate', { body: { connection_id: conn.id } })).json()
  expect(validate.problems).toEqual([])
}

describe.skipIf(!hasMaria)('MariaDB end to end', () => {
  let t: TestApp
  let admin: mysql.Connection
  beforeAll(async () => {
    admin = await mysql.createConnection({ host: SERVICES.mariadb.host, port: SERVICES.mariadb.port, user: 'root' })
    await admin.query(`CREATE DATABASE ${DB}`)
    await admin.query(`CREATE TABLE ${DB}.sales (id INT PRIMARY KEY, sold_on DATE NOT NULL, region VARCHAR(20) NOT NULL, amount DECIMAL(10,2) NOT NULL)`)
    await admin.query(`INSERT INTO ${DB}.sales VALUES ${ROWS.map(() => '(?,?,?,?)').join(',')}`, ROWS.flatMap((r) => [r.id, r.day, r.region, r.amount]))
    t = await createTestApp()
  })
  afterAll(async () => {
    await t?.close()
    await admin?.query(`DROP DATABASE IF EXISTS ${DB}`)
    await admin?.end()
  })
  it('adds a connection, tests it, reads its schema and answers a question', async () => {
    // root and ClickHouse's default user can write: allowed explicitly (see test/security/elevated-logins.test.ts).
    await newUserPath(t, { name: 'maria', type: 'mysql', config: { host: '127.0.0.1', port: SERVICES.mariadb.port, database: DB, user: 'root', ssl: 'disable' }, options: { allow_elevated_login: true } }, DB)
  })
})

describe.skipIf(!hasClickhouse)('ClickHouse end to end', () => {
  let t: TestApp
  const ch = createClient({ url: `http://${SERVICES.clickhouse.host}:${SERVICES.clickhouse.port}` })
  beforeAll(async () => {
    await ch.command({ query: `CREATE DATABASE ${DB}` })
    await ch.command({ query: `CREATE TABLE ${DB}.sales (id UInt32, sold_on Date, region String, amount Decimal(10,2)) ENGINE = MergeTree ORDER BY id` })
    await ch.insert({ table: `${DB}.sales`, values: ROWS.map((r) => ({ id: r.id, sold_on: r.day, region: r.region, amount: r.amount })), format: 'JSONEachRow' })
    t = await createTestApp()
  })
  afterAll(async () => {
    await t?.close()
    await ch.command({ query: `DROP DATABASE IF EXISTS ${DB}` })
    await ch.close()
  })
  it('adds a connection, tests it, reads its schema and answers a question', async () => {
    await newUserPath(t, { name: 'ch', type: 'clickhouse', config: { host: '127.0.0.1', port: SERVICES.clickhouse.port, database: DB, ssl: 'disable' }, options: { allow_elevated_login: true } }, DB)
  })
})
