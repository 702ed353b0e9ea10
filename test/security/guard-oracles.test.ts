// Raw SQL must not be an oracle for what lies outside the semantic layer.
// With allow_raw_sql the guard once let through catalog probes and server
// information: to_regclass('other.secret') (does a table exist?),
// has_table_privilege(...) (may the login read it?), version(),
// inet_server_addr(), current_user, current_database(). Each dialect's
// probes are refused; the allowed relations stay the only way to name data,
// and the date and time functions analysts use keep working.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { guardSql, SqlGuardError } from '../../src/security/sql-guard'
import { randomBytes } from 'node:crypto'
import type { DialectName } from '../../semantic/types'
import type { TestApp } from '../support/test-app'
import { serviceAvailable } from '../support/services'
import type { FakeOpenAIServer } from '../support/fake-openai-server'
import { sqlAnswer, startRawSqlWarehouse, type RawSqlWarehouse } from './raw-sql-warehouse'

function reasons(sql: string, dialect: DialectName): string[] {
  try {
    guardSql(sql, { dialect, allowedRelations: ['t'] })
  } catch (e) {
    if (e instanceof SqlGuardError) return e.reasons
    throw e
  }
  return []
}

const PROBES: Array<[DialectName, string]> = [
  // PostgreSQL: existence, rights, descriptions, session and server.
  ['postgres', "SELECT to_regclass('other.secret')"],
  ['postgres', "SELECT to_regnamespace('other'), to_regproc('f'), to_regtype('t'), to_regrole('r')"],
  ['postgres', "SELECT 'other.secret'::regclass::oid"],
  ['postgres', "SELECT CAST('other.secret' AS pg_catalog.regclass)"],
  ['postgres', "SELECT regclass('other.secret')"],
  ['postgres', "SELECT has_table_privilege('other.secret', 'SELECT')"],
  ['postgres', "SELECT has_schema_privilege('other', 'USAGE'), has_database_privilege('postgres', 'CONNECT')"],
  ['postgres', "SELECT pg_has_role('postgres', 'MEMBER')"],
  ['postgres', 'SELECT version()'],
  ['postgres', 'SELECT pg_catalog.version()'],
  ['postgres', 'SELECT inet_server_addr(), inet_server_port()'],
  ['postgres', 'SELECT inet_client_addr()'],
  ['postgres', 'SELECT current_user'],
  ['postgres', 'SELECT session_user'],
  ['postgres', 'SELECT user'],
  ['postgres', 'SELECT current_role'],
  ['postgres', 'SELECT system_user'],
  ['postgres', 'SELECT current_database()'],
  ['postgres', 'SELECT current_catalog'],
  ['postgres', 'SELECT current_schema'],
  ['postgres', 'SELECT current_schemas(true)'],
  ['postgres', 'SELECT obj_description(1), col_description(1, 1)'],
  ['postgres', 'SELECT txid_current_snapshot()'],
  ['postgres', "SELECT a FROM t WHERE a = current_user"],
  ['redshift', 'SELECT version()'],
  ['redshift', 'SELECT current_user_id'],
  ['redshift', 'SELECT session_user'],
  ['redshift', "SELECT has_table_privilege('other.secret', 'select')"],
  // MySQL / MariaDB (@@variables are refused by the lexer already).
  ['mysql', 'SELECT version()'],
  ['mysql', 'SELECT database()'],
  ['mysql', 'SELECT schema()'],
  ['mysql', 'SELECT user()'],
  ['mysql', 'SELECT current_user()'],
  ['mysql', 'SELECT session_user(), system_user()'],
  ['mysql', 'SELECT connection_id()'],
  ['mysql', 'SELECT current_role()'],
  ['mysql', 'SELECT @@version'],
  ['mysql', 'SELECT @@hostname'],
  ['mysql', 'SELECT sys.version_major()'],
  // ClickHouse.
  ['clickhouse', 'SELECT version()'],
  ['clickhouse', 'SELECT currentDatabase()'],
  ['clickhouse', 'SELECT currentUser()'],
  ['clickhouse', 'SELECT hostName()'],
  ['clickhouse', 'SELECT FQDN()'],
  ['clickhouse', 'SELECT uptime()'],
  ['clickhouse', "SELECT getSetting('max_threads')"],
  ['clickhouse', 'SELECT serverUUID()'],
  ['clickhouse', 'SELECT currentRoles(), enabledProfiles()'],
  ['clickhouse', 'SELECT database(), user()'],
  // SQL Server.
  ['mssql', 'SELECT @@VERSION'],
  ['mssql', 'SELECT DB_NAME()'],
  ['mssql', 'SELECT SUSER_NAME(), SUSER_SNAME()'],
  ['mssql', 'SELECT USER_NAME()'],
  ['mssql', 'SELECT HOST_NAME()'],
  ['mssql', "SELECT OBJECT_ID('other.secret')"],
  ['mssql', "SELECT HAS_PERMS_BY_NAME('other.secret', 'OBJECT', 'SELECT')"],
  ['mssql', "SELECT SERVERPROPERTY('MachineName')"],
  ['mssql', "SELECT IS_SRVROLEMEMBER('sysadmin')"],
  ['mssql', 'SELECT CURRENT_USER'],
  ['mssql', 'SELECT SYSTEM_USER'],
  // Snowflake.
  ['snowflake', 'SELECT CURRENT_USER()'],
  ['snowflake', 'SELECT CURRENT_ROLE()'],
  ['snowflake', 'SELECT CURRENT_ACCOUNT()'],
  ['snowflake', 'SELECT CURRENT_DATABASE()'],
  ['snowflake', 'SELECT CURRENT_VERSION()'],
  ['snowflake', 'SELECT CURRENT_WAREHOUSE(), CURRENT_REGION()'],
  ['snowflake', "SELECT IS_ROLE_IN_SESSION('ACCOUNTADMIN')"],
  // BigQuery.
  ['bigquery', 'SELECT SESSION_USER()'],
  ['bigquery', 'SELECT @@project_id'],
]

// Those the function policy itself refuses (the rest fail earlier: lexer or grammar).
const POLICY_REFUSES = /is not allowed|looks up catalog objects/

describe('catalog probes and server information in raw SQL', () => {
  it.each(PROBES)('refuses on %s: %s', (dialect, sql) => {
    const r = reasons(sql, dialect)
    expect(r.length, `${dialect}: ${sql}`).toBeGreaterThan(0)
  })

  it.each(PROBES.filter(([, sql]) => !sql.includes('@@') && !/^SELECT (CURRENT_USER|SYSTEM_USER)$/.test(sql)))(
    'refuses on %s by the function policy: %s', (dialect, sql) => {
      expect(reasons(sql, dialect).join('; ')).toMatch(POLICY_REFUSES)
    })

  it.each([
    ['postgres', 'SELECT current_date, current_timestamp, localtimestamp, now(), age(now(), now()) FROM t'],
    ['postgres', "SELECT date_trunc('month', current_timestamp(0)), CAST(a AS text)::date FROM t"],
    ['redshift', 'SELECT current_date, getdate() FROM t'],
    ['mysql', 'SELECT now(), current_date, current_timestamp(), curdate(), utc_timestamp() FROM t'],
    ['clickhouse', 'SELECT now(), today(), toStartOfMonth(now()) FROM t'],
    ['mssql', 'SELECT GETDATE(), CURRENT_TIMESTAMP, SYSUTCDATETIME() FROM t'],
    ['snowflake', 'SELECT CURRENT_DATE, CURRENT_TIMESTAMP(), CURRENT_TIME() FROM t'],
    ['bigquery', 'SELECT CURRENT_DATE(), CURRENT_TIMESTAMP() FROM t'],
  ] as Array<[DialectName, string]>)('still accepts the date and time functions on %s', (dialect, sql) => {
    expect(reasons(sql, dialect)).toEqual([])
  })
})

const hasPg = await serviceAvailable('postgres')
const DB = `nexatron_oracles_${randomBytes(4).toString('hex')}`

describe.skipIf(!hasPg)('through the API on PostgreSQL with raw SQL allowed', () => {
  let w: RawSqlWarehouse
  let llm: FakeOpenAIServer
  let t: TestApp
  let connId: string

  beforeAll(async () => {
    w = await startRawSqlWarehouse(DB, `CREATE SCHEMA other; CREATE TABLE other.secret (v text); INSERT INTO other.secret VALUES ('top-secret-value');`)
    ;({ t, llm, connId } = w)
  }, 60_000)
  afterAll(async () => { await w?.close() })
  beforeEach(() => llm.reset())

  it('runs raw SQL over the allowed relation (control)', async () => {
    llm.enqueue(sqlAnswer('SELECT kind, sum(amount) AS amount FROM shop.items WHERE made_on <= current_date GROUP BY kind ORDER BY kind'))
    const res = await t.request('POST', '/api/v1/query', { body: { question: 'amount by kind', connection_id: connId } })
    expect(res.status).toBe(200)
    expect((await res.json()).data).toHaveLength(2)
  })

  it.each([
    ["SELECT to_regclass('other.secret')::text AS r", 'other.secret'],
    ["SELECT has_table_privilege('other.secret', 'SELECT') AS r", 'true'],
    ["SELECT 'other.secret'::regclass::oid AS r", ''],
    ['SELECT version() AS r', 'PostgreSQL'],
    ['SELECT inet_server_addr()::text AS r', '127.0.0.1'],
    ['SELECT current_user AS r, current_database() AS d', DB],
  ])('answers 422 to %s and returns nothing it learned', async (sql, leak) => {
    llm.enqueue(sqlAnswer(sql), sqlAnswer(sql))
    const res = await t.request('POST', '/api/v1/query', { body: { question: 'what tables exist?', connection_id: connId } })
    const text = await res.text()
    expect(res.status, text.slice(0, 300)).toBe(422)
    expect(JSON.parse(text).error.code).toBe('llm_invalid_plan')
    expect(text).not.toContain('"data"')
    if (leak) expect(text).not.toContain(leak === 'other.secret' ? '"r":"other.secret"' : leak)
    expect(text).not.toContain('top-secret-value')
  })
})
