// The shared suite against the real PostgreSQL server, plus Postgres-only checks.
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { createPostgresConnector } from '../../connectors/postgres/connector'
import type { ConnectorConfig } from '../../connectors/connector'
import { SERVICES, serviceAvailable } from '../support/services'
import { pgAdmin, pgRunning, postgresSuiteSql } from './pg-fixtures'
import { expectConnectorError, rowsOf, runConnectorSuite, waitFor, type ConfigChange } from './suite'

const ok = await serviceAvailable('postgres')
const suffix = Math.random().toString(36).slice(2, 8)
const schema = `nx_suite_${suffix}`
const roRole = `nx_ro_${suffix}`

const base: ConnectorConfig = {
  type: 'postgres',
  config: { host: SERVICES.postgres.host, port: SERVICES.postgres.port, database: 'postgres', user: 'postgres', ssl: 'disable' },
  credentials: {},
  options: { pool_max: 4 },
}
const merge = (change: ConfigChange): ConnectorConfig => ({
  type: base.type,
  config: { ...base.config, ...change.config },
  credentials: { ...base.credentials, ...change.credentials },
  options: { ...base.options, ...change.options },
})

runConnectorSuite('postgres', async () => ({
  connector: createPostgresConnector(base),
  make: (change) => createPostgresConnector(merge(change)),
  admin: async (sql) => { await pgAdmin(sql) },
  sql: postgresSuiteSql(schema),
  running: pgRunning,
  teardown: async () => { await pgAdmin(`DROP ROLE IF EXISTS "${roRole}"`).catch(() => {}) },
}), {
  skip: !ok,
  version: /^PostgreSQL \d+/,
  primaryKeys: true,
  foreignKeys: true,
  badCredentials: { config: { user: `nx_no_such_role_${suffix}` }, credentials: { password: 'wrong-password-123' } },
  unreachable: { config: { port: 1 } },
  serverSideCancel: true,
  param: { sql: 'SELECT $1::int AS a, $2::text AS b, $3::date AS c', params: [7, "x'; DROP TABLE t; --", '2024-03-01'], row: [7, "x'; DROP TABLE t; --", '2024-03-01'] },
  extra: (env) => {
    describe('postgres specifics', () => {
      it('reverts session settings a query changes, so read-only cannot be switched off', async () => {
        const c = env().connector
        await rowsOf(c, `SELECT set_config('default_transaction_read_only', 'off', false)`)
        await rowsOf(c, `SELECT set_config('statement_timeout', '0', false)`)
        await expectConnectorError(rowsOf(c, `INSERT INTO ${env().sql.table('suite_customers')} VALUES (9, 'x')`), 'permission_denied')
      })

      it('maps arrays, json, bytea, uuid, timestamptz and big numerics', async () => {
        const rows = await rowsOf(env().connector, `SELECT ARRAY[1,2,NULL]::int[] AS a, ARRAY['x,y', 'q"z']::text[] AS t,
          '{"k": [1, true]}'::jsonb AS j, '\\x0102ff'::bytea AS by, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS u,
          TIMESTAMPTZ '2024-02-29 13:45:30.5+00' AS tz, 123456789012345678901234567890.123::numeric AS big,
          'NaN'::float8 AS nan, ARRAY[9007199254740993]::int8[] AS bigs`)
        expect(rows[0]).toEqual([[1, 2, null], ['x,y', 'q"z'], { k: [1, true] }, 'AQL/', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
          expect.stringMatching(/^2024-02-29T\d{2}:\d{2}:30\.5(Z|[+-]\d{2}:\d{2})$/), '123456789012345678901234567890.123', null, ['9007199254740993']])
      })

      // One pg_sleep per row (depending on n, so not evaluated once; no ORDER BY,
      // so rows are made as the portal is read): the database's time is visible.
      const slowRows = (n: number, seconds: string) =>
        `SELECT n FROM generate_series(1, ${n}) n, LATERAL (SELECT pg_sleep(${seconds} + n * 0)) s`

      it('reads the next batch from the database while the consumer still works on the last one', async () => {
        // Each row carries the moment the database made it (after a short pg_sleep, so
        // made as the portal is read); the consumer notes when it is done with each
        // row. Reading ahead, row n+1 is made while the consumer still holds row n;
        // reading on demand, it could only be made after the consumer asked again.
        const sql = `SELECT n, (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS made_ms
          FROM generate_series(1, 4) n, LATERAL (SELECT pg_sleep(0.05 + n * 0)) s`
        const made: number[] = []
        const done: number[] = []
        for await (const b of env().connector.stream({ sql, params: [] }, { signal: new AbortController().signal, maxRows: 10, timeoutMs: 30_000, batchSize: 1 })) {
          for (const r of b.rows) made.push(Number(r[1]))
          await new Promise((r) => setTimeout(r, 600)) // a consumer much slower than the database
          done.push(Date.now())
        }
        expect(made).toHaveLength(4)
        for (let n = 0; n < 3; n++) expect(made[n + 1], `row ${n + 2} made before the consumer finished row ${n + 1}`).toBeLessThan(done[n])
      })

      it('reads nothing ahead past maxRows + 1, so a capped query does not wait on rows it will not send', async () => {
        // Rows past the third fail in the database when made: reading one of them would end the stream in an error.
        const sql = `SELECT n, CASE WHEN n > 3 THEN 1 / (n - n) ELSE n END AS v FROM generate_series(1, 10) n`
        const batches = []
        for await (const b of env().connector.stream({ sql, params: [] }, { signal: new AbortController().signal, maxRows: 2, timeoutMs: 30_000, batchSize: 1 })) batches.push(b)
        expect(batches.flatMap((b) => b.rows.map((r) => r[0]))).toEqual([1, 2])
        expect(batches.at(-1)!.truncated).toBe(true)
      })

      it('works with the SELECT-only role documented in connectors/README.md', async () => {
        await pgAdmin(`CREATE ROLE "${roRole}" LOGIN`)
        await pgAdmin(`ALTER ROLE "${roRole}" SET default_transaction_read_only = on`)
        await pgAdmin(`ALTER ROLE "${roRole}" SET statement_timeout = '5min'`)
        await pgAdmin(`GRANT USAGE ON SCHEMA "${schema}" TO "${roRole}"`)
        await pgAdmin(`GRANT SELECT ON ALL TABLES IN SCHEMA "${schema}" TO "${roRole}"`)
        const c = createPostgresConnector(merge({ config: { user: roRole } }))
        try {
          const info = await c.introspect({ schemas: [schema] })
          expect(info.tables.map((t) => t.name)).toEqual(['suite_customers', 'suite_orders'])
          expect(await rowsOf(c, `SELECT count(*) AS c FROM "${schema}".suite_orders`)).toEqual([['3']])
          await expectConnectorError(rowsOf(c, `INSERT INTO "${schema}".suite_customers VALUES (9, 'x')`), 'permission_denied')
          // Tables it has no grant on are not introspected.
          await pgAdmin(`CREATE TABLE "${schema}".hidden (id int)`)
          expect((await c.introspect({ schemas: [schema] })).tables.map((t) => t.name)).not.toContain('hidden')
          // It can cancel its own statements without extra privileges.
          const marker = `nx_rocx_${suffix}`
          const ac = new AbortController()
          const run = rowsOfWithSignal(c, `SELECT pg_sleep(30), '${marker}'`, ac.signal)
          expect(await waitFor(async () => (await pgRunning(marker)) > 0, 5_000)).toBe(true)
          ac.abort()
          await expectConnectorError(run, 'cancelled')
          expect(await waitFor(async () => (await pgRunning(marker)) === 0, 5_000)).toBe(true)
        } finally {
          await c.close()
          await pgAdmin(`DROP OWNED BY "${roRole}"`).catch(() => {})
        }
      })

      it('keeps at most pool_max sessions and closes idle ones after idle_ms', async () => {
        const role = `nx_idle_${suffix}`
        await pgAdmin(`CREATE ROLE "${role}" LOGIN`)
        const sessions = async () => Number((await pgAdmin(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1`, [role])).rows[0].n)
        const c = createPostgresConnector(merge({ config: { user: role }, options: { pool_max: 3, idle_ms: 1_000, acquire_timeout_ms: 5_000 } }))
        try {
          await Promise.all(Array.from({ length: 6 }, () => rowsOf(c, 'SELECT pg_sleep(0.3)')))
          expect(await sessions()).toBe(3)
          expect(await waitFor(async () => (await sessions()) === 0, 5_000)).toBe(true)
        } finally {
          await c.close()
          await pgAdmin(`DROP ROLE IF EXISTS "${role}"`)
        }
      })

      it('discards the session of a cancelled query instead of reusing it', async () => {
        const c = env().make({ options: { pool_max: 1 } })
        const pidOf = async () => (await rowsOf(c, 'SELECT pg_backend_pid() AS p'))[0][0]
        const before = await pidOf()
        expect(await pidOf()).toBe(before)
        const ac = new AbortController()
        const run = rowsOfWithSignal(c, 'SELECT pg_sleep(30)', ac.signal)
        await new Promise((r) => setTimeout(r, 300))
        ac.abort()
        await expectConnectorError(run, 'cancelled')
        expect(await pidOf()).not.toBe(before)
      })

      it('gives up on a server that accepts the connection but never answers', async () => {
        const silent = await silentServer()
        const c = env().make({ config: { host: '127.0.0.1', port: silent.port }, options: { connect_timeout_ms: 700 } })
        try {
          const started = Date.now()
          await expectConnectorError(c.test(), 'unreachable')
        await expectConnectorError(rowsOf(c, 'SELECT 1'), 'unreachable')
          expect(Date.now() - started).toBeLessThan(4_000)
        } finally {
          await silent.close()
        }
      })

      it('refuses a connection to a missing database as invalid_config', async () => {
        const c = env().make({ config: { database: `nx_missing_${suffix}` } })
        await expectConnectorError(c.test(), 'invalid_config')
      })

      it('rejects invalid settings before connecting, naming the field but not the value', async () => {
        expect(() => createPostgresConnector({ ...base, config: { ...base.config, port: 'abc' }, credentials: { password: 's3cret-value' } }))
          .toThrowError(/config\.port/)
        try {
          createPostgresConnector({ ...base, config: { ...base.config, port: 'abc' }, credentials: { password: 's3cret-value' } })
        } catch (e) { expect(String((e as Error).message)).not.toContain('s3cret-value') }
      })
    })
  },
})

async function rowsOfWithSignal(c: ReturnType<typeof createPostgresConnector>, sql: string, signal: AbortSignal) {
  const out: unknown[][] = []
  for await (const b of c.stream({ sql, params: [] }, { signal, maxRows: 100, timeoutMs: 60_000 })) out.push(...b.rows)
  return out
}

/** A TCP server that accepts connections and never says a word. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((s) => { sockets.add(s); s.on('error', () => {}) })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as net.AddressInfo).port
  return { port, close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()) }) }
}
