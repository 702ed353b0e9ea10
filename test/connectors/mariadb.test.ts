// The shared suite against the real MariaDB server (MySQL protocol), plus
// MySQL-family checks. The fixture lives in its own database, dropped after.
import mysql from 'mysql2/promise'
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import type { ConnectorConfig } from '../../connectors/connector'
import { createMysqlConnector, mysqlFlavor, mysqlLiteral } from '../../connectors/mysql/connector'
import { SERVICES, serviceAvailable } from '../support/services'
import { collect, expectConnectorError, rowsOf, runConnectorSuite, waitFor, type ConfigChange } from './suite'

const ok = await serviceAvailable('mariadb')
const suffix = Math.random().toString(36).slice(2, 8)
const db = `nx_suite_${suffix}`
const roUser = `nx_ro_${suffix}`
const roPassword = `pw-${suffix}-Secret`

const base: ConnectorConfig = {
  type: 'mysql',
  config: { host: SERVICES.mariadb.host, port: SERVICES.mariadb.port, database: db, user: 'root', ssl: 'disable' },
  credentials: { password: '' },
  options: { pool_max: 4 },
}
const merge = (change: ConfigChange): ConnectorConfig => ({
  type: base.type,
  config: { ...base.config, ...change.config },
  credentials: { ...base.credentials, ...change.credentials },
  options: { ...base.options, ...change.options },
})

async function admin(sql: string, params: unknown[] = []): Promise<unknown> {
  const c = await mysql.createConnection({ host: SERVICES.mariadb.host, port: SERVICES.mariadb.port, user: 'root', password: '' })
  try { return (await c.query(sql, params))[0] } finally { await c.end() }
}

const q = (t: string) => `\`${db}\`.\`${t}\``

runConnectorSuite('mariadb', async () => ({
  connector: createMysqlConnector(base),
  make: (change) => createMysqlConnector(merge(change)),
  admin: async (sql) => { await admin(sql) },
  sql: {
    schema: db,
    setup: [
      `CREATE DATABASE \`${db}\``,
      `CREATE TABLE ${q('suite_customers')} (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL) ENGINE=InnoDB`,
      `CREATE TABLE ${q('suite_orders')} (id INT PRIMARY KEY, customer_id INT, amount DECIMAL(12,2) NOT NULL, ordered_on DATE, paid BOOLEAN,
        FOREIGN KEY (customer_id) REFERENCES ${q('suite_customers')} (id)) ENGINE=InnoDB`,
      `CREATE TABLE ${q('suite_numbers')} (n INT PRIMARY KEY) ENGINE=InnoDB`,
      `INSERT INTO ${q('suite_numbers')} SELECT seq FROM \`${db}\`.seq_1_to_5000`,
      `INSERT INTO ${q('suite_customers')} VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Linus')`,
      `INSERT INTO ${q('suite_orders')} VALUES (10, 1, 12.50, '2024-01-15', TRUE), (11, 1, 99999999.99, '2024-02-29', FALSE), (12, 2, 0.01, '2023-12-31', NULL)`,
    ],
    teardown: [`DROP DATABASE IF EXISTS \`${db}\``, `DROP USER IF EXISTS '${roUser}'@'%'`],
    table: q,
    // MySQL has no boolean type: BOOLEAN is TINYINT(1), so `b` comes from such a column.
    types: `SELECT 42 AS i, 9007199254740993 AS big, CAST(12345678901234567.89 AS DECIMAL(20,2)) AS \`dec\`, 1.5e0 AS f,
      o.paid AS b, DATE '2024-02-29' AS d, TIMESTAMP '2024-02-29 13:45:30' AS ts,
      'O\\'Reilly ✓' AS s, NULL AS n FROM ${q('suite_orders')} AS o WHERE o.id = 10`,
    series: (n) => `SELECT n FROM ${q('suite_numbers')} WHERE n <= ${n} ORDER BY n`,
    slow: (marker) => `SELECT SLEEP(30) AS slept, '${marker}' AS marker`,
    writes: [
      `INSERT INTO ${q('suite_customers')} (id, name) VALUES (4, 'Mallory')`,
      `REPLACE INTO ${q('suite_customers')} (id, name) VALUES (1, 'Mallory')`,
      `UPDATE ${q('suite_orders')} SET amount = 0`,
      `DELETE FROM ${q('suite_customers')}`,
      `TRUNCATE TABLE ${q('suite_orders')}`,
      `DROP TABLE ${q('suite_orders')}`,
      `CREATE TABLE ${q('suite_evil')} (id INT)`,
      `ALTER TABLE ${q('suite_customers')} ADD COLUMN evil INT`,
      `COMMIT; DELETE FROM ${q('suite_customers')}`,
      `SELECT 1; DELETE FROM ${q('suite_customers')}`,
      `LOAD DATA LOCAL INFILE '/etc/passwd' INTO TABLE ${q('suite_customers')}`,
      `CREATE USER 'nx_evil_${suffix}'@'%'`,
    ],
  },
  running: async (marker) => {
    const rows = await admin(`SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE COMMAND = 'Query' AND ID <> CONNECTION_ID() AND INSTR(INFO, ?) > 0`, [marker]) as Array<{ n: number }>
    return Number(rows[0].n)
  },
}), {
  skip: !ok,
  version: /^MariaDB 10\.\d+\.\d+$/,
  primaryKeys: true,
  foreignKeys: true,
  badCredentials: { credentials: { password: 'wrong-password-123' } },
  unreachable: { config: { port: 1 } },
  serverSideCancel: true,
  param: { sql: "SELECT ? AS a, ? AS b, '?' AS c, ? AS d", params: [7, "x'; DROP TABLE t; -- \\", '2024-03-01'], row: [7, "x'; DROP TABLE t; -- \\", '?', '2024-03-01'] },
  extra: (env) => {
    describe('mysql specifics', () => {
      it('works with the SELECT-only account documented in connectors/README.md, and rejects its wrong password', async () => {
        await admin(`CREATE USER '${roUser}'@'%' IDENTIFIED BY '${roPassword}'`)
        await admin(`GRANT SELECT, SHOW VIEW ON \`${db}\`.* TO '${roUser}'@'%'`)
        const c = createMysqlConnector(merge({ config: { user: roUser }, credentials: { password: roPassword } }))
        const bad = createMysqlConnector(merge({ config: { user: roUser }, credentials: { password: 'not-it' } }))
        try {
          const info = await c.introspect()
          expect(info.tables.map((t) => t.name)).toEqual(['suite_customers', 'suite_numbers', 'suite_orders'])
          expect(await rowsOf(c, `SELECT COUNT(*) AS c FROM ${q('suite_orders')}`)).toEqual([['3']])
          await expectConnectorError(rowsOf(c, `INSERT INTO ${q('suite_customers')} VALUES (9, 'x')`), 'permission_denied')
          const e = await expectConnectorError(bad.test(), 'auth_failed')
          expect(e.message).not.toContain('not-it')
          // It can KILL its own statements without PROCESS or SUPER.
          const marker = `nx_rocx_${suffix}`
          const running = async () => Number(((await admin(`SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE COMMAND = 'Query' AND ID <> CONNECTION_ID() AND INSTR(INFO, ?) > 0`, [marker])) as Array<{ n: number }>)[0].n)
          const ac = new AbortController()
          const run = collect(c.stream({ sql: `SELECT SLEEP(30), '${marker}'`, params: [] }, { signal: ac.signal, maxRows: 10, timeoutMs: 60_000 }))
          expect(await waitFor(async () => (await running()) > 0, 5_000)).toBe(true)
          ac.abort()
          await expectConnectorError(run, 'cancelled')
          expect(await waitFor(async () => (await running()) === 0, 5_000)).toBe(true)
        } finally {
          await c.close()
          await bad.close()
        }
      })

      it('maps MySQL column types (unsigned bigint, bit, json, blob, datetime fractions, enum, zero dates)', async () => {
        await admin(`CREATE TABLE ${q('suite_types')} (u BIGINT UNSIGNED, b1 BIT(1), b8 BIT(8), j JSON, bl BLOB, dt DATETIME(3),
          e ENUM('x','y'), tm TIME, yr YEAR, fl FLOAT, vb VARBINARY(4), zd DATE)`)
        await admin(`SET SESSION sql_mode = ''`)
        await admin(`INSERT INTO ${q('suite_types')} VALUES (18446744073709551615, b'1', b'00000101', '{"a":[1,2]}', 'xy', '2024-01-02 03:04:05.678',
          'y', '10:11:12', 2024, 1.5, 0x0102, '2024-05-06')`)
        const { batches } = await collect(env().connector.stream(
          { sql: `SELECT * FROM ${q('suite_types')}`, params: [] }, { signal: new AbortController().signal, maxRows: 10, timeoutMs: 10_000 }))
        const cols = batches[0].columns!.map((c) => `${c.name}:${c.type}:${c.json_type}`)
        expect(cols).toEqual(['u:bigint:string', 'b1:boolean:boolean', 'b8:integer:number', 'j:json:object', 'bl:binary:string',
          'dt:timestamp:string', 'e:string:string', 'tm:string:string', 'yr:integer:number', 'fl:float:number', 'vb:binary:string', 'zd:date:string'])
        expect(batches[0].rows[0]).toEqual(['18446744073709551615', true, 5, { a: [1, 2] }, 'eHk=', '2024-01-02T03:04:05.678', 'y', '10:11:12', 2024, 1.5, 'AQI=', '2024-05-06'])
        const info = await env().connector.introspect()
        const t = info.tables.find((x) => x.name === 'suite_types')!
        expect(t.columns.map((c) => c.type)).toEqual(['bigint', 'boolean', 'integer', 'json', 'binary', 'timestamp', 'string', 'string', 'integer', 'float', 'binary', 'date'])
      })

      it('caps rows in the server too (sql_select_limit) and stops a query with its own LIMIT', async () => {
        const rows = await rowsOf(env().connector, `SELECT n FROM ${q('suite_numbers')} ORDER BY n LIMIT 4000`, [], 7)
        expect(rows).toHaveLength(7)
        expect(await rowsOf(env().connector, `SELECT COUNT(*) FROM ${q('suite_customers')}`)).toEqual([['3']])
      })

      it('binds placeholders only outside quotes and comments, and reports count mismatches', async () => {
        expect(await rowsOf(env().connector, "SELECT ? AS a /* ? */, `?` AS b FROM (SELECT 1 AS `?`) t -- ?\n", [5])).toEqual([[5, 1]])
        await expectConnectorError(rowsOf(env().connector, 'SELECT ? AS a', [1, 2]), 'query_failed')
        await expectConnectorError(rowsOf(env().connector, 'SELECT ? AS a, ? AS b', [1]), 'query_failed')
      })

      it('escapes bound values safely even when the server uses NO_BACKSLASH_ESCAPES', async () => {
        const c = env().connector
        expect(await rowsOf(c, 'SELECT ? AS v', ["\\' OR 1=1 -- "])).toEqual([["\\' OR 1=1 -- "]])
        expect(mysqlLiteral(new Date('2024-01-02T03:04:05.006Z'))).toBe("'2024-01-02 03:04:05.006'")
        expect(mysqlLiteral([1, 'a'])).toBe("1, 'a'")
        expect(() => mysqlLiteral({ a: 1 })).toThrow()
      })

      it('recognizes MySQL 8 and MariaDB 11.1+ and uses their variable names', () => {
        expect(mysqlFlavor('8.0.36')).toMatchObject({ mariadb: false, version: 'MySQL 8.0.36', readOnlyVar: 'transaction_read_only' })
        expect(mysqlFlavor('8.0.36').timeoutSet(1500)).toBe('SESSION max_execution_time = 1500')
        expect(mysqlFlavor('10.11.19-MariaDB-0+deb12u1')).toMatchObject({ mariadb: true, version: 'MariaDB 10.11.19', readOnlyVar: 'tx_read_only' })
        expect(mysqlFlavor('10.11.19-MariaDB').timeoutSet(1500)).toBe('SESSION max_statement_time = 1.500')
        expect(mysqlFlavor('11.4.2-MariaDB').readOnlyVar).toBe('transaction_read_only')
      })

      it('re-asserts the read-only session on every query, whatever a previous statement changed', async () => {
        const c = env().make({ options: { pool_max: 1 } })
        await rowsOf(c, 'SET SESSION TRANSACTION READ WRITE')
        await rowsOf(c, 'SET @@SESSION.max_statement_time = 0')
        await expectConnectorError(rowsOf(c, `INSERT INTO ${q('suite_customers')} VALUES (9, 'x')`), 'permission_denied')
        expect(await rowsOf(c, `SELECT COUNT(*) FROM ${q('suite_customers')}`)).toEqual([['3']])
      })

      it('stops a cancelled statement with KILL QUERY, not only by dropping the connection', async () => {
        const kills = async () => Number(((await admin(`SHOW GLOBAL STATUS LIKE 'Com_kill'`)) as Array<{ Value: string }>)[0].Value)
        const before = await kills()
        const ac = new AbortController()
        const run = (async () => {
          for await (const _ of env().connector.stream({ sql: 'SELECT SLEEP(20)', params: [] }, { signal: ac.signal, maxRows: 10, timeoutMs: 60_000 })) { /* none */ }
        })()
        await new Promise((r) => setTimeout(r, 300))
        ac.abort()
        await expectConnectorError(run, 'cancelled')
        expect(await kills()).toBeGreaterThan(before)
      })

      it('keeps at most pool_max sessions and closes idle ones after idle_ms', async () => {
        const user = `nx_idle_${suffix}`
        await admin(`CREATE USER '${user}'@'%' IDENTIFIED BY 'idle-pw'`)
        await admin(`GRANT SELECT ON \`${db}\`.* TO '${user}'@'%'`)
        const sessions = async () => Number(((await admin(`SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = ?`, [user])) as Array<{ n: number }>)[0].n)
        const c = createMysqlConnector(merge({ config: { user }, credentials: { password: 'idle-pw' }, options: { pool_max: 3, idle_ms: 1_000, acquire_timeout_ms: 5_000 } }))
        try {
          await Promise.all(Array.from({ length: 6 }, () => rowsOf(c, 'SELECT SLEEP(0.3)')))
          expect(await sessions()).toBe(3)
          expect(await waitFor(async () => (await sessions()) === 0, 6_000)).toBe(true)
        } finally {
          await c.close()
          await admin(`DROP USER IF EXISTS '${user}'@'%'`)
        }
      })

      it('gives up on a server that accepts the connection but never answers', async () => {
        const silent = await silentServer()
        const c = env().make({ config: { host: '127.0.0.1', port: silent.port }, options: { connect_timeout_ms: 700 } })
        try {
          const started = Date.now()
          await expectConnectorError(c.test(), 'unreachable')
          expect(Date.now() - started).toBeLessThan(4_000)
        } finally {
          await silent.close()
        }
      })

      it('refuses a missing database as invalid_config', async () => {
        await expectConnectorError(env().make({ config: { database: `nx_missing_${suffix}` } }).test(), 'invalid_config')
      })
    })
  },
})

/** A TCP server that accepts connections and never says a word. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((s) => { sockets.add(s); s.on('error', () => {}) })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as net.AddressInfo).port
  return { port, close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()) }) }
}
