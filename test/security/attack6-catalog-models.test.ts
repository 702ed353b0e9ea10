// Attack: read the catalog and server settings through the semantic layer.
// The guard refuses catalog probes and server information as functions
// (to_regclass, current_setting, version(), ...) because "the allowed
// relations stay the only way to name data". A key with semantic:write (not
// an admin) adds a model over a system catalog instead — pg_catalog.pg_settings,
// pg_class, pg_database, information_schema.* — or names a catalog view
// unqualified (PostgreSQL searches pg_catalog first), and reads it with a
// plain semantic query under the SELECT-only login.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { SERVICES, serviceAvailable } from '../support/services'
import { makeKey } from './attack-warehouse'
import { guardSql } from '../../src/security/sql-guard'
import type { DialectName } from '../../semantic/types'

const available = await serviceAvailable('postgres')
const db = `nexatron_a6cat_${randomBytes(4).toString('hex')}`
const role = `nx_a6_ro_${randomBytes(3).toString('hex')}`
let t: TestApp
let admin: pg.Client
let conn: string
let writer: string

const model = (name: string, schema: string | undefined, alias: string, dim: string) => `
semantic_models:
  - name: ${name}
    node_relation: { ${schema ? `schema_name: ${schema}, ` : ''}alias: ${alias} }
    entities: [{ name: ${name}_row, type: primary, expr: ${dim} }]
    dimensions: [{ name: ${name}_value, type: categorical, expr: ${dim} }]
`

describe.skipIf(!available)('attack: semantic models over system catalogs', () => {
  beforeAll(async () => {
    admin = new pg.Client({ host: SERVICES.postgres.host, port: SERVICES.postgres.port, user: 'postgres', database: 'postgres' })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${db}`)
    await admin.query(`CREATE ROLE ${role} LOGIN`)
    const setup = new pg.Client({ host: SERVICES.postgres.host, port: SERVICES.postgres.port, user: 'postgres', database: db })
    await setup.connect()
    await setup.query(`CREATE SCHEMA shop; CREATE TABLE shop.stores (id int PRIMARY KEY, region text NOT NULL); INSERT INTO shop.stores VALUES (1, 'West');
      GRANT USAGE ON SCHEMA shop TO ${role}; GRANT SELECT ON shop.stores TO ${role}; CREATE SCHEMA hidden; CREATE TABLE hidden.payroll (id int);
      CREATE TABLE shop.salaries (ssn text, salary_cents bigint)`)
    await setup.end()
    t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000' })
    const created = await t.request('POST', '/api/v1/connections', { body: {
      name: 'wh', type: 'postgres', config: { host: SERVICES.postgres.host, port: SERVICES.postgres.port, database: db, user: role, ssl: 'disable' },
    } })
    expect(created.status, await created.clone().text()).toBe(201)
    conn = (await created.json()).id
    const imported = await t.request('POST', '/api/v1/semantic/import', { body: { connection_id: conn, files: [{ path: 's.yml', content: model('stores', 'shop', 'stores', 'region') }] } })
    expect(imported.status, await imported.clone().text()).toBe(200)
    writer = (await makeKey(t, { scopes: ['semantic:read', 'semantic:write', 'query:run', 'query:read'] })).key
  })
  afterAll(async () => {
    await t?.close()
    await admin?.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`)
    await admin?.query(`DROP ROLE IF EXISTS ${role}`)
    await admin?.end()
  })

  const cases: Array<[string, string | undefined, string, string]> = [
    ['settings', 'pg_catalog', 'pg_settings', 'name'],
    ['settings_bare', undefined, 'pg_settings', 'name'],
    ['classes', 'pg_catalog', 'pg_class', 'relname'],
    ['dbs', undefined, 'pg_database', 'datname'],
    ['tables', 'information_schema', 'tables', 'table_name'],
    ['roles', 'pg_catalog', 'pg_roles', 'rolname'],
  ]
  // The row type of a table the login may not read, built by its type input function from the OID
  // regtypein looks up: to_json lists its columns (the json_populate_record(NULL::other.secret) trick
  // the guard refuses as a cast, spelled as calls).
  const ROW_TYPE = "to_json(record_in('(,)', regtypein('shop.salaries'), -1))::text"
  it('refuses type input functions that read the row type of an unreadable table, in a dimension and in a where filter', async () => {
    const created = await t.request('POST', '/api/v1/semantic/models', { key: writer, body: { connection_id: conn,
      name: 'rowtype', node_relation: { schema_name: 'shop', alias: 'stores' },
      entities: [{ name: 'rowtype_row', type: 'primary', expr: 'id' }], dimensions: [{ name: 'cols', type: 'categorical', expr: ROW_TYPE }] } })
    const q = await t.request('POST', '/api/v1/semantic/query', { key: writer, body: { connection_id: conn, metrics: [], group_by: ['rowtype_row__cols'] } })
    expect(await q.text()).not.toContain('salary_cents')
    expect(created.status).toBe(422)
    const where = `length(${ROW_TYPE}) > 30 AND {{ Dimension('stores_row__stores_value') }} IS NOT NULL`
    const probe = await t.request('POST', '/api/v1/semantic/query', { key: writer, body: { connection_id: conn, metrics: [], group_by: ['stores_row__stores_value'], where: [where] } })
    expect(probe.status, await probe.clone().text()).toBe(422)
  })

  const roads = {
    import: (name: string, schema: string | undefined, alias: string, dim: string) => t.request('POST', '/api/v1/semantic/import', { key: writer, body: { connection_id: conn, mode: 'merge', check_relations: false, files: [{ path: 'c.yml', content: model(name, schema, alias, dim) }] } }),
    create: (name: string, schema: string | undefined, alias: string, dim: string) => t.request('POST', '/api/v1/semantic/models', { key: writer, body: { connection_id: conn,
      name, node_relation: { ...(schema ? { schema_name: schema } : {}), alias },
      entities: [{ name: `${name}_row`, type: 'primary', expr: dim }], dimensions: [{ name: `${name}_value`, type: 'categorical', expr: dim }] } }),
  }
  for (const [road, send] of Object.entries(roads)) {
    for (const [base, schema, alias, dim] of cases) {
      it(`refuses a model over ${schema ? `${schema}.` : ''}${alias} (${road}) and reads none of it`, async () => {
        const name = `${base}_${road}`
        const res = await send(name, schema, alias, dim)
        const q = await t.request('POST', '/api/v1/semantic/query', { key: writer, body: { connection_id: conn, metrics: [], group_by: [`${name}_row__${name}_value`], limit: 500 } })
        const text = await q.text()
        expect(text).not.toContain('payroll')
        expect(text).not.toContain(db)
        expect(text).not.toContain('statement_timeout')
        expect(q.status).not.toBe(200)
        expect(res.status).toBe(422)
      })
    }
  }
})

describe('the guard refuses system catalogs on every dialect, even when the allow list names them', () => {
  const refused: Array<[DialectName, string]> = [
    ['postgres', 'SELECT relname FROM pg_catalog.pg_class'],
    ['postgres', 'SELECT datname FROM pg_database'],
    ['postgres', 'SELECT 1 FROM "pg_catalog"."pg_authid"'],
    ['redshift', 'SELECT querytxt FROM stl_query'],
    ['redshift', 'SELECT 1 FROM information_schema.tables'],
    ['mysql', 'SELECT `User` FROM `mysql`.`user`'],
    ['mysql', 'SELECT 1 FROM INFORMATION_SCHEMA.PROCESSLIST'],
    ['mysql', 'SELECT 1 FROM performance_schema.events_statements_history'],
    ['clickhouse', 'SELECT query FROM system.query_log'],
    ['clickhouse', 'SELECT name FROM `system`.users'],
    ['clickhouse', 'SELECT 1 FROM INFORMATION_SCHEMA.TABLES'],
    ['mssql', 'SELECT name FROM sys.sql_logins'],
    ['mssql', 'SELECT name FROM sysobjects'],
    ['mssql', 'SELECT 1 FROM master.sys.databases'],
    ['snowflake', 'SELECT 1 FROM SNOWFLAKE.ACCOUNT_USAGE.QUERY_HISTORY'],
    ['snowflake', 'SELECT 1 FROM shop.INFORMATION_SCHEMA.TABLES'],
    ['bigquery', 'SELECT query FROM `region-us`.INFORMATION_SCHEMA.JOBS'],
    ['bigquery', 'SELECT 1 FROM shop.INFORMATION_SCHEMA.TABLES'],
    ['bigquery', 'SELECT 1 FROM shop.__TABLES__'],
  ]
  for (const [dialect, sql] of refused) {
    it(`${dialect}: refuses ${sql}`, () => {
      const from = sql.slice(sql.lastIndexOf(' FROM ') + 6)
      expect(() => guardSql(sql, { dialect, allowedRelations: [from] })).toThrow(/system catalog/)
    })
  }
  it('still reads user tables whose names only look like catalogs when qualified by their own schema (control)', () => {
    expect(guardSql('SELECT 1 FROM shop.pg_like', { dialect: 'postgres', allowedRelations: ['shop.pg_like'] }).relations).toEqual(['shop.pg_like'])
    expect(guardSql('SELECT 1 FROM analytics.system_events', { dialect: 'clickhouse', allowedRelations: ['analytics.system_events'] }).relations).toEqual(['analytics.system_events'])
    expect(guardSql('SELECT 1 FROM sys_orders', { dialect: 'mysql', allowedRelations: ['sys_orders'] }).relations).toEqual(['sys_orders'])
  })
})

describe('catalog, key, server and outbound functions the deny lists missed', () => {
  const refused: Array<[DialectName, string]> = [
    ['clickhouse', 'SELECT showCertificate() FROM t'],
    ['clickhouse', "SELECT getMaxTableNameLengthForDatabase('other_tenant') FROM t"],
    ['clickhouse', 'SELECT transactionID(), transactionLatestSnapshot() FROM t'],
    ['clickhouse', "SELECT generateSerialID('invoices') FROM t"],
    ['mssql', 'SELECT CURRENT_TIMEZONE_ID() FROM t'],
    ['mssql', "SELECT CERT_ID('payroll_cert') FROM t"],
    ['mssql', "SELECT CERTPRIVATEKEY(CERT_ID('c'), 'pw') FROM t"],
    ['snowflake', "SELECT GET_QUERY_OPERATOR_STATS('01b2-0000') FROM t"],
    // outside the database: model calls and Cloud Storage objects (as SNOWFLAKE.CORTEX.* and GET_PRESIGNED_URL)
    ['snowflake', "SELECT AI_COMPLETE('llama3-8b', 'summarize ' || x) FROM t"],
    ['bigquery', "SELECT AI.GENERATE(x) FROM t"],
    ['bigquery', "SELECT OBJ.GET_ACCESS_URL(OBJ.MAKE_REF('gs://other-bucket/payroll.csv', 'us.conn'), 'r') FROM t"],
  ]
  for (const [dialect, sql] of refused) {
    it(`${dialect}: refuses ${sql}`, () => {
      expect(() => guardSql(sql, { dialect, allowedRelations: ['t'] })).toThrow(/not allowed/)
    })
  }
})

describe('a connection whose default database is a system one', () => {
  it('refuses its unqualified names as the system catalogs they resolve to', () => {
    expect(() => guardSql('SELECT name FROM users', { dialect: 'clickhouse', allowedRelations: ['users'], defaultSchema: 'system' })).toThrow(/system catalog/)
    expect(() => guardSql('SELECT 1 FROM `TABLES`', { dialect: 'mysql', allowedRelations: ['`TABLES`'], defaultSchema: 'information_schema' })).toThrow(/system catalog/)
    expect(() => guardSql('SELECT 1 FROM pg_settings', { dialect: 'postgres', allowedRelations: ['pg_settings'], defaultSchema: 'public' })).toThrow(/system catalog/)
    expect(guardSql('SELECT 1 FROM users', { dialect: 'clickhouse', allowedRelations: ['users'], defaultSchema: 'shop' }).relations).toEqual(['users'])
  })
})
