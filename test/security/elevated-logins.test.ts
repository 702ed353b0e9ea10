// Privileged logins are a finding, not a default: through the public API, a
// connection whose login can do more than read (superuser, file access, write
// grants, ownership, a ClickHouse profile that may write, sysadmin) is
// refused with 422 elevated_login at creation and on /test, naming the
// findings, unless it sets options.allow_elevated_login; least-privilege
// logins are accepted and reported read_only. Real PostgreSQL, MariaDB and
// ClickHouse servers, and the local TDS server for SQL Server.
import { randomBytes } from 'node:crypto'
import net from 'node:net'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MSSQL_LOGIN_CHECKS, MSSQL_LOGIN_SQL, MSSQL_WRITABLE_SQL } from '../../connectors/mssql/privileges'
import { SERVICES, serviceAvailable } from '../support/services'
import { TdsTestServer } from '../support/tds-server'
import { createTestApp, type TestApp, type TestResponse } from '../support/test-app'

const ORDERS_LAYER = `
semantic_model:
  name: orders
  node_relation: { schema_name: shop, alias: orders }
  defaults: { agg_time_dimension: ordered_on }
  entities:
    - { name: purchase, type: primary, expr: id }
  dimensions:
    - { name: ordered_on, type: time, type_params: { time_granularity: day } }
  measures:
    - { name: order_amount, agg: sum, expr: amount }
---
metrics:
  - { name: order_amount, type: simple, type_params: { measure: order_amount } }
`

const pgUp = await serviceAvailable('postgres')
const mariaUp = await serviceAvailable('mariadb')
const chUp = await serviceAvailable('clickhouse')

const tag = randomBytes(4).toString('hex')
let n = 0
const uniq = (s: string) => `${s} ${++n}`

let t: TestApp
beforeAll(async () => { t = await createTestApp() })
afterAll(async () => { await t?.close() })

const create = (body: Record<string, unknown>) => t.request('POST', '/api/v1/connections', { body: { name: uniq(String(body.type)), ...body } })
const testConn = (id: string) => t.request('POST', `/api/v1/connections/${id}/test`)

interface ErrorJson { error: { code: string; message: string; details: Array<{ issue: string; message?: string; path?: string }> } }
async function refused(res: TestResponse): Promise<ErrorJson['error']> {
  const text = await res.text()
  expect(res.status, text).toBe(422)
  const json = JSON.parse(text) as ErrorJson
  expect(json.error.code, text).toBe('elevated_login')
  expect(json.error.message).toMatch(/more than read/)
  expect(json.error.message).toMatch(/allow_elevated_login/)
  return json.error
}
const issues = (e: ErrorJson['error']) => e.details.map((d) => d.issue)
const detailText = (e: ErrorJson['error']) => e.details.map((d) => `${d.issue}: ${d.message}`).join('\n')

async function accepted(res: TestResponse): Promise<{ id: string; privileges?: { level: string; findings: Array<{ code: string; message: string }> } }> {
  const text = await res.text()
  expect(res.status, text).toBe(201)
  return JSON.parse(text)
}

async function names(): Promise<string[]> {
  const list = await (await t.request('GET', '/api/v1/connections?limit=100')).json()
  return list.data.map((c: { name: string }) => c.name)
}

describe.skipIf(!pgUp)('PostgreSQL logins', () => {
  const DB = `nx_elev_${tag}`
  const role = (what: string) => `nx_${what}_${tag}`
  const ROLES = ['ro', 'files', 'owner', 'writer', 'later'].map(role)
  let admin: pg.Client
  const pgConfig = (user: string, extra: Record<string, unknown> = {}) => ({ host: SERVICES.postgres.host, port: SERVICES.postgres.port, database: DB, user, ssl: 'disable', ...extra })

  beforeAll(async () => {
    admin = new pg.Client({ host: SERVICES.postgres.host, port: SERVICES.postgres.port, user: 'postgres', database: 'postgres' })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${DB}`)
    for (const r of ROLES) await admin.query(`CREATE ROLE ${r} LOGIN`)
    const setup = new pg.Client({ host: SERVICES.postgres.host, port: SERVICES.postgres.port, user: 'postgres', database: DB })
    await setup.connect()
    try {
      await setup.query(`
        REVOKE CREATE ON SCHEMA public FROM PUBLIC;
        CREATE SCHEMA shop;
        CREATE TABLE shop.orders (id int PRIMARY KEY, amount numeric(10,2), ordered_on date);
        INSERT INTO shop.orders VALUES (1, 12.50, '2026-01-02');
        CREATE TABLE shop.customers (id int PRIMARY KEY, name text);
        GRANT USAGE ON SCHEMA shop TO ${ROLES.join(', ')};
        GRANT SELECT ON shop.orders TO ${ROLES.join(', ')};
        GRANT pg_read_server_files TO ${role('files')};
        ALTER TABLE shop.customers OWNER TO ${role('owner')};
        GRANT INSERT ON shop.orders TO ${role('writer')};`)
    } finally {
      await setup.end()
    }
  })
  afterAll(async () => {
    await admin?.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`)
    for (const r of ROLES) await admin?.query(`DROP ROLE IF EXISTS ${r}`)
    await admin?.end()
  })

  it('refuses a superuser login at creation with 422 elevated_login naming superuser, and stores nothing', async () => {
    const name = uniq('pg-super')
    const e = await refused(await t.request('POST', '/api/v1/connections', { body: { name, type: 'postgres', config: pgConfig('postgres') } }))
    expect(issues(e)).toContain('superuser')
    expect(detailText(e)).toMatch(/superuser/)
    expect(await names()).not.toContain(name)
  })

  it('accepts a role with SELECT on one table as read_only, at creation and on /test', async () => {
    const conn = await accepted(await create({ type: 'postgres', config: pgConfig(role('ro')) }))
    expect(conn.privileges).toMatchObject({ level: 'read_only', findings: [] })
    const res = await testConn(conn.id)
    const body = await res.json()
    expect(res.status, JSON.stringify(body)).toBe(200)
    expect(body).toMatchObject({ ok: true, privileges: { level: 'read_only', findings: [] } })
    expect(typeof body.privileges.checked_at).toBe('string')
    // The connector is usable: the schema is read through it.
    const schema = await t.request('GET', `/api/v1/connections/${conn.id}/schema?refresh=true`)
    expect(schema.status).toBe(200)
    // GET shows the report this server made.
    expect((await (await t.request('GET', `/api/v1/connections/${conn.id}`)).json()).privileges.level).toBe('read_only')
  })

  it.each([
    ['files', 'pg_read_server_files', /pg_read_server_files/],
    ['owner', 'table_owner', /shop\.customers/],
    ['writer', 'write_grant', /shop\.orders/],
  ])('refuses a role with %s rights (%s)', async (who, code, names) => {
    const e = await refused(await create({ type: 'postgres', config: pgConfig(role(who)) }))
    expect(issues(e)).toEqual([code])
    expect(detailText(e)).toMatch(names)
  })

  it('accepts a superuser with allow_elevated_login: true, and /test reports it elevated', async () => {
    const conn = await accepted(await create({ type: 'postgres', config: pgConfig('postgres'), options: { allow_elevated_login: true } }))
    expect(conn.privileges?.level).toBe('elevated')
    const body = await (await testConn(conn.id)).json()
    expect(body.ok).toBe(true)
    expect(body.privileges.level).toBe('elevated')
    expect(body.privileges.findings.map((f: { code: string }) => f.code)).toEqual(['superuser'])
  })

  it('re-checks on /test: a login that gained a write grant is refused there and for use, until the connection allows it', async () => {
    const conn = await accepted(await create({ type: 'postgres', config: pgConfig(role('later')) }))
    expect(conn.privileges?.level).toBe('read_only')
    const imported = await t.request('POST', '/api/v1/semantic/import', { body: { connection_id: conn.id, files: [{ path: 'orders.yml', content: ORDERS_LAYER }] } })
    expect(imported.status, await imported.clone().text()).toBe(200)
    const ask = () => t.request('POST', '/api/v1/semantic/query', { body: { connection_id: conn.id, metrics: ['order_amount'] } })
    expect((await ask()).status).toBe(200)
    await admin.query(`GRANT pg_write_server_files TO ${role('later')}`)
    const e = await refused(await testConn(conn.id))
    expect(issues(e)).toContain('pg_write_server_files')
    // Known elevated: nothing runs on this connection any more, queries included.
    await refused(await t.request('GET', `/api/v1/connections/${conn.id}/schema?refresh=true`))
    await refused(await ask())
    const patched = await t.request('PATCH', `/api/v1/connections/${conn.id}`, { body: { options: { allow_elevated_login: true } } })
    expect(patched.status).toBe(200)
    const body = await (await testConn(conn.id)).json()
    expect(body.privileges.level).toBe('elevated')
    expect((await t.request('GET', `/api/v1/connections/${conn.id}/schema?refresh=true`)).status).toBe(200)
  })

  it('checks again before first use after a change: turning allow_elevated_login off refuses the next use', async () => {
    const conn = await accepted(await create({ type: 'postgres', config: pgConfig('postgres'), options: { allow_elevated_login: true } }))
    expect((await t.request('GET', `/api/v1/connections/${conn.id}/schema?refresh=true`)).status).toBe(200)
    expect((await t.request('PATCH', `/api/v1/connections/${conn.id}`, { body: { options: { allow_elevated_login: false } } })).status).toBe(200)
    expect(issues(await refused(await t.request('GET', `/api/v1/connections/${conn.id}/schema?refresh=true`)))).toEqual(['superuser'])
  })

  it('still creates a connection whose database is unreachable; the login is checked once it can be reached', async () => {
    const port = await closedPort()
    const conn = await accepted(await create({ type: 'postgres', config: pgConfig('postgres', { port }) }))
    expect(conn.privileges).toBeUndefined()
    const res = await testConn(conn.id)
    expect(res.status).toBe(503)
    expect((await res.json()).error.code).toBe('unreachable')
  })

  it('checks redshift-type connections with the Redshift catalog queries (run here on PostgreSQL)', async () => {
    const ok = await accepted(await create({ type: 'redshift', config: pgConfig(role('ro'), { port: SERVICES.postgres.port }) }))
    expect(ok.privileges).toMatchObject({ level: 'read_only', findings: [] })
    expect(issues(await refused(await create({ type: 'redshift', config: pgConfig('postgres') })))).toEqual(['superuser'])
    const e = await refused(await create({ type: 'redshift', config: pgConfig(role('writer')) }))
    expect(issues(e)).toEqual(['write_grant'])
    expect(detailText(e)).toMatch(/shop\.orders/)
  })
})

describe.skipIf(!mariaUp)('MariaDB logins', () => {
  const DB = `nx_elev_${tag}`
  const user = (what: string) => `nx_${what}_${tag}`
  const PASSWORD = 'Elev-Passw0rd-1'
  let admin: mysql.Connection
  const myConfig = (u: string) => ({ host: SERVICES.mariadb.host, port: SERVICES.mariadb.port, database: DB, user: u, ssl: 'disable' })

  beforeAll(async () => {
    admin = await mysql.createConnection({ host: SERVICES.mariadb.host, port: SERVICES.mariadb.port, user: 'root', password: '' })
    await admin.query(`CREATE DATABASE ${DB}`)
    await admin.query(`CREATE TABLE ${DB}.orders (id int PRIMARY KEY, amount decimal(10,2))`)
    for (const u of ['ro', 'writer', 'viarole']) {
      await admin.query(`CREATE USER '${user(u)}'@'%' IDENTIFIED BY '${PASSWORD}'`)
      await admin.query(`GRANT SELECT ON ${DB}.orders TO '${user(u)}'@'%'`)
    }
    await admin.query(`GRANT INSERT ON ${DB}.orders TO '${user('writer')}'@'%'`)
    await admin.query(`CREATE ROLE ${user('role')}`)
    await admin.query(`GRANT UPDATE ON ${DB}.* TO ${user('role')}`)
    await admin.query(`GRANT ${user('role')} TO '${user('viarole')}'@'%'`)
    await admin.query(`SET DEFAULT ROLE ${user('role')} FOR '${user('viarole')}'@'%'`)
  })
  afterAll(async () => {
    for (const u of ['ro', 'writer', 'viarole']) await admin?.query(`DROP USER IF EXISTS '${user(u)}'@'%'`)
    await admin?.query(`DROP ROLE IF EXISTS ${user('role')}`).catch(() => {})
    await admin?.query(`DROP DATABASE IF EXISTS ${DB}`)
    await admin?.end()
  })

  it('refuses root with findings naming FILE and SUPER', async () => {
    const e = await refused(await create({ type: 'mysql', config: myConfig('root'), credentials: { password: '' } }))
    expect(issues(e)).toEqual(expect.arrayContaining(['file', 'super', 'all_privileges', 'grant_option']))
    expect(detailText(e)).toMatch(/FILE/)
    expect(detailText(e)).toMatch(/SUPER/)
  })

  it('accepts a user with only SELECT as read_only', async () => {
    const conn = await accepted(await create({ type: 'mysql', config: myConfig(user('ro')), credentials: { password: PASSWORD } }))
    expect(conn.privileges).toMatchObject({ level: 'read_only', findings: [] })
    const body = await (await testConn(conn.id)).json()
    expect(body).toMatchObject({ ok: true, privileges: { level: 'read_only' } })
  })

  it('refuses a user with INSERT, naming the grant and never echoing the password hash', async () => {
    const res = await create({ type: 'mysql', config: myConfig(user('writer')), credentials: { password: PASSWORD } })
    const text = await res.clone().text()
    const e = await refused(res)
    expect(issues(e)).toEqual(['write_grant'])
    expect(detailText(e)).toMatch(new RegExp(`INSERT ON \`${DB}\`\\.\`orders\``))
    expect(text).not.toMatch(/IDENTIFIED|PASSWORD '|\*[0-9A-F]{40}/)
  })

  it('follows the grants of the login\'s active role', async () => {
    const e = await refused(await create({ type: 'mysql', config: myConfig(user('viarole')), credentials: { password: PASSWORD } }))
    expect(issues(e)).toEqual(['write_grant'])
    expect(detailText(e)).toMatch(/UPDATE ON/)
  })

  it('accepts root with allow_elevated_login: true; /test reports it elevated', async () => {
    const conn = await accepted(await create({ type: 'mysql', config: myConfig('root'), credentials: { password: '' }, options: { allow_elevated_login: true } }))
    const body = await (await testConn(conn.id)).json()
    expect(body.privileges.level).toBe('elevated')
    expect(body.privileges.findings.map((f: { code: string }) => f.code)).toEqual(expect.arrayContaining(['file', 'super']))
  })
})

describe.skipIf(!chUp)('ClickHouse logins', () => {
  const chConfig = (u: string) => ({ host: SERVICES.clickhouse.host, port: SERVICES.clickhouse.port, ssl: 'disable', database: 'default', user: u })

  it('refuses the default user (readonly=0 on a server without GRANTs)', async () => {
    const e = await refused(await create({ type: 'clickhouse', config: chConfig('default') }))
    expect(issues(e)).toEqual(['readonly_off'])
    expect(detailText(e)).toMatch(/readonly=0/)
  })

  it('accepts a user whose profile is read-only', async () => {
    const conn = await accepted(await create({ type: 'clickhouse', config: chConfig('readonly') }))
    expect(conn.privileges).toMatchObject({ level: 'read_only', findings: [] })
    expect((await (await testConn(conn.id)).json()).privileges.level).toBe('read_only')
  })

  it('accepts the default user with allow_elevated_login: true; /test reports it elevated', async () => {
    const conn = await accepted(await create({ type: 'clickhouse', config: chConfig('default'), options: { allow_elevated_login: true } }))
    const body = await (await testConn(conn.id)).json()
    expect(body).toMatchObject({ ok: true, privileges: { level: 'elevated', findings: [{ code: 'readonly_off' }] } })
  })
})

describe('SQL Server logins (TDS test server)', () => {
  let server: TdsTestServer
  /** What the server says the login has, by check name. */
  let has = new Set<string>()
  let writable: string[] = []

  beforeAll(async () => {
    server = await new TdsTestServer({ users: { nexatron: 'Secret-123' } }).start()
    server
      .on(MSSQL_LOGIN_SQL, () => ({
        columns: MSSQL_LOGIN_CHECKS.map((c) => ({ name: c.name, type: 'int' as const })),
        rows: [MSSQL_LOGIN_CHECKS.map((c) => (has.has(c.name) ? 1 : 0))],
      }))
      .on(MSSQL_WRITABLE_SQL, () => ({ columns: [{ name: 'obj', type: 'nvarchar' as const }], rows: writable.map((w) => [w]) }))
  })
  afterAll(async () => { await server?.stop() })

  const body = () => ({ type: 'mssql', config: { host: '127.0.0.1', port: server.port, database: 'analytics', encrypt: false }, credentials: { username: 'nexatron', password: 'Secret-123' } })

  it('accepts a login with no role and no write permission as read_only', async () => {
    has = new Set()
    writable = []
    const conn = await accepted(await create(body()))
    expect(conn.privileges).toMatchObject({ level: 'read_only', findings: [] })
  })

  it('refuses sysadmin, naming it once rather than every permission it implies', async () => {
    has = new Set(['sysadmin', 'control_server', 'db_owner', 'db_insert', 'db_control'])
    const e = await refused(await create(body()))
    expect(issues(e)).toEqual(['sysadmin', 'control_server'])
  })

  it('refuses db_owner, and a login with INSERT on a table', async () => {
    has = new Set(['db_owner', 'db_insert', 'db_control'])
    expect(issues(await refused(await create(body())))).toEqual(['db_owner', 'db_control'])
    has = new Set()
    writable = ['[dbo].[orders]']
    const e = await refused(await create(body()))
    expect(issues(e)).toEqual(['write_permission'])
    expect(detailText(e)).toContain('[dbo].[orders]')
  })

  it('refuses on /test a login that became db_datawriter after creation, unless allowed', async () => {
    has = new Set()
    writable = []
    const conn = await accepted(await create(body()))
    has = new Set(['db_datawriter'])
    expect(issues(await refused(await testConn(conn.id)))).toEqual(['db_datawriter'])
    await t.request('PATCH', `/api/v1/connections/${conn.id}`, { body: { options: { allow_elevated_login: true } } })
    const res = await testConn(conn.id)
    expect(res.status).toBe(200)
    expect((await res.json()).privileges).toMatchObject({ level: 'elevated', findings: [{ code: 'db_datawriter' }] })
  })
})

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })
}
