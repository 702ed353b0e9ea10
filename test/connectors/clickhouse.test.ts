// The shared suite against a real ClickHouse 18.16 server (started by
// .ci/clickhouse.sh on HTTP port 18123), plus ClickHouse-only checks.
import { createClient } from '@clickhouse/client'
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import type { ConnectorConfig } from '../../connectors/connector'
import { chLiteral, chQuerySettings, chString, createClickhouseConnector } from '../../connectors/clickhouse/connector'
import { chColumnType, exceptionLine, parseChLiteral, unwrapType } from '../../connectors/clickhouse/types'
import { SERVICES, serviceAvailable } from '../support/services'
import { collect, expectConnectorError, rowsOf, runConnectorSuite, waitFor, type ConfigChange } from './suite'

const ok = await serviceAvailable('clickhouse')
const suffix = Math.random().toString(36).slice(2, 8)
const db = `nx_suite_${suffix}`
const url = `http://${SERVICES.clickhouse.host}:${SERVICES.clickhouse.port}`

const base: ConnectorConfig = {
  type: 'clickhouse',
  config: { host: SERVICES.clickhouse.host, port: SERVICES.clickhouse.port, ssl: 'disable', database: db, user: 'default' },
  credentials: { password: '' },
  options: { pool_max: 4 },
}
const merge = (change: ConfigChange): ConnectorConfig => ({
  type: base.type,
  config: { ...base.config, ...change.config },
  credentials: { ...base.credentials, ...change.credentials },
  options: { ...base.options, ...change.options },
})

const adminClient = () => createClient({ url, username: 'default', password: '' })
async function admin(sql: string): Promise<string> {
  const c = adminClient()
  try { return await (await c.query({ query: sql, format: 'TabSeparated' })).text() } finally { await c.close() }
}
async function adminCommand(sql: string): Promise<void> {
  const c = adminClient()
  try { await c.command({ query: sql }) } finally { await c.close() }
}

const q = (t: string) => `\`${db}\`.\`${t}\``

runConnectorSuite('clickhouse', async () => ({
  connector: createClickhouseConnector(base),
  make: (change) => createClickhouseConnector(merge(change)),
  admin: adminCommand,
  sql: {
    schema: db,
    setup: [
      `CREATE DATABASE \`${db}\``,
      `CREATE TABLE ${q('suite_customers')} (id Int32, name String) ENGINE = MergeTree ORDER BY id`,
      `CREATE TABLE ${q('suite_orders')} (id Int32, customer_id Int32, amount Decimal(12, 2), ordered_on Nullable(Date), paid Nullable(UInt8))
        ENGINE = MergeTree ORDER BY id`,
      `INSERT INTO ${q('suite_customers')} VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Linus')`,
      `INSERT INTO ${q('suite_orders')} VALUES (10, 1, 12.50, '2024-01-15', 1), (11, 1, 99999999.99, '2024-02-29', 0), (12, 2, 0.01, '2023-12-31', NULL)`,
    ],
    teardown: [`DROP DATABASE IF EXISTS \`${db}\``],
    table: q,
    types: `SELECT toInt32(42) AS i, toInt64('9007199254740993') AS big, toDecimal128('12345678901234567.89', 2) AS dec, toFloat64(1.5) AS f,
      toUInt8(1) AS b, toDate('2024-02-29') AS d, toDateTime('2024-02-29 13:45:30') AS ts, 'O\\'Reilly ✓' AS s, NULL AS n`,
    series: (n) => `SELECT toInt32(number + 1) AS n FROM system.numbers LIMIT ${n}`,
    // sleep() is capped at 3 s per call and the session is readonly=1 (no
    // SETTINGS clause, no numbers()): 24 branches on two threads sleep ~36 s.
    slow: (marker) => Array.from({ length: 24 }, () => `SELECT sleep(3) AS slept, '${marker}' AS marker`).join(' UNION ALL '),
    writes: [
      `INSERT INTO ${q('suite_customers')} VALUES (4, 'Mallory')`,
      `ALTER TABLE ${q('suite_orders')} DELETE WHERE 1 = 1`,
      `TRUNCATE TABLE ${q('suite_orders')}`,
      `DROP TABLE ${q('suite_orders')}`,
      `CREATE TABLE ${q('suite_evil')} (id Int32) ENGINE = Memory`,
      `SELECT 1; DROP TABLE ${q('suite_orders')}`,
      `SELECT 1 SETTINGS readonly = 0`,
      `INSERT INTO FUNCTION file('evil.tsv', 'TSV', 'a String') VALUES ('x')`,
      `SELECT * FROM url('http://169.254.169.254/latest/meta-data/', CSV, 'a String')`,
    ],
  },
  running: async (marker) => Number((await admin(`SELECT count() FROM system.processes WHERE query LIKE '%${marker}%' AND query NOT LIKE '%system.processes%'`)).trim()),
}), {
  skip: !ok,
  version: /^ClickHouse \d+\.\d+/,
  // ClickHouse 18 has no boolean type; UInt8 carries flags.
  typeOverrides: { b: { type: 'integer', value: 1 } },
  paidType: 'integer',
  primaryKeys: false,
  foreignKeys: false,
  badCredentials: { credentials: { password: 'wrong-password-123' } },
  unreachable: { config: { port: 1 } },
  serverSideCancel: true,
  param: { sql: "SELECT ? AS a, ? AS b, '?' AS c, ? AS d", params: [7, "x'; DROP TABLE t; -- \\", [1, 2]], row: [7, "x'; DROP TABLE t; -- \\", '?', [1, 2]] },
  extra: (env) => {
    describe('clickhouse specifics', () => {
      it('maps composite, nullable, low-cardinality, unsigned 64-bit and timestamp types', async () => {
        const { batches } = await collect(env().connector.stream({
          sql: `SELECT [1, 2] AS a, ['x\\'y', NULL] AS s, (1, 'z') AS t, toUInt64('18446744073709551615') AS u, toNullable(toInt8(-3)) AS nn,
            toLowCardinality('lc') AS lc, toDateTime('2024-01-02 03:04:05', 'UTC') AS dt, nan AS f, 'tab\\there' AS esc, toFixedString('ab', 2) AS fs`,
          params: [],
        }, { signal: new AbortController().signal, maxRows: 10, timeoutMs: 10_000 }))
        expect(batches[0].columns!.map((c) => `${c.name}:${c.type}`)).toEqual(['a:json', 's:json', 't:json', 'u:bigint', 'nn:integer', 'lc:string', 'dt:timestamp', 'f:float', 'esc:string', 'fs:string'])
        expect(batches[0].rows[0]).toEqual([[1, 2], ["x'y", null], [1, 'z'], '18446744073709551615', -3, 'lc', '2024-01-02T03:04:05', null, 'tab\there', 'ab'])
      })

      it('introspects views as views and nullable columns as nullable', async () => {
        await adminCommand(`CREATE VIEW ${q('suite_view')} AS SELECT id, name FROM ${q('suite_customers')}`)
        const info = await env().connector.introspect()
        const v = info.tables.find((t) => t.name === 'suite_view')!
        expect(v.kind).toBe('view')
        const orders = info.tables.find((t) => t.name === 'suite_orders')!
        expect(orders.columns.map((c) => [c.name, c.nullable])).toEqual([['id', false], ['customer_id', false], ['amount', false], ['ordered_on', true], ['paid', true]])
      })

      it('stops the server-side query when the consumer stops early', async () => {
        const marker = `nx_early_${suffix}`
        for await (const _ of env().connector.stream({ sql: `SELECT number, '${marker}' AS m FROM system.numbers`, params: [] },
          { signal: new AbortController().signal, maxRows: 10_000_000, timeoutMs: 30_000, batchSize: 100 })) break
        const running = async () => Number((await admin(`SELECT count() FROM system.processes WHERE query LIKE '%${marker}%' AND query NOT LIKE '%system.processes%'`)).trim())
        const deadline = Date.now() + 5_000
        while ((await running()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
        expect(await running()).toBe(0)
      })

      it('works for a user whose profile has readonly=1 (the stock `readonly` user): no settings sent, limits still enforced', async () => {
        const c = createClickhouseConnector(merge({ config: { user: 'readonly' }, options: { pool_max: 2 } }))
        try {
          expect((await c.test()).version).toMatch(/^ClickHouse/)
          expect(await rowsOf(c, `SELECT id FROM ${q('suite_customers')} ORDER BY id`)).toEqual([[1], [2], [3]])
          await expectConnectorError(rowsOf(c, `INSERT INTO ${q('suite_customers')} VALUES (9, 'x')`), 'permission_denied')
          // No max_execution_time can be set: our timer and KILL QUERY must stop it.
          const marker = `nx_ro1_${suffix}`
          const started = Date.now()
          // (No SETTINGS clause either: readonly=1 refuses it. Sleeps of 3 s in a UNION run a while.)
          const slow = Array.from({ length: 12 }, () => `SELECT sleep(3) AS s, '${marker}' AS m`).join(' UNION ALL ')
          await expectConnectorError(collect(c.stream({ sql: slow, params: [] },
            { signal: new AbortController().signal, maxRows: 100, timeoutMs: 1_500 })), 'timeout')
          expect(Date.now() - started).toBeLessThan(8_000)
          expect(await waitFor(async () => (await env().running!(marker)) === 0, 5_000)).toBe(true)
        } finally {
          await c.close()
        }
      })

      it('works for a user whose profile already has readonly=2, without trying to set it again', async () => {
        const c = createClickhouseConnector(merge({}), { profileSettings: { readonly: '2' } })
        try {
          expect((await c.test()).version).toMatch(/^ClickHouse/)
          const { batches } = await collect(c.stream({ sql: env().sql.series(50), params: [] },
            { signal: new AbortController().signal, maxRows: 10, timeoutMs: 10_000 }))
          expect(batches.flatMap((b) => b.rows)).toHaveLength(10)
          expect(batches.at(-1)!.truncated).toBe(true)
          await expectConnectorError(rowsOf(c, `INSERT INTO ${q('suite_customers')} VALUES (9, 'x')`), 'permission_denied')
        } finally {
          await c.close()
        }
      })

      it('gives up on a server that accepts the connection but never answers', async () => {
        const silent = await silentServer()
        const c = env().make({ config: { host: '127.0.0.1', port: silent.port }, options: { connect_timeout_ms: 700 } })
        try {
          const started = Date.now()
          await expectConnectorError(c.test(), 'unreachable')
          expect(Date.now() - started).toBeLessThan(5_000)
        } finally {
          await silent.close()
        }
      })

      it('refuses a missing database as invalid_config on test()', async () => {
        await expectConnectorError(env().make({ config: { database: `nx_missing_${suffix}` } }).test(), 'invalid_config')
      })

      it('reports an exception sent in the middle of a result as an error, not as a row', async () => {
        // ~200k rows (over 1 MB, so the HTTP status line is sent), then a division error in a later block.
        await expectConnectorError(rowsOf(env().connector,
          `SELECT number, intDiv(1, number - 200000) AS x FROM system.numbers LIMIT 300000`, [], 1_000_000), 'query_failed')
      })
    })
  },
})

describe('clickhouse values and literals', () => {
  it('asks for readonly=1 only when the profile does not fix it, and sends nothing under readonly=1', () => {
    expect(chQuerySettings('0', 1500, 10)).toEqual({ readonly: '1', max_execution_time: 2, timeout_overflow_mode: 'throw', max_result_rows: '11', result_overflow_mode: 'break' })
    expect(chQuerySettings('2', 1500)).toEqual({ max_execution_time: 2, timeout_overflow_mode: 'throw' })
    expect(chQuerySettings('1', 1500, 10)).toEqual({})
  })

  it('unwraps Nullable and LowCardinality and normalizes type names', () => {
    expect(unwrapType('LowCardinality(Nullable(String))')).toEqual({ inner: 'String', nullable: true })
    expect(chColumnType('Nullable(Decimal(38, 2))')).toBe('decimal')
    expect(chColumnType("DateTime64(3, 'UTC')")).toBe('timestamp')
    expect(chColumnType('Map(String, UInt64)')).toBe('json')
    expect(chColumnType('UInt64')).toBe('bigint')
    expect(chColumnType("Enum8('a' = 1)")).toBe('string')
  })

  it('parses composite literals, keeping big integers exact', () => {
    expect(parseChLiteral("[[1,2],[3]]")).toEqual([[1, 2], [3]])
    expect(parseChLiteral("{'k':[1,NULL],'q':nan}")).toEqual({ k: [1, null], q: null })
    expect(parseChLiteral('[18446744073709551615]')).toEqual(['18446744073709551615'])
    expect(parseChLiteral("['a\\\\b','c\\'d']")).toEqual(['a\\b', "c'd"])
    expect(parseChLiteral('[broken')).toBe('[broken')
  })

  it('escapes bound literals', () => {
    expect(chString("a'b\\c\n")).toBe("'a\\'b\\\\c\\n'")
    expect(chLiteral(new Date('2024-01-02T03:04:05Z'))).toBe("toDateTime('2024-01-02 03:04:05', 'UTC')")
    expect(chLiteral([1, 'x', null, true])).toBe("[1, 'x', NULL, 1]")
    expect(() => chLiteral({})).toThrow()
    expect(() => chLiteral(Number.NaN)).toThrow()
  })

  it('recognizes exception lines of old and new servers', () => {
    expect(exceptionLine('Code: 159, e.displayText() = DB::Exception: Timeout exceeded, e.what() = DB::Exception', 2)).toBe(true)
    expect(exceptionLine('Code: 153. DB::Exception: Division by zero. (ILLEGAL_DIVISION) (version 23.8.1.1)', 1)).toBe(true)
    expect(exceptionLine('Code: 1, e.displayText() = DB::Exception: not really\tsecond', 2)).toBe(false)
  })
})

/** A TCP server that accepts connections and never says a word. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((s) => { sockets.add(s); s.on('error', () => {}) })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as net.AddressInfo).port
  return { port, close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()) }) }
}
