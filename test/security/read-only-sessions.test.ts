// Layer 2 on its own: the guard is bypassed on purpose (statements go straight
// to Connector.stream) and the database session must still refuse every write.
// Runs against the real PostgreSQL, MariaDB and ClickHouse servers, logging in
// as an all-powerful user on purpose, so layer 3 (grants) cannot be what
// stops the write. After each attempt the victim table must be intact.
//
// Each attempt is also checked against the guard (layer 1), so the same
// statements prove both layers independently.
import { createClient } from '@clickhouse/client'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectorError, type Connector, type ConnectorConfig } from '../../connectors/connector'
import { createConnector } from '../../connectors/registry'
import type { DialectName } from '../../semantic/types'
import { guardSql, SqlGuardError } from '../../src/security/sql-guard'
import { SERVICES, serviceAvailable, type ServiceName } from '../support/services'

const suffix = Math.random().toString(36).slice(2, 8)
const NS = `nx_sec_${suffix}`

interface Attempt {
  title: string
  /** Run in order on the same connector; only the last must fail, earlier ones try to weaken the session. */
  steps: string[]
  /**
   * Set when the database runs the last step even in a read-only session and
   * it is the connector's ROLLBACK that keeps it from persisting: then the
   * test only requires that nothing changed.
   */
  runsButRollsBack?: string
}

interface Engine {
  name: string
  service: ServiceName
  dialect: DialectName
  cfg: ConnectorConfig
  /** The victim table as the statements name it, and as the allow list names it. */
  table: string
  setup(): Promise<void>
  /** The victim table's content as the admin sees it (throws if the table is gone). */
  snapshot(): Promise<string>
  /** Names of the tables in the test namespace. */
  tables(): Promise<string[]>
  teardown(): Promise<void>
  attempts: Attempt[]
}

const write = (title: string, ...steps: string[]): Attempt => ({ title, steps })
const rolledBack = (title: string, why: string, ...steps: string[]): Attempt => ({ title, steps, runsButRollsBack: why })

// ---------------------------------------------------------------- PostgreSQL
const pgAdmin = async <T extends pg.QueryResultRow>(sql: string): Promise<T[]> => {
  const c = new pg.Client({ connectionString: SERVICES.postgres.url })
  await c.connect()
  try { return (await c.query<T>(sql)).rows } finally { await c.end() }
}
const PGT = `"${NS}".victims`
const postgres: Engine = {
  name: 'PostgreSQL',
  service: 'postgres',
  dialect: 'postgres',
  cfg: { type: 'postgres', config: { host: SERVICES.postgres.host, port: SERVICES.postgres.port, database: 'postgres', user: 'postgres', ssl: 'disable' }, credentials: {} },
  table: PGT,
  async setup() {
    await pgAdmin(`CREATE SCHEMA "${NS}"; CREATE TABLE ${PGT} (id int PRIMARY KEY, name text NOT NULL);
      INSERT INTO ${PGT} VALUES (1, 'ada'), (2, 'grace'), (3, 'linus'); CREATE SEQUENCE "${NS}".victims_seq`)
  },
  async snapshot() {
    const rows = await pgAdmin<{ id: number; name: string }>(`SELECT id, name FROM ${PGT} ORDER BY id`)
    const seq = await pgAdmin(`SELECT last_value, is_called FROM "${NS}".victims_seq`)
    const lo = await pgAdmin('SELECT count(*)::int AS n FROM pg_largeobject_metadata')
    return JSON.stringify({ rows, seq, lo })
  },
  async tables() {
    return (await pgAdmin<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = '${NS}' ORDER BY 1`)).map((r) => r.t)
  },
  async teardown() { await pgAdmin(`DROP SCHEMA IF EXISTS "${NS}" CASCADE`) },
  attempts: [
    write('DELETE', `DELETE FROM ${PGT}`),
    write('UPDATE', `UPDATE ${PGT} SET name = 'pwned'`),
    write('INSERT', `INSERT INTO ${PGT} VALUES (99, 'mallory')`),
    write('DROP TABLE', `DROP TABLE ${PGT}`),
    write('TRUNCATE', `TRUNCATE ${PGT}`),
    write('COMMIT then DELETE (escaping the read-only transaction)', `COMMIT; DELETE FROM ${PGT}`),
    write('ROLLBACK then DROP', `ROLLBACK; DROP TABLE ${PGT}`),
    write('data-modifying CTE', `WITH d AS (DELETE FROM ${PGT} RETURNING *) SELECT * FROM d`),
    write('SELECT INTO', `SELECT * INTO "${NS}".stolen FROM ${PGT}`),
    write('CREATE TABLE AS', `CREATE TABLE "${NS}".stolen AS SELECT * FROM ${PGT}`),
    write('sequence write through nextval', `SELECT nextval('"${NS}".victims_seq')`),
    // PostgreSQL lets lo_create / lo_from_bytea run in a READ ONLY transaction;
    // only the connector's ROLLBACK keeps the object from persisting (the guard
    // denies lo_*, and grants can revoke them: see src/security/README.md).
    rolledBack('large object creation', 'lo_* functions are not blocked by READ ONLY', 'SELECT lo_create(0)'),
    rolledBack('large object from bytea', 'lo_* functions are not blocked by READ ONLY', "SELECT lo_from_bytea(0, 'pwned'::bytea)"),
    write('DO block', `DO $$ BEGIN DELETE FROM ${PGT}; END $$`),
    write('GRANT', `GRANT ALL ON ${PGT} TO PUBLIC`),
    write('set_config to turn read-only off, then DELETE', "SELECT set_config('default_transaction_read_only', 'off', false)", `DELETE FROM ${PGT}`),
    write('SET SESSION CHARACTERISTICS read write, then DELETE', 'SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE', `DELETE FROM ${PGT}`),
    write('SET TRANSACTION READ WRITE inside the query', `SET TRANSACTION READ WRITE; DELETE FROM ${PGT}`),
  ],
}

// ---------------------------------------------------------------- MariaDB
const myAdmin = async <T>(sql: string): Promise<T> => {
  const c = await mysql.createConnection({ host: SERVICES.mariadb.host, port: SERVICES.mariadb.port, user: 'root', multipleStatements: true })
  try { return (await c.query(sql))[0] as T } finally { await c.end() }
}
const MYT = `\`${NS}\`.victims`
const mariadb: Engine = {
  name: 'MariaDB',
  service: 'mariadb',
  dialect: 'mysql',
  cfg: { type: 'mysql', config: { host: SERVICES.mariadb.host, port: SERVICES.mariadb.port, database: NS, user: 'root', ssl: 'disable' }, credentials: {} },
  table: MYT,
  async setup() {
    await myAdmin(`CREATE DATABASE \`${NS}\`; CREATE TABLE ${MYT} (id int PRIMARY KEY, name varchar(50) NOT NULL);
      INSERT INTO ${MYT} VALUES (1, 'ada'), (2, 'grace'), (3, 'linus')`)
  },
  async snapshot() {
    return JSON.stringify(await myAdmin(`SELECT id, name FROM ${MYT} ORDER BY id`))
  },
  async tables() {
    const rows = await myAdmin<Array<{ t: string }>>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = '${NS}' ORDER BY 1`)
    return rows.map((r) => r.t)
  },
  async teardown() { await myAdmin(`DROP DATABASE IF EXISTS \`${NS}\``) },
  attempts: [
    write('DELETE', `DELETE FROM ${MYT}`),
    write('UPDATE', `UPDATE ${MYT} SET name = 'pwned'`),
    write('INSERT', `INSERT INTO ${MYT} VALUES (99, 'mallory')`),
    write('REPLACE', `REPLACE INTO ${MYT} VALUES (1, 'mallory')`),
    write('DROP TABLE (DDL commits implicitly in MySQL)', `DROP TABLE ${MYT}`),
    write('TRUNCATE', `TRUNCATE TABLE ${MYT}`),
    write('ALTER TABLE', `ALTER TABLE ${MYT} ADD COLUMN pwned int`),
    write('RENAME TABLE', `RENAME TABLE ${MYT} TO \`${NS}\`.gone`),
    write('CREATE TABLE AS', `CREATE TABLE \`${NS}\`.stolen AS SELECT * FROM ${MYT}`),
    write('COMMIT then DELETE (stacked)', `COMMIT; DELETE FROM ${MYT}`),
    write('SELECT then DELETE (stacked)', `SELECT 1; DELETE FROM ${MYT}`),
    write('SET SESSION TRANSACTION READ WRITE, then DELETE', 'SET SESSION TRANSACTION READ WRITE', `DELETE FROM ${MYT}`),
    write('COMMIT, then DELETE on the same pooled session', 'COMMIT', `DELETE FROM ${MYT}`),
    write('executable comment carrying a DELETE', `/*!50000 DELETE FROM ${MYT} */`),
  ],
}

// ---------------------------------------------------------------- ClickHouse
const chUrl = `http://${SERVICES.clickhouse.host}:${SERVICES.clickhouse.port}`
const chAdmin = async (sql: string): Promise<unknown[]> => {
  const c = createClient({ url: chUrl })
  try {
    if (!/^\s*SELECT/i.test(sql)) { await c.command({ query: sql }); return [] }
    const rs = await c.query({ query: sql, format: 'JSONEachRow' })
    return await rs.json()
  } finally { await c.close() }
}
const CHT = `\`${NS}\`.victims`
const clickhouse: Engine = {
  name: 'ClickHouse',
  service: 'clickhouse',
  dialect: 'clickhouse',
  cfg: { type: 'clickhouse', config: { host: SERVICES.clickhouse.host, port: SERVICES.clickhouse.port, database: NS, user: 'default', ssl: 'disable' }, credentials: {} },
  table: CHT,
  async setup() {
    await chAdmin(`CREATE DATABASE \`${NS}\``)
    await chAdmin(`CREATE TABLE ${CHT} (id UInt32, name String) ENGINE = MergeTree ORDER BY id`)
    await chAdmin(`INSERT INTO ${CHT} VALUES (1, 'ada'), (2, 'grace'), (3, 'linus')`)
  },
  async snapshot() {
    return JSON.stringify(await chAdmin(`SELECT id, name FROM ${CHT} ORDER BY id`))
  },
  async tables() {
    const rows = (await chAdmin(`SELECT name FROM system.tables WHERE database = '${NS}' ORDER BY name`)) as Array<{ name: string }>
    return rows.map((r) => r.name)
  },
  async teardown() { await chAdmin(`DROP DATABASE IF EXISTS \`${NS}\``) },
  attempts: [
    write('INSERT', `INSERT INTO ${CHT} VALUES (99, 'mallory')`),
    write('INSERT with SETTINGS readonly = 0', `INSERT INTO ${CHT} SETTINGS readonly = 0 VALUES (99, 'mallory')`),
    write('ALTER TABLE DELETE (mutation)', `ALTER TABLE ${CHT} DELETE WHERE 1 = 1`),
    write('ALTER TABLE UPDATE (mutation)', `ALTER TABLE ${CHT} UPDATE name = 'pwned' WHERE 1 = 1`),
    write('DROP TABLE', `DROP TABLE ${CHT}`),
    write('TRUNCATE', `TRUNCATE TABLE ${CHT}`),
    write('RENAME TABLE', `RENAME TABLE ${CHT} TO \`${NS}\`.gone`),
    write('CREATE TABLE AS', `CREATE TABLE \`${NS}\`.stolen ENGINE = Memory AS SELECT * FROM ${CHT}`),
    write('DETACH TABLE', `DETACH TABLE ${CHT}`),
    write('SET readonly = 0, then INSERT', 'SET readonly = 0', `INSERT INTO ${CHT} VALUES (99, 'mallory')`),
    write('SELECT with SETTINGS readonly = 0', `SELECT * FROM ${CHT} SETTINGS readonly = 0`),
    write('OPTIMIZE TABLE FINAL', `OPTIMIZE TABLE ${CHT} FINAL`),
    // Not listed: table functions (url, file, remote...). They read rather than
    // write, and with a login whose profile is not readonly the connector runs
    // queries at readonly=2, which permits them: only the guard and the login's
    // grants (no SOURCES / CREATE TEMPORARY TABLE) stop them. See src/security/README.md.
  ],
}

// ---------------------------------------------------------------- the suite
// A statement that returns no result set may only end at the time limit on
// some connectors, hence a short one.
async function drain(c: Connector, sql: string): Promise<unknown[][]> {
  const rows: unknown[][] = []
  const ac = new AbortController()
  for await (const batch of c.stream({ sql, params: [] }, { signal: ac.signal, maxRows: 1000, timeoutMs: 5_000 })) rows.push(...batch.rows)
  return rows
}

for (const engine of [postgres, mariadb, clickhouse]) {
  const ok = await serviceAvailable(engine.service)
  describe.skipIf(!ok)(`read-only session on ${engine.name} (guard bypassed)`, () => {
    let connector: Connector
    let before: string

    beforeAll(async () => {
      await engine.teardown().catch(() => {})
      await engine.setup()
      before = await engine.snapshot()
      connector = createConnector(engine.cfg)
    })
    afterAll(async () => {
      await connector?.close()
      await engine.teardown()
    })

    it('reads the victim table through the connector (the session works)', async () => {
      const rows = await drain(connector, `SELECT id, name FROM ${engine.table} ORDER BY id`)
      expect(rows.map((r) => [Number(r[0]), r[1]])).toEqual([[1, 'ada'], [2, 'grace'], [3, 'linus']])
    })

    it.each(engine.attempts.map((a) => [a.title, a] as const))('refuses %s in the guard and in the session', async (_t, attempt) => {
      const last = attempt.steps[attempt.steps.length - 1]
      // Layer 1 alone refuses every step.
      for (const step of attempt.steps) {
        expect(() => guardSql(step, { dialect: engine.dialect, allowedRelations: [engine.table] })).toThrow(SqlGuardError)
      }
      // Layer 2 alone: earlier steps may or may not be accepted by the database; the write must not be.
      for (const step of attempt.steps.slice(0, -1)) await drain(connector, step).catch(() => {})
      const err = await drain(connector, last).then(() => undefined, (e: unknown) => e)
      if (!attempt.runsButRollsBack) expect(err, `the database accepted: ${last}`).toBeInstanceOf(ConnectorError)
      expect(await engine.snapshot()).toBe(before)
      expect(await engine.tables()).toEqual(['victims'])
    })

    it('leaves the table intact after every attempt', async () => {
      expect(await engine.snapshot()).toBe(before)
    })
  })
}
