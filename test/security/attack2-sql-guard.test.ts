// Second red team against the SQL guard: two shapes that named data outside
// the allow list without a FROM the guard could see.
//
// - PostgreSQL: a type name may be a table's row type. `NULL::other.secret`
//   resolves the table, and `row_to_json(json_populate_record(NULL::other.secret,
//   '{}'))` answers `{"<each column>":null}` with no SELECT right on it: the
//   existence and the columns of any table in a schema the login can use.
//   Index-maintenance functions that take a regclass (`brin_summarize_new_values`)
//   look a text argument up by name, another existence oracle; `getpgusername()`
//   is `current_user` under an older name.
// - ClickHouse: `x IN tbl` reads tbl, and the server drops parentheses and
//   aliases around the name first, so `x IN (tbl AS t)` and `x IN ((tbl))`
//   read it too (a membership oracle over a table outside the allow list).
// - SQL Server: table hints `WITH (UPDLOCK)`, `XLOCK`, `TABLOCK`, `HOLDLOCK`
//   passed, though the guard promises no locking reads, and SQL Server has no
//   read-only session to fall back on.
// - Snowflake: EXTRACT_SEMANTIC_CATEGORIES('other.secret') samples a table named
//   as text, outside the allow list; TO_QUERY runs SQL given as text.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { guardSql, SqlGuardError } from '../../src/security/sql-guard'
import type { DialectName } from '../../semantic/types'
import type { TestApp } from '../support/test-app'
import { SERVICES, serviceAvailable } from '../support/services'
import type { FakeOpenAIServer } from '../support/fake-openai-server'
import { sqlAnswer, startRawSqlWarehouse, type RawSqlWarehouse } from './raw-sql-warehouse'

function reasons(sql: string, dialect: DialectName, allowed = ['orders']): string[] {
  try {
    guardSql(sql, { dialect, allowedRelations: allowed, defaultSchema: dialect === 'postgres' ? 'public' : undefined })
  } catch (e) {
    if (e instanceof SqlGuardError) return e.reasons
    throw e
  }
  return []
}

describe('PostgreSQL type names that name a table', () => {
  it.each([
    "SELECT row_to_json(json_populate_record(NULL::other.secret, '{}')) FROM orders",
    'SELECT (NULL::other.secret).v FROM orders',
    'SELECT CAST(NULL AS other.secret) FROM orders',
    'SELECT NULL::secret[] FROM orders',
    'SELECT to_json(NULL::pg_catalog.pg_authid) FROM orders',
    "SELECT x FROM orders, json_to_record('{}') AS r(x other.secret)",
  ])('refuses the row type of a relation outside the allow list: %s', (sql) => {
    expect(reasons(sql, 'postgres').join('; ')).toMatch(/"(other\.secret|secret|pg_catalog\.pg_authid)" is not on this connection's allow list/)
  })

  it('accepts the row type of an allowed relation', () => {
    expect(reasons("SELECT row_to_json(json_populate_record(NULL::orders, '{}')) FROM orders", 'postgres')).toEqual([])
  })

  it.each(['postgres', 'redshift'] as const)('keeps accepting the built-in types analysts and the compiler cast to on %s', (dialect) => {
    const sql = 'SELECT id::int, id::integer, id::bigint, amount::numeric(10,2), amount::double precision, amount::float, ' +
      "d::date, d::timestamp with time zone, d::timestamptz, x::text, x::varchar(3), CAST(x AS character varying), '{}'::jsonb, " +
      "x::boolean, x::real, x::char(2), x::interval, x::uuid, x::int[], CAST(id AS DECIMAL(10,2)), pg_catalog.int4 '1', " +
      "interval '1 day', date '2024-01-01', timestamp '2024-01-01' FROM orders"
    expect(reasons(sql, dialect)).toEqual([])
  })

  it.each([
    "SELECT brin_summarize_new_values('other.secret')",
    "SELECT brin_summarize_range('other.secret_idx', 0)",
    "SELECT brin_desummarize_range('other.secret_idx', 0)",
    "SELECT gin_clean_pending_list('other.secret_idx')",
  ])('refuses index maintenance that looks a relation up by name: %s', (sql) => {
    expect(reasons(sql, 'postgres').join('; ')).toMatch(/is not allowed/)
  })

  it.each([
    ['SELECT getpgusername()', 'getpgusername'],
    ['SELECT pg_catalog.getpgusername()', 'pg_catalog.getpgusername'],
    ['SELECT get_current_ts_config()', 'get_current_ts_config'],
    ['SELECT satisfies_hash_partition(16384, 1, 0, 1)', 'satisfies_hash_partition'],
    ["SELECT binary_upgrade_set_next_pg_type_oid(1)", 'binary_upgrade_set_next_pg_type_oid'],
  ])('refuses the session, catalog and upgrade functions the lists missed: %s', (sql, fn) => {
    expect(reasons(sql, 'postgres')).toContain(`the function "${fn}" is not allowed: it reaches outside the allowed relations, reveals catalog or server information, or changes server state`)
  })
})

describe('SQL Server table hints that take locks', () => {
  // SQL Server has no read-only session: the guard is what keeps a SELECT from
  // holding update, exclusive or table locks that block the warehouse's writers.
  it.each(['UPDLOCK', 'XLOCK', 'TABLOCK', 'HOLDLOCK', 'SERIALIZABLE', 'REPEATABLEREAD', 'PAGLOCK', 'ROWLOCK', 'NOLOCK, UPDLOCK'])(
    'refuses WITH (%s)', (hint) => {
      expect(reasons(`SELECT * FROM orders WITH (${hint})`, 'mssql').join('; ')).toMatch(/the table hint "\w+" is not allowed/)
    })

  it.each(['NOLOCK', 'READUNCOMMITTED', 'READPAST', 'NOWAIT', 'FORCESEEK'])('still accepts WITH (%s)', (hint) => {
    expect(reasons(`SELECT * FROM orders WITH (${hint})`, 'mssql')).toEqual([])
  })
})

describe('Snowflake functions that take a table by name or a query as text', () => {
  it.each([
    ["SELECT EXTRACT_SEMANTIC_CATEGORIES('other.secret')", 'EXTRACT_SEMANTIC_CATEGORIES'],
    ["SELECT TO_QUERY('SELECT * FROM other.secret')", 'TO_QUERY'],
  ])('refuses %s', (sql, fn) => {
    expect(reasons(sql, 'snowflake').join('; ')).toContain(`the function "${fn}" is not allowed`)
  })
})

describe('MariaDB Galera wait and state functions', () => {
  it.each(["SELECT WSREP_SYNC_WAIT_UPTO_GTID('0-1-1', 100) FROM orders", 'SELECT WSREP_LAST_SEEN_GTID() FROM orders', 'SELECT WSREP_LAST_WRITTEN_GTID() FROM orders'])(
    'refuses %s like MASTER_GTID_WAIT and BINLOG_GTID_POS', (sql) => {
      expect(reasons(sql, 'mysql').join('; ')).toMatch(/the function "WSREP_\w+" is not allowed/)
    })
})

describe('ClickHouse IN over a table in disguise', () => {
  it.each([
    ['id IN (secret AS s)', 'secret'],
    ['id IN ((secret))', 'secret'],
    ['id IN ((secret AS s))', 'secret'],
    ['id IN (((secret) AS s))', 'secret'],
    ['id IN (db.secret AS s)', 'db.secret'],
    ['id GLOBAL NOT IN (`secret` AS s)', 'secret'],
  ])('records %s as a read of %s', (where, table) => {
    expect(reasons(`SELECT id FROM orders WHERE ${where}`, 'clickhouse')).toEqual([`the relation "${table}" is not on this connection's allow list`])
  })

  it.each(['id IN (orders AS o)', 'id IN (1, 2)', 'id IN (1 AS one)', 'id IN (id + 1)', 'id IN tuple(1, 2)', 'id IN (SELECT id FROM orders)'])(
    'still accepts %s', (where) => {
      expect(reasons(`SELECT id FROM orders WHERE ${where}`, 'clickhouse')).toEqual([])
    })
})

const hasCh = await serviceAvailable('clickhouse')

describe.skipIf(!hasCh)('the ClickHouse server reads a table through the disguised IN', () => {
  const table = `nexatron_attack2_${randomBytes(4).toString('hex')}`
  const url = `http://${SERVICES.clickhouse.host}:${SERVICES.clickhouse.port}/`
  const run = async (sql: string) => {
    const res = await fetch(url, { method: 'POST', body: sql })
    return { ok: res.ok, text: await res.text() }
  }
  beforeAll(async () => {
    expect((await run(`CREATE TABLE ${table} (x UInt32) ENGINE = Memory`)).ok).toBe(true)
    expect((await run(`INSERT INTO ${table} VALUES (1), (3)`)).ok).toBe(true)
  })
  afterAll(async () => { await run(`DROP TABLE IF EXISTS ${table}`) })

  it.each([`(${table} AS s)`, `((${table}))`])('answers the rows of the table for n IN %s, and the guard refuses it', async (rhs) => {
    const sql = `SELECT toUInt32(number) AS n FROM numbers(5) WHERE n IN ${rhs} ORDER BY n`
    const res = await run(sql)
    expect(res.text.trim().split('\n')).toEqual(['1', '3'])
    expect(reasons(sql, 'clickhouse', ['numbers'])).toContain(`the relation "${table}" is not on this connection's allow list`)
  })
})

const hasPg = await serviceAvailable('postgres')

describe.skipIf(!hasPg)('through the API on PostgreSQL with raw SQL allowed', () => {
  let w: RawSqlWarehouse
  let llm: FakeOpenAIServer
  let t: TestApp
  let connId: string

  beforeAll(async () => {
    w = await startRawSqlWarehouse(`nexatron_attack2_${randomBytes(4).toString('hex')}`, `CREATE TABLE shop.salaries (employee text, hidden_ssn_column text); INSERT INTO shop.salaries VALUES ('x', 'top-secret-value');`)
    ;({ t, llm, connId } = w)
  }, 60_000)
  afterAll(async () => { await w?.close() })
  beforeEach(() => llm.reset())

  it('runs a row type of the allowed relation (control)', async () => {
    llm.enqueue(sqlAnswer("SELECT row_to_json(json_populate_record(NULL::shop.items, '{}'))::text AS r FROM shop.items LIMIT 1"))
    const res = await t.request('POST', '/api/v1/query', { body: { question: 'columns of items', connection_id: connId } })
    expect(res.status).toBe(200)
    expect(JSON.stringify((await res.json()).data)).toContain('made_on')
  })

  it.each([
    "SELECT row_to_json(json_populate_record(NULL::shop.salaries, '{}'))::text AS r FROM shop.items LIMIT 1",
    "SELECT brin_summarize_new_values('shop.salaries') AS r FROM shop.items LIMIT 1",
  ])('answers 422 to %s and says nothing of the other table', async (sql) => {
    llm.enqueue(sqlAnswer(sql), sqlAnswer(sql))
    const res = await t.request('POST', '/api/v1/query', { body: { question: 'which columns does salaries have?', connection_id: connId } })
    const text = await res.text()
    expect(res.status, text.slice(0, 300)).toBe(422)
    expect(JSON.parse(text).error.code).toBe('llm_invalid_plan')
    expect(text).not.toContain('hidden_ssn_column')
    expect(text).not.toContain('is not an index')
  })
})
