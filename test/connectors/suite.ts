/**
 * The shared connector suite: one set of behaviour tests that every connector
 * must pass, whatever the engine (real server, embedded, or protocol test server).
 *
 * ## Use
 * ```ts
 * import { runConnectorSuite } from './suite'
 * const ok = await serviceAvailable('postgres')        // top-level await
 * runConnectorSuite('postgres', async () => env, { skip: !ok, ...caps })
 * ```
 * `setup` runs once (beforeAll) and returns a {@link SuiteEnvironment}; the
 * suite calls `env.admin(sql)` for every statement of `env.sql.setup` before
 * the tests and of `env.sql.teardown` after them, then `env.teardown()`.
 *
 * ## The fixture `sql.setup` must create (in `sql.schema`)
 * - `suite_customers` — `id` integer primary key, `name` text not null;
 *   rows (1,'Ada'), (2,'Grace'), (3,'Linus').
 * - `suite_orders` — `id` integer primary key, `customer_id` integer (foreign
 *   key to suite_customers.id where the engine has them), `amount` decimal(12,2)
 *   not null, `ordered_on` date, `paid` boolean (nullable);
 *   rows (10,1,12.50,'2024-01-15',true), (11,1,99999999.99,'2024-02-29',false), (12,2,0.01,'2023-12-31',NULL).
 *
 * Besides the engine-specific statements in {@link SuiteSql}, the suite sends
 * only these shapes (protocol test servers must answer them):
 * `SELECT id, name FROM <customers> ORDER BY id`,
 * `SELECT id, name FROM <customers> WHERE id < 0`,
 * `SELECT COUNT(*) AS c FROM <customers>`,
 * `SELECT id, customer_id, amount, ordered_on, paid FROM <orders> ORDER BY id`,
 * `SELEC 1` (a syntax error) and `SELECT * FROM <schema>.suite_no_such_table`.
 *
 * ## Integers
 * The fixture's integers (ids, `customer_id`, the series, the `i` literal) are
 * expected as 32-bit `integer` columns with JSON numbers. An engine whose only
 * integer type is 64-bit (BigQuery's INT64) declares `integerType: 'bigint'`;
 * the suite then expects `bigint` columns with the values as exact decimal
 * strings, as for every 64-bit integer (connectors/README.md, "Values").
 *
 * The API of this file is stable: other connectors' tests import it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectorError, type ColumnType, type Connector, type ConnectorConfig, type RowBatch } from '../../connectors/connector'

/** A partial config merged one level deep into the base connection config. */
export interface ConfigChange {
  config?: Record<string, unknown>
  credentials?: Record<string, unknown>
  options?: ConnectorConfig['options']
}

export interface SuiteSql {
  /** Schema (database, dataset) holding the fixtures; passed to `introspect({ schemas: [schema] })`. */
  schema: string
  /** Admin statements creating the fixture described above. */
  setup: string[]
  /** Admin statements removing it (and anything the write attempts might have created). */
  teardown: string[]
  /** The quoted, qualified name of a fixture table, ready to use in a query. */
  table(name: 'suite_customers' | 'suite_orders'): string
  /**
   * One row of typed literals with these aliases: `i` integer 42, `big` 64-bit
   * integer 9007199254740993, `dec` decimal 12345678901234567.89, `f` float 1.5,
   * `b` boolean true, `d` date 2024-02-29, `ts` timestamp 2024-02-29 13:45:30,
   * `s` the text `O'Reilly ✓`, `n` NULL.
   */
  types: string
  /** The integers 1..n ascending in one integer column named `n`. */
  series(n: number): string
  /** A read-only statement that runs for at least 30 s; its text contains `marker`. */
  slow(marker: string): string
  /**
   * Statements the database session itself must refuse (writes, DDL, tricks
   * such as `COMMIT; DELETE ...`); each is sent alone and must fail. Use the
   * fixture tables so the suite can verify they are intact afterwards.
   */
  writes: string[]
}

export interface SuiteEnvironment {
  /** The connector under test. */
  connector: Connector
  /** Another connector of the same engine with part of the config changed (pool limits, bad password, closed port). */
  make(change: ConfigChange): Connector
  /** Runs admin SQL outside the connector (fixtures). */
  admin(sql: string): Promise<void>
  sql: SuiteSql
  /**
   * How many statements whose text contains `marker` the server is running,
   * read from its own process list (pg_stat_activity, SHOW PROCESSLIST,
   * system.processes, or the test server's record). Omit when not observable.
   */
  running?(marker: string): Promise<number>
  /** Frees what setup created (after the fixture's teardown statements ran). */
  teardown?(): Promise<void>
}

type TypeKey = 'i' | 'big' | 'dec' | 'f' | 'b' | 'd' | 'ts' | 's'

export interface SuiteCaps {
  /** Skip the whole suite (e.g. the server is not running); a string says why. */
  skip?: boolean | string
  /** `test().version` must match. */
  version: RegExp
  /** Where the engine legitimately differs from the default expectations (e.g. no boolean type). */
  typeOverrides?: Partial<Record<TypeKey, { type: ColumnType; value: unknown }>>
  /** Type of the fixture column `orders.paid` (boolean by default). */
  paidType?: ColumnType
  /**
   * Type of the fixture's integer columns, the series and the `i` literal:
   * `integer` (default, JSON numbers) or `bigint` for engines whose integers
   * are all 64-bit (JSON strings). `typeOverrides.i` still wins for `i`.
   */
  integerType?: 'integer' | 'bigint'
  primaryKeys: boolean
  foreignKeys: boolean
  /** Change that makes authentication fail; null when the engine has no authentication. */
  badCredentials: ConfigChange | null
  /** Change that points the connector at a closed port; null when not applicable. */
  unreachable: ConfigChange | null
  /**
   * The database can stop a running statement. False for engines that run on
   * our own thread (PGlite): there only the time between batches is checked.
   */
  serverSideCancel: boolean
  /** A query with bind parameters and the single row it returns (omit to skip). */
  param?: { sql: string; params: unknown[]; row: unknown[] }
  /** Engine-specific extra tests, run inside the suite's describe with the environment. */
  extra?: (env: () => SuiteEnvironment) => void
}

// ---------------------------------------------------------------- helpers ---

export async function collect(iter: AsyncIterable<RowBatch>): Promise<{ batches: RowBatch[]; rows: unknown[][] }> {
  const batches: RowBatch[] = []
  for await (const b of iter) batches.push(b)
  return { batches, rows: batches.flatMap((b) => b.rows) }
}

export async function rowsOf(c: Connector, sql: string, params: unknown[] = [], maxRows = 10_000): Promise<unknown[][]> {
  return (await collect(c.stream({ sql, params }, { signal: new AbortController().signal, maxRows, timeoutMs: 30_000 }))).rows
}

export async function expectConnectorError(p: Promise<unknown>, code?: ConnectorError['code']): Promise<ConnectorError> {
  let caught: unknown
  try { await p } catch (err) { caught = err }
  expect(caught, 'expected a ConnectorError').toBeInstanceOf(ConnectorError)
  const e = caught as ConnectorError
  if (code) expect(e.code, `${e.code}: ${e.message}`).toBe(code)
  return e
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, stepMs = 100): Promise<boolean> {
  const end = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return true
    if (Date.now() > end) return false
    await new Promise((r) => setTimeout(r, stepMs))
  }
}

const uid = () => Math.random().toString(36).slice(2, 10)

/** Starts consuming a stream in the background; resolves with its outcome. */
function consume(c: Connector, sql: string, signal: AbortSignal, timeoutMs: number) {
  const started = Date.now()
  return collect(c.stream({ sql, params: [] }, { signal, maxRows: 10_000_000, timeoutMs }))
    .then(() => ({ error: null as unknown, ms: Date.now() - started }), (error: unknown) => ({ error, ms: Date.now() - started }))
}

const DEFAULT_TYPES: Record<TypeKey, { type: ColumnType; value: unknown }> = {
  i: { type: 'integer', value: 42 },
  big: { type: 'bigint', value: '9007199254740993' },
  dec: { type: 'decimal', value: '12345678901234567.89' },
  f: { type: 'float', value: 1.5 },
  b: { type: 'boolean', value: true },
  d: { type: 'date', value: '2024-02-29' },
  ts: { type: 'timestamp', value: '2024-02-29T13:45:30' },
  s: { type: 'string', value: "O'Reilly ✓" },
}
const JSON_TYPE: Record<ColumnType, string> = {
  string: 'string', integer: 'number', bigint: 'string', decimal: 'string', float: 'number', boolean: 'boolean',
  date: 'string', timestamp: 'string', json: 'object', binary: 'string', unknown: 'string',
}

/** An integer as a column of `type` carries it: a JSON number, or an exact string for 64-bit types. */
function intAs(type: ColumnType, n: number): number | string {
  return type === 'bigint' ? String(n) : n
}

// ------------------------------------------------------------------ suite ---

export function runConnectorSuite(name: string, setup: () => Promise<SuiteEnvironment>, caps: SuiteCaps): void {
  describe.skipIf(Boolean(caps.skip))(`connector suite: ${name}`, () => {
    let env: SuiteEnvironment
    const intType: ColumnType = caps.integerType ?? 'integer'
    /** A fixture integer (id, series value) as this engine returns it. */
    const int = (n: number) => intAs(intType, n)
    const customerRows = () => [[int(1), 'Ada'], [int(2), 'Grace'], [int(3), 'Linus']]
    const literalTypes: Record<TypeKey, { type: ColumnType; value: unknown }> = { ...DEFAULT_TYPES, i: { type: intType, value: int(42) } }
    const extraConnectors: Connector[] = []
    const make = (change: ConfigChange) => { const c = env.make(change); extraConnectors.push(c); return c }
    const stream = (c: Connector, sql: string, o: Partial<{ maxRows: number; timeoutMs: number; batchSize: number; signal: AbortSignal; params: unknown[] }> = {}) =>
      c.stream({ sql, params: o.params ?? [] }, { signal: o.signal ?? new AbortController().signal, maxRows: o.maxRows ?? 10_000, timeoutMs: o.timeoutMs ?? 30_000, batchSize: o.batchSize })

    beforeAll(async () => {
      env = await setup()
      for (const s of env.sql.teardown) await env.admin(s).catch(() => {})
      for (const s of env.sql.setup) await env.admin(s)
    })
    afterAll(async () => {
      if (!env) return
      for (const c of extraConnectors) await c.close().catch(() => {})
      await env.connector.close().catch(() => {})
      for (const s of env.sql.teardown) await env.admin(s).catch(() => {})
      await env.teardown?.()
    })

    describe('test()', () => {
      it('reports the server version and a latency', async () => {
        const r = await env.connector.test()
        expect(r.ok).toBe(true)
        expect(r.version).toMatch(caps.version)
        expect(r.latency_ms).toBeGreaterThanOrEqual(0)
        expect(r.latency_ms).toBeLessThan(10_000)
      })
    })

    describe('introspect()', () => {
      it('lists the fixture tables with normalized column types', async () => {
        const info = await env.connector.introspect({ schemas: [env.sql.schema] })
        expect(info.schemas).toContain(env.sql.schema)
        const orders = info.tables.find((t) => t.name === 'suite_orders' && t.schema === env.sql.schema)
        const customers = info.tables.find((t) => t.name === 'suite_customers' && t.schema === env.sql.schema)
        expect(orders, 'suite_orders').toBeDefined()
        expect(customers, 'suite_customers').toBeDefined()
        expect(orders!.kind).toBe('table')
        const types = Object.fromEntries(orders!.columns.map((c) => [c.name, c.type]))
        expect(types).toEqual({ id: intType, customer_id: intType, amount: 'decimal', ordered_on: 'date', paid: caps.paidType ?? 'boolean' })
        expect(orders!.columns.map((c) => c.name)).toEqual(['id', 'customer_id', 'amount', 'ordered_on', 'paid'])
        for (const c of orders!.columns) expect(c.db_type.length).toBeGreaterThan(0)
        expect(customers!.columns.find((c) => c.name === 'name')).toMatchObject({ type: 'string', nullable: false })
        expect(orders!.columns.find((c) => c.name === 'paid')!.nullable).toBe(true)
      })

      it.skipIf(!caps.primaryKeys)('reports primary keys', async () => {
        const info = await env.connector.introspect({ schemas: [env.sql.schema] })
        const orders = info.tables.find((t) => t.name === 'suite_orders')!
        expect(orders.primary_key).toEqual(['id'])
      })

      it.skipIf(!caps.foreignKeys)('reports foreign keys with the referenced table and columns', async () => {
        const info = await env.connector.introspect({ schemas: [env.sql.schema] })
        const orders = info.tables.find((t) => t.name === 'suite_orders')!
        expect(orders.foreign_keys).toEqual([
          { columns: ['customer_id'], references: { schema: env.sql.schema, table: 'suite_customers', columns: ['id'] } },
        ])
      })

      it('limits the result to the schemas asked for', async () => {
        const info = await env.connector.introspect({ schemas: [env.sql.schema] })
        expect(info.tables.every((t) => t.schema === env.sql.schema)).toBe(true)
      })
    })

    describe('stream() values', () => {
      it('maps every basic type to its normalized type and JSON value', async () => {
        const { batches } = await collect(stream(env.connector, env.sql.types))
        const cols = batches[0].columns!
        const row = batches.flatMap((b) => b.rows)[0]
        const byName = Object.fromEntries(cols.map((c, i) => [c.name, { col: c, value: row[i] }]))
        for (const key of Object.keys(literalTypes) as TypeKey[]) {
          const want = caps.typeOverrides?.[key] ?? literalTypes[key]
          const got = byName[key]
          expect(got, `column ${key}`).toBeDefined()
          expect(got.col.type, `type of ${key}`).toBe(want.type)
          expect(got.col.json_type, `json_type of ${key}`).toBe(JSON_TYPE[want.type])
          if (key === 'ts') expect(String(got.value), 'ts').toMatch(new RegExp(`^${String(want.value).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\.0+)?(Z|[+-]\\d{2}:\\d{2})?$`))
          else expect(got.value, `value of ${key}`).toEqual(want.value)
          if (got.value !== null) expect(typeof got.value, `JS type of ${key}`).toBe(JSON_TYPE[want.type] === 'object' ? 'object' : JSON_TYPE[want.type])
        }
        expect(byName.n.value).toBeNull()
      })

      it('returns the fixture rows with decimals as exact strings, dates as ISO strings and NULL as null', async () => {
        const t = env.sql.table('suite_orders')
        const rows = await rowsOf(env.connector, `SELECT id, customer_id, amount, ordered_on, paid FROM ${t} ORDER BY id`)
        const paidType = caps.paidType ?? 'boolean'
        const paid = (v: boolean | null) => (v === null ? null : paidType === 'boolean' ? v : intAs(paidType, v ? 1 : 0))
        expect(rows).toEqual([
          [int(10), int(1), '12.50', '2024-01-15', paid(true)],
          [int(11), int(1), '99999999.99', '2024-02-29', paid(false)],
          [int(12), int(2), '0.01', '2023-12-31', null],
        ])
      })

      it('describes the columns of an empty result', async () => {
        const { batches, rows } = await collect(stream(env.connector, `SELECT id, name FROM ${env.sql.table('suite_customers')} WHERE id < 0`))
        expect(rows).toEqual([])
        expect(batches[0].columns?.map((c) => [c.name, c.type, c.json_type])).toEqual([['id', intType, JSON_TYPE[intType]], ['name', 'string', 'string']])
        expect(batches.some((b) => b.truncated)).toBe(false)
      })

      it.skipIf(!caps.param)('binds parameters as values', async () => {
        const p = caps.param!
        expect(await rowsOf(env.connector, p.sql, p.params)).toEqual([p.row])
      })
    })

    describe('stream() limits and batches', () => {
      it('stops at maxRows and marks the last batch truncated', async () => {
        const { batches, rows } = await collect(stream(env.connector, env.sql.series(25), { maxRows: 10, batchSize: 4 }))
        expect(rows.map((r) => r[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(int))
        expect(batches.at(-1)!.truncated).toBe(true)
        expect(batches.slice(0, -1).every((b) => !b.truncated)).toBe(true)
      })

      it('does not mark a result truncated when it has exactly maxRows rows', async () => {
        const { batches, rows } = await collect(stream(env.connector, env.sql.series(10), { maxRows: 10, batchSize: 5 }))
        expect(rows).toHaveLength(10)
        expect(batches.some((b) => b.truncated)).toBe(false)
      })

      it('returns only columns and truncated when maxRows is 0', async () => {
        const { batches, rows } = await collect(stream(env.connector, env.sql.series(3), { maxRows: 0 }))
        expect(rows).toEqual([])
        expect(batches[0].columns?.[0].name).toBe('n')
        expect(batches.at(-1)!.truncated).toBe(true)
      })

      it('delivers rows in batches of batchSize with columns only on the first', async () => {
        const { batches, rows } = await collect(stream(env.connector, env.sql.series(1234), { batchSize: 100 }))
        expect(batches).toHaveLength(13)
        expect(batches.slice(0, 12).every((b) => b.rows.length === 100)).toBe(true)
        expect(batches[0].columns).toBeDefined()
        expect(batches.slice(1).every((b) => b.columns === undefined)).toBe(true)
        expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 1234 }, (_, i) => int(i + 1)))
      })

      it('gives the session back when the consumer stops early', async () => {
        const single = make({ options: { pool_max: 1, acquire_timeout_ms: 2_000 } })
        for (let i = 0; i < 3; i++) {
          for await (const _ of stream(single, env.sql.series(5000), { batchSize: 10 })) break
        }
        expect(await rowsOf(single, `SELECT COUNT(*) AS c FROM ${env.sql.table('suite_customers')}`)).toEqual([[expect.anything()]])
      })
    })

    describe('stream() errors', () => {
      it('reports a syntax error as query_failed with the database message', async () => {
        const e = await expectConnectorError(rowsOf(env.connector, 'SELEC 1'), 'query_failed')
        expect(e.message.length).toBeGreaterThan(10)
      })

      it('reports an unknown table as query_failed', async () => {
        await expectConnectorError(rowsOf(env.connector, `SELECT * FROM ${env.sql.schema}.suite_no_such_table`), 'query_failed')
      })

      it('keeps working after a failed query', async () => {
        await expectConnectorError(rowsOf(env.connector, 'SELEC 1'))
        expect(await rowsOf(env.connector, `SELECT id, name FROM ${env.sql.table('suite_customers')} ORDER BY id`)).toEqual(customerRows())
      })

      it.skipIf(caps.badCredentials === null)('reports a wrong password as auth_failed without echoing it', async () => {
        const bad = make(caps.badCredentials!)
        const e = await expectConnectorError(bad.test(), 'auth_failed')
        const secret = caps.badCredentials!.credentials?.password
        if (typeof secret === 'string' && secret) expect(e.message).not.toContain(secret)
      })

      it.skipIf(caps.unreachable === null)('reports a closed port as unreachable, fast', async () => {
        const c = make({ ...caps.unreachable!, options: { connect_timeout_ms: 2_000, ...caps.unreachable!.options } })
        const started = Date.now()
        await expectConnectorError(c.test(), 'unreachable')
        await expectConnectorError(rowsOf(c, 'SELECT 1'), 'unreachable')
        expect(Date.now() - started).toBeLessThan(5_000)
      })
    })

    describe('read-only sessions', () => {
      it('refuses writes, DDL and transaction tricks in the database session', async () => {
        for (const sql of env.sql.writes) {
          const e = await expectConnectorError(rowsOf(env.connector, sql))
          expect(['permission_denied', 'query_failed'], `${sql} -> ${e.code}: ${e.message}`).toContain(e.code)
        }
        const rows = await rowsOf(env.connector, `SELECT id, name FROM ${env.sql.table('suite_customers')} ORDER BY id`)
        expect(rows).toEqual(customerRows())
        expect(await rowsOf(env.connector, `SELECT id, customer_id, amount, ordered_on, paid FROM ${env.sql.table('suite_orders')} ORDER BY id`)).toHaveLength(3)
      })
    })

    describe('time limits and cancellation', () => {
      const isRunning = async (marker: string) => (env.running ? (await env.running(marker)) > 0 : false)

      it('stops a query that exceeds timeoutMs with a timeout error', async () => {
        const marker = `nx_to_${uid()}`
        const r = await consume(env.connector, env.sql.slow(marker), new AbortController().signal, 1_500)
        expect(r.error).toBeInstanceOf(ConnectorError)
        expect((r.error as ConnectorError).code).toBe('timeout')
        expect(r.ms).toBeLessThan(8_000)
        if (caps.serverSideCancel && env.running) expect(await waitFor(async () => !(await isRunning(marker)), 5_000)).toBe(true)
      })

      it.skipIf(!caps.serverSideCancel)('cancels the running statement in the database when the signal aborts', async () => {
        const marker = `nx_cx_${uid()}`
        const ac = new AbortController()
        const outcome = consume(env.connector, env.sql.slow(marker), ac.signal, 60_000)
        if (env.running) expect(await waitFor(() => isRunning(marker), 10_000), 'statement visible in the process list').toBe(true)
        else await new Promise((r) => setTimeout(r, 500))
        const abortedAt = Date.now()
        ac.abort()
        const r = await outcome
        expect((r.error as ConnectorError)?.code).toBe('cancelled')
        expect(Date.now() - abortedAt).toBeLessThan(4_000)
        if (env.running) expect(await waitFor(async () => !(await isRunning(marker)), 5_000), 'statement gone from the process list').toBe(true)
        // The connector still works afterwards.
        expect(await rowsOf(env.connector, env.sql.series(2))).toEqual([[int(1)], [int(2)]])
      })

      it('cancels between batches when the signal aborts while the consumer holds a batch', async () => {
        const ac = new AbortController()
        const iter = stream(env.connector, env.sql.series(5000), { signal: ac.signal, batchSize: 10 })[Symbol.asyncIterator]()
        const first = await iter.next()
        expect(first.done).toBe(false)
        ac.abort()
        await expectConnectorError(iter.next(), 'cancelled')
        expect(await rowsOf(env.connector, env.sql.series(2))).toEqual([[int(1)], [int(2)]])
      })

      it('refuses to start when the signal is already aborted', async () => {
        const ac = new AbortController()
        ac.abort()
        await expectConnectorError(collect(stream(env.connector, env.sql.series(1), { signal: ac.signal })), 'cancelled')
      })
    })

    describe('pool limits', () => {
      it('answers pool_exhausted fast when every session is busy, and recovers', async () => {
        const single = make({ options: { pool_max: 1, acquire_timeout_ms: 200 } })
        const ac = new AbortController()
        const marker = `nx_pool_${uid()}`
        const holder = consume(single, env.sql.slow(marker), ac.signal, 60_000)
        await new Promise((r) => setTimeout(r, 300))
        const started = Date.now()
        await expectConnectorError(rowsOf(single, env.sql.series(1)), 'pool_exhausted')
        expect(Date.now() - started).toBeLessThan(1_500)
        ac.abort()
        await holder
        expect(await rowsOf(single, env.sql.series(1))).toEqual([[int(1)]])
      })
    })

    caps.extra?.(() => env)
  })
}
