// A small governed warehouse for the attack tests (test/security/attack-*.test.ts):
// a PostgreSQL database of stores in three regions and their sales, a
// semantic layer over it, and a row policy that holds every non-admin to the
// regions its `region` attribute names, plus a partner policy that applies
// only to principals whose `audience` is `partner`. The attacks compare what
// the service answers with what the database itself says.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { expect } from 'vitest'
import type { TestApp } from '../support/test-app'
import { SERVICES } from '../support/services'

export const REGIONS = ['West', 'East', 'North']
export const STORES = Array.from({ length: 6 }, (_, i) => ({ id: i + 1, region: REGIONS[i % 3], partner: (i % 2) + 1 }))
export const SALES = Array.from({ length: 120 }, (_, i) => ({ id: i + 1, store_id: (i % 6) + 1, amount: 10 + (i % 7), email: `buyer${i % 5}@example.com`, sold_on: `2026-01-${String(1 + (i % 28)).padStart(2, '0')}` }))
const storeOf = (id: number) => STORES.find((s) => s.id === id)!

/** Revenue of the sales whose store passes `keep` (all when absent). */
export const revenueWhere = (keep: (s: (typeof STORES)[number]) => boolean = () => true) =>
  SALES.filter((s) => keep(storeOf(s.store_id))).reduce((n, s) => n + s.amount, 0)

export const LAYER = (schema: string) => `
semantic_models:
  - name: stores
    node_relation: { schema_name: ${schema}, alias: stores }
    entities: [{ name: store, type: primary, expr: id }]
    dimensions:
      - { name: region, type: categorical }
      - { name: partner_id, type: categorical, expr: partner }
  - name: sales
    node_relation: { schema_name: ${schema}, alias: sales }
    defaults: { agg_time_dimension: sold_on }
    entities:
      - { name: sale, type: primary, expr: id }
      - { name: store, type: foreign, expr: store_id }
    dimensions:
      - { name: customer_email, type: categorical, expr: email }
      - { name: sold_on, type: time, type_params: { time_granularity: day } }
    measures:
      - { name: amount, agg: sum }
      - { name: secret_amount, agg: sum, expr: amount * 2 }
metrics:
  - { name: revenue, type: simple, type_params: { measure: amount } }
  - { name: secret_margin, type: simple, type_params: { measure: secret_amount } }
`

export const POLICIES = [
  { name: 'regional', model: 'stores', applies_to: { roles: ['analyst', 'viewer'] }, row_filter: "{{ Dimension('store__region') }} IN {{ Attribute('region') }}", on_missing_attribute: 'no_rows' },
  { name: 'partner_dashboard', model: 'stores', applies_to: { attributes: { audience: 'partner' } }, row_filter: "{{ Dimension('store__partner_id') }} = {{ Attribute('partner_id') }}" },
  { name: 'partner_privacy', model: 'sales', applies_to: { attributes: { audience: 'partner' } }, member_access: { hide: ['secret_margin'] }, mask: [{ dimension: 'customer_email', method: 'hash' }] },
]

export interface Warehouse {
  db: string
  /** A connection of `t`'s tenant to the warehouse, with the layer and the policies. */
  connect(t: TestApp, name: string, options?: Record<string, unknown>): Promise<string>
  drop(): Promise<void>
}

export async function createWarehouse(): Promise<Warehouse> {
  const db = `nexatron_attack_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ host: SERVICES.postgres.host, port: SERVICES.postgres.port, user: 'postgres', database: 'postgres' })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${db}`)
  const setup = new pg.Client({ host: SERVICES.postgres.host, port: SERVICES.postgres.port, user: 'postgres', database: db })
  await setup.connect()
  await setup.query(`CREATE SCHEMA shop; CREATE TABLE shop.stores (id int PRIMARY KEY, region text NOT NULL, partner int NOT NULL);
    CREATE TABLE shop.sales (id int PRIMARY KEY, store_id int NOT NULL, amount numeric(12,2) NOT NULL, email text NOT NULL, sold_on date NOT NULL)`)
  await setup.query('INSERT INTO shop.stores SELECT * FROM json_populate_recordset(NULL::shop.stores, $1)', [JSON.stringify(STORES)])
  await setup.query('INSERT INTO shop.sales SELECT * FROM json_populate_recordset(NULL::shop.sales, $1)', [JSON.stringify(SALES)])
  await setup.end()
  return {
    db,
    async connect(t, name, options = {}) {
      const created = await t.request('POST', '/api/v1/connections', { body: {
        name, type: 'postgres', config: { host: SERVICES.postgres.host, port: SERVICES.postgres.port, database: db, user: 'postgres', ssl: 'disable' },
        options: { allow_elevated_login: true, ...options },
      } })
      expect(created.status).toBe(201)
      const conn = (await created.json()).id as string
      const imported = await t.request('POST', '/api/v1/semantic/import', { body: { connection_id: conn, files: [{ path: 's.yml', content: LAYER('shop') }] } })
      expect(imported.status, await imported.clone().text()).toBe(200)
      const put = await t.request('PUT', '/api/v1/semantic/access-policies', { body: { connection_id: conn, policies: POLICIES } })
      expect(put.status, await put.clone().text()).toBe(200)
      return conn
    },
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`)
      await admin.end()
    },
  }
}

/** An API key of `t`'s tenant made by `by` (the admin key by default). */
export async function makeKey(t: TestApp, body: { scopes: string[]; attributes?: Record<string, unknown> }, by = t.adminKey): Promise<{ key: string; id: string; attributes: Record<string, unknown>; status: number }> {
  const res = await t.request('POST', '/api/v1/api-keys', { key: by, body: { name: `k${randomBytes(3).toString('hex')}`, ...body } })
  const json = res.status === 201 ? await res.json() : {}
  return { key: json.key, id: json.id, attributes: json.attributes, status: res.status }
}

/** Revenue as `key` sees it through POST /semantic/query. */
export async function revenueAs(t: TestApp, key: string, conn: string, extra: Record<string, unknown> = {}): Promise<{ status: number; revenue: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await t.request('POST', '/api/v1/semantic/query', { key, body: { connection_id: conn, metrics: ['revenue'], ...extra } })
  const body = await res.json()
  return { status: res.status, revenue: Number(body.data?.[0]?.revenue ?? 0), body }
}
