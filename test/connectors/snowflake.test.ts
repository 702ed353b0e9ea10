// The Snowflake connector driven through the real snowflake-sdk against the
// local protocol server (test/support/snowflake-server.ts).
import fs from 'node:fs'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectorError, type Connector, type ConnectorOptions, type RowBatch } from '../../connectors/connector'
import { createSnowflakeConnector } from '../../connectors/snowflake/connector'
import { snowflakeConfigSchema, snowflakeCredentialsSchema } from '../../connectors/snowflake/config'
import { SnowflakeTestServer, result, sfError, type SfColumn } from '../support/snowflake-server'

const PASSWORD = 'correct-horse-battery'

function connector(server: SnowflakeTestServer, over: { password?: string; options?: ConnectorOptions; accessUrl?: string } = {}): Connector {
  return createSnowflakeConnector({
    type: 'snowflake',
    config: { account: 'acme-test', database: 'ANALYTICS', warehouse: 'REPORTING_WH', role: 'NEXATRON_READER', access_url: over.accessUrl ?? server.url },
    credentials: { username: 'nexatron', password: over.password ?? PASSWORD },
    options: over.options,
  })
}

async function drain(it: AsyncIterable<RowBatch>): Promise<{ batches: RowBatch[]; rows: unknown[][] }> {
  const batches: RowBatch[] = []
  for await (const b of it) batches.push(b)
  return { batches, rows: batches.flatMap((b) => b.rows) }
}

async function failure(p: Promise<unknown>): Promise<ConnectorError> {
  try {
    await p
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectorError)
    return err as ConnectorError
  }
  throw new Error('expected a ConnectorError')
}

const opts = (over: Partial<{ signal: AbortSignal; maxRows: number; timeoutMs: number; batchSize: number }> = {}) => ({
  signal: over.signal ?? new AbortController().signal,
  maxRows: over.maxRows ?? 10_000,
  timeoutMs: over.timeoutMs ?? 10_000,
  batchSize: over.batchSize,
})

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })

describe('Snowflake connector (snowflake-sdk against a protocol test server)', () => {
  let server: SnowflakeTestServer
  let sf: Connector

  beforeAll(async () => {
    server = await new SnowflakeTestServer({
      users: { nexatron: PASSWORD },
      chunkRows: 1000,
      catalog: {
        database: 'ANALYTICS',
        tables: [
          { schema: 'SALES', name: 'CUSTOMERS', columns: [{ name: 'ID', dataType: 'NUMBER', precision: 38, scale: 0, nullable: false }, { name: 'NAME', dataType: 'TEXT' }], primaryKey: ['ID'] },
          {
            schema: 'SALES',
            name: 'ORDERS',
            columns: [
              { name: 'ID', dataType: 'NUMBER', precision: 38, scale: 0, nullable: false },
              { name: 'CUSTOMER_ID', dataType: 'NUMBER', precision: 38, scale: 0 },
              { name: 'AMOUNT', dataType: 'NUMBER', precision: 12, scale: 2 },
              { name: 'QTY', dataType: 'NUMBER', precision: 9, scale: 0 },
              { name: 'ORDERED_AT', dataType: 'TIMESTAMP_NTZ', scale: 9 },
              { name: 'IS_GIFT', dataType: 'BOOLEAN' },
              { name: 'ATTRS', dataType: 'VARIANT' },
            ],
            primaryKey: ['ID'],
            foreignKeys: [{ columns: ['CUSTOMER_ID'], references: { schema: 'SALES', table: 'CUSTOMERS', columns: ['ID'] } }],
          },
          { schema: 'MARTS', name: 'DAILY_REVENUE', kind: 'VIEW', columns: [{ name: 'DAY', dataType: 'DATE' }, { name: 'REVENUE', dataType: 'FLOAT' }] },
        ],
      },
    }).start()
    sf = connector(server)
  })
  afterAll(async () => {
    await sf?.close()
    await server?.stop()
  })

  it('reports the server version and a latency from test()', async () => {
    const res = await sf.test()
    expect(res.ok).toBe(true)
    expect(res.version).toBe('Snowflake 9.12.1')
    expect(res.latency_ms).toBeGreaterThanOrEqual(0)
    const login = server.logins.at(-1)!
    expect(login.username).toBe('nexatron')
    expect(login.query).toMatchObject({ databaseName: 'ANALYTICS', warehouse: 'REPORTING_WH', roleName: 'NEXATRON_READER' })
    expect(login.application).toBe('Nexatron')
  })

  it('maps Snowflake types to the shared JSON representation with column metadata', async () => {
    const cols: SfColumn[] = [
      { name: 'SMALL_INT', type: 'fixed', precision: 9, scale: 0 },
      { name: 'BIG_INT', type: 'fixed', precision: 38, scale: 0 },
      { name: 'PRICE', type: 'fixed', precision: 12, scale: 2 },
      { name: 'RATIO', type: 'real' },
      { name: 'NAME', type: 'text' },
      { name: 'FLAG', type: 'boolean' },
      { name: 'DAY', type: 'date' },
      { name: 'AT_NTZ', type: 'timestamp_ntz', scale: 9 },
      { name: 'AT_TZ', type: 'timestamp_tz', scale: 3 },
      { name: 'DOC', type: 'variant' },
      { name: 'BYTES', type: 'binary' },
    ]
    server.on('select * from typed', result(cols, [
      ['42', '9007199254740993', '12.50', '0.25', 'Zoë', '1', '19723', '1700000000.123456789', '1700000000.500 1500', '{"a":[1,2]}', 'CAFE'],
      [null, null, null, 'NaN', null, '0', null, null, null, null, null],
    ]))
    const { batches, rows } = await drain(sf.stream({ sql: 'SELECT * FROM typed', params: [] }, opts()))
    expect(batches[0].columns!.map((c) => [c.name, c.type, c.json_type])).toEqual([
      ['SMALL_INT', 'integer', 'number'],
      ['BIG_INT', 'bigint', 'string'],
      ['PRICE', 'decimal', 'string'],
      ['RATIO', 'float', 'number'],
      ['NAME', 'string', 'string'],
      ['FLAG', 'boolean', 'boolean'],
      ['DAY', 'date', 'string'],
      ['AT_NTZ', 'timestamp', 'string'],
      ['AT_TZ', 'timestamp', 'string'],
      ['DOC', 'json', 'object'],
      ['BYTES', 'binary', 'string'],
    ])
    expect(batches[0].columns![2].db_type).toBe('NUMBER(12,2)')
    expect(rows[0]).toEqual([42, '9007199254740993', '12.50', 0.25, 'Zoë', true, '2024-01-01', '2023-11-14T22:13:20.123', '2023-11-14T22:13:20.500Z', { a: [1, 2] }, Buffer.from('CAFE', 'hex').toString('base64')])
    expect(rows[1]).toEqual([null, null, null, null, null, false, null, null, null, null, null])
  })

  it('sends binds, MULTI_STATEMENT_COUNT=1, the statement timeout and a row cap with every query', async () => {
    server.on(/from orders where/i, result([{ name: 'N', type: 'fixed', precision: 1 }], [['1']]))
    await drain(sf.stream({ sql: 'SELECT 1 AS n FROM orders WHERE region = ? AND qty > ? AND gift = ?', params: ['EMEA', 5, true] }, opts({ timeoutMs: 7_500, maxRows: 50 })))
    const q = server.queries.at(-1)!
    expect(q.binds).toEqual(['EMEA', '5', 'true'])
    expect(q.bindTypes).toEqual(['TEXT', 'FIXED', 'BOOLEAN'])
    expect(q.parameters).toMatchObject({ MULTI_STATEMENT_COUNT: 1, STATEMENT_TIMEOUT_IN_SECONDS: 8, ROWS_PER_RESULTSET: 51 })
  })

  it('has a second statement refused by Snowflake itself', async () => {
    const err = await failure(drain(sf.stream({ sql: 'SELECT 1; DELETE FROM orders', params: [] }, opts())))
    expect(err.code).toBe('query_failed')
    expect(err.message).toContain('000008')
    expect(err.message).toContain('statement count')
  })

  it('polls a long query answered with 333334 until its result is ready', async () => {
    const before = server.requests.length
    const { rows } = await drain(sf.stream({ sql: 'SELECT SYSTEM$WAIT(0.5)', params: [] }, opts()))
    expect(rows).toEqual([['waited 0.5 seconds']])
    const polls = server.requests.slice(before).filter((r) => /^GET \/queries\/[^/]+\/result$/.test(r))
    expect(polls.length).toBeGreaterThanOrEqual(2)
  })

  it('cancels the statement in Snowflake when the signal aborts', async () => {
    const ac = new AbortController()
    const started = Date.now()
    setTimeout(() => ac.abort(), 300)
    const err = await failure(drain(sf.stream({ sql: 'SELECT SYSTEM$WAIT(30)', params: [] }, opts({ signal: ac.signal }))))
    expect(err.code).toBe('cancelled')
    expect(Date.now() - started).toBeLessThan(5_000)
    const q = server.queries.filter((x) => x.sql === 'SELECT SYSTEM$WAIT(30)').at(-1)!
    await expect.poll(() => q.status).toBe('cancelled')
    expect(server.aborts.some((a) => a.queryId === q.queryId)).toBe(true)
  })

  it('cancels by request id when aborted before Snowflake answered with a query id', async () => {
    // This server holds a query-request 1.5 s before its first 333334 answer,
    // so the abort surely comes before the driver knows the query id.
    const slow = await new SnowflakeTestServer({ users: { nexatron: PASSWORD }, holdMs: 1_500 }).start()
    const c = connector(slow)
    try {
      await c.test()
      const ac = new AbortController()
      const done = drain(c.stream({ sql: 'SELECT SYSTEM$WAIT(40)', params: [] }, opts({ signal: ac.signal })))
      await expect.poll(() => slow.queries.some((q) => q.sql === 'SELECT SYSTEM$WAIT(40)'), { interval: 5 }).toBe(true)
      ac.abort()
      expect((await failure(done)).code).toBe('cancelled')
      const q = slow.queries.find((x) => x.sql === 'SELECT SYSTEM$WAIT(40)')!
      await expect.poll(() => q.status).toBe('cancelled')
      expect(slow.aborts).toEqual([{ requestId: q.requestId }])
    } finally {
      await c.close()
      await slow.stop()
    }
  })

  it('times out, cancelling the statement, when timeoutMs passes', async () => {
    const err = await failure(drain(sf.stream({ sql: 'SELECT SYSTEM$WAIT(20)', params: [] }, opts({ timeoutMs: 600 }))))
    expect(err.code).toBe('timeout')
    const q = server.queries.filter((x) => x.sql === 'SELECT SYSTEM$WAIT(20)').at(-1)!
    await expect.poll(() => q.status).toBe('cancelled')
  })

  it('maps Snowflake\'s own statement timeout (000630) to timeout', async () => {
    // e.g. a warehouse-level STATEMENT_TIMEOUT_IN_SECONDS lower than ours
    server.on('select slow_by_server', sfError('000630', 'Statement reached its statement or warehouse timeout of 1 second(s) and was canceled.', '57014'))
    const err = await failure(drain(sf.stream({ sql: 'SELECT slow_by_server', params: [] }, opts())))
    expect(err.code).toBe('timeout')
  })

  it('stops at maxRows and reports truncated, but not when the result fits exactly', async () => {
    const cols: SfColumn[] = [{ name: 'I', type: 'fixed', precision: 9 }]
    server.on('select i from five_rows', result(cols, [['1'], ['2'], ['3'], ['4'], ['5']]))
    const cut = await drain(sf.stream({ sql: 'SELECT i FROM five_rows', params: [] }, opts({ maxRows: 3 })))
    expect(cut.rows).toEqual([[1], [2], [3]])
    expect(cut.batches.at(-1)!.truncated).toBe(true)
    const exact = await drain(sf.stream({ sql: 'SELECT i FROM five_rows', params: [] }, opts({ maxRows: 5 })))
    expect(exact.rows).toHaveLength(5)
    expect(exact.batches.some((b) => b.truncated)).toBe(false)
  })

  it('streams a result delivered in many chunks, in order, in batches', async () => {
    const n = 25_000
    server.on('select seq from big', result([{ name: 'SEQ', type: 'fixed', precision: 9 }, { name: 'LABEL', type: 'text' }], Array.from({ length: n }, (_, i) => [String(i), `row-${i}`])))
    const before = server.requests.length
    let count = 0
    let expected = 0
    let batches = 0
    for await (const b of sf.stream({ sql: 'SELECT seq FROM big', params: [] }, opts({ maxRows: 100_000, batchSize: 2_000 }))) {
      batches++
      expect(b.rows.length).toBeLessThanOrEqual(2_000)
      for (const r of b.rows) {
        expect(r[0]).toBe(expected++)
        count++
      }
    }
    expect(count).toBe(n)
    expect(batches).toBeGreaterThanOrEqual(13)
    expect(server.requests.slice(before).filter((r) => r.startsWith('GET /chunks/')).length).toBe(25)
  })

  it('stops downloading chunks when the consumer stops early', async () => {
    server.on('select seq from huge', result([{ name: 'SEQ', type: 'fixed', precision: 9 }], Array.from({ length: 60_000 }, (_, i) => [String(i)])))
    const before = server.requests.length
    for await (const b of sf.stream({ sql: 'SELECT seq FROM huge', params: [] }, opts({ maxRows: 100_000, batchSize: 100 }))) {
      expect(b.rows[0]).toEqual([0])
      break
    }
    await new Promise((r) => setTimeout(r, 300))
    const chunkGets = server.requests.slice(before).filter((r) => r.startsWith('GET /chunks/')).length
    expect(chunkGets).toBeLessThan(10) // of 60
  })

  it('answers auth_failed for a wrong password without echoing it', async () => {
    const bad = connector(server, { password: 'wrong-password-123' })
    try {
      const err = await failure(bad.test())
      expect(err.code).toBe('auth_failed')
      expect(err.message).toContain('390100')
      expect(err.message).not.toContain('wrong-password-123')
      expect(JSON.stringify(err.cause ?? null)).not.toContain('wrong-password-123')
    } finally {
      await bad.close()
    }
  })

  it('answers unreachable when nothing listens at the endpoint', async () => {
    const port = await freePort()
    const dead = connector(server, { accessUrl: `http://127.0.0.1:${port}` })
    try {
      const err = await failure(dead.test())
      expect(err.code).toBe('unreachable')
      expect(err.message).not.toContain(PASSWORD)
    } finally {
      await dead.close()
    }
  })

  it('maps SQL errors to query_failed and privilege errors to permission_denied', async () => {
    server.on('select * from secret_table', sfError('003001', "SQL access control error:\nInsufficient privileges to operate on table 'SECRET_TABLE'", '42501'))
    const denied = await failure(drain(sf.stream({ sql: 'SELECT * FROM secret_table', params: [] }, opts())))
    expect(denied.code).toBe('permission_denied')
    const missing = await failure(drain(sf.stream({ sql: 'SELECT * FROM no_such_table', params: [] }, opts())))
    expect(missing.code).toBe('query_failed')
    expect(missing.message).toContain('does not exist or not authorized')
  })

  it('introspects tables, views, columns with normalized types, primary and foreign keys', async () => {
    const info = await sf.introspect()
    expect(info.schemas).toEqual(['MARTS', 'SALES'])
    const orders = info.tables.find((t) => t.name === 'ORDERS')!
    expect(orders.kind).toBe('table')
    expect(orders.columns.map((c) => [c.name, c.type, c.nullable])).toEqual([
      ['ID', 'bigint', false],
      ['CUSTOMER_ID', 'bigint', true],
      ['AMOUNT', 'decimal', true],
      ['QTY', 'integer', true],
      ['ORDERED_AT', 'timestamp', true],
      ['IS_GIFT', 'boolean', true],
      ['ATTRS', 'json', true],
    ])
    expect(orders.columns[2].db_type).toBe('NUMBER(12,2)')
    expect(orders.primary_key).toEqual(['ID'])
    expect(orders.foreign_keys).toEqual([{ columns: ['CUSTOMER_ID'], references: { schema: 'SALES', table: 'CUSTOMERS', columns: ['ID'] } }])
    expect(info.tables.find((t) => t.name === 'DAILY_REVENUE')!.kind).toBe('view')
  })

  it('limits introspection to the requested schemas with bound parameters', async () => {
    const info = await sf.introspect({ schemas: ['MARTS'] })
    expect(info.tables.map((t) => t.name)).toEqual(['DAILY_REVENUE'])
    const q = server.queries.filter((x) => /INFORMATION_SCHEMA\.TABLES/.test(x.sql)).at(-1)!
    expect(q.sql).toContain('"ANALYTICS".INFORMATION_SCHEMA.TABLES')
    expect(q.binds).toEqual(['MARTS'])
  })

  it('answers pool_exhausted instead of hanging when every session is busy', async () => {
    const small = connector(server, { options: { pool_max: 1, acquire_timeout_ms: 200 } })
    try {
      const ac = new AbortController()
      const busy = drain(small.stream({ sql: 'SELECT SYSTEM$WAIT(30)', params: [] }, opts({ signal: ac.signal })))
      await expect.poll(() => server.queries.filter((q) => q.sql === 'SELECT SYSTEM$WAIT(30)' && q.status === 'running').length).toBeGreaterThan(0)
      const started = Date.now()
      const err = await failure(drain(small.stream({ sql: 'SELECT CURRENT_VERSION()', params: [] }, opts({ timeoutMs: 1_000 }))))
      expect(err.code).toBe('pool_exhausted')
      expect(Date.now() - started).toBeLessThan(1_000)
      ac.abort()
      await failure(busy)
      // the session is free again
      const { rows } = await drain(small.stream({ sql: 'SELECT CURRENT_VERSION()', params: [] }, opts()))
      expect(rows).toEqual([['9.12.1']])
    } finally {
      await small.close()
    }
  })

  it('closes idle sessions after idle_ms and all sessions on close()', async () => {
    const idle = connector(server, { options: { idle_ms: 500 } })
    await idle.test()
    const deletedBefore = server.deletedSessions.length
    await expect.poll(() => server.deletedSessions.length, { timeout: 5_000, interval: 100 }).toBe(deletedBefore + 1)
    await idle.test()
    await idle.close()
    expect(server.deletedSessions.length).toBe(deletedBefore + 2)
  })

  it('refuses invalid settings with invalid_config, naming fields but not secrets', () => {
    let caught: unknown
    try {
      createSnowflakeConnector({ type: 'snowflake', config: { account: 'bad account!', database: '' }, credentials: { username: 'u', password: 'hunter2-secret', private_key: 'PEM' } })
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(ConnectorError)
    const err = caught as ConnectorError
    expect(err.code).toBe('invalid_config')
    expect(err.message).toContain('config.account')
    expect(err.message).toContain('config.database')
    expect(err.message).toContain('credentials.password')
    expect(err.message).not.toContain('hunter2-secret')
  })

  it('accepts key-pair credentials and rejects unknown config fields', () => {
    expect(snowflakeCredentialsSchema.safeParse({ username: 'svc', private_key: '-----BEGIN PRIVATE KEY-----' }).success).toBe(true)
    expect(snowflakeConfigSchema.safeParse({ account: 'acme', database: 'DB', password: 'x' }).success).toBe(false)
  })

  it('writes no snowflake.log into the working directory and keeps its cache out of $HOME', () => {
    expect(fs.existsSync('snowflake.log')).toBe(false)
    expect(process.env.SF_OCSP_RESPONSE_CACHE_DIR).toBeTruthy()
    expect(process.env.SF_OCSP_RESPONSE_CACHE_DIR!.startsWith(process.env.HOME ?? '/nonexistent')).toBe(false)
  })
})
