// The SQL Server connector driven through the real mssql/tedious driver against
// the local TDS server (test/support/tds-server.ts).
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectorError, type Connector, type ConnectorOptions, type RowBatch } from '../../connectors/connector'
import { createMssqlConnector } from '../../connectors/mssql/connector'
import { TdsTestServer, type TdsColumn } from '../support/tds-server'

const PASSWORD = 'Str0ng-Passw0rd!'

function connector(server: TdsTestServer | { port: number }, over: { password?: string; config?: Record<string, unknown>; options?: ConnectorOptions } = {}): Connector {
  return createMssqlConnector({
    type: 'mssql',
    config: { host: '127.0.0.1', port: server.port, database: 'analytics', encrypt: false, ...over.config },
    credentials: { username: 'nexatron_reader', password: over.password ?? PASSWORD },
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

const seq = (n: number) => Array.from({ length: n }, (_, i) => [i, `row-${i}`])
const SEQ_COLUMNS: TdsColumn[] = [{ name: 'n', type: 'int' }, { name: 'label', type: 'nvarchar' }]
/** ~40 MB of rows: more than socket buffers hold, so the server is still sending when we stop. */
const wide = (n = 5_000) => Array.from({ length: n }, (_, i) => [i, `${'x'.repeat(4000)}-${i}`])

describe('SQL Server connector (mssql/tedious against a TDS test server)', () => {
  let server: TdsTestServer
  let ms: Connector

  beforeAll(async () => {
    server = await new TdsTestServer({
      users: { nexatron_reader: PASSWORD },
      rowsPerWrite: 20,
      catalog: [
        { schema: 'sales', name: 'customers', columns: [{ name: 'id', dataType: 'int', nullable: false }, { name: 'name', dataType: 'nvarchar', maxLength: 200 }], primaryKey: ['id'] },
        {
          schema: 'sales',
          name: 'orders',
          columns: [
            { name: 'id', dataType: 'bigint', nullable: false },
            { name: 'customer_id', dataType: 'int' },
            { name: 'amount', dataType: 'decimal', precision: 12, scale: 2 },
            { name: 'ordered_at', dataType: 'datetime2' },
            { name: 'is_gift', dataType: 'bit' },
          ],
          primaryKey: ['id'],
          foreignKeys: [{ name: 'fk_orders_customers', columns: ['customer_id'], references: { schema: 'sales', table: 'customers', columns: ['id'] } }],
        },
        { schema: 'marts', name: 'daily_revenue', kind: 'VIEW', columns: [{ name: 'day', dataType: 'date' }, { name: 'revenue', dataType: 'float' }] },
      ],
    }).start()
    ms = connector(server)
  })
  afterAll(async () => {
    await ms?.close()
    await server?.stop()
  })

  it('logs in as the configured user and database and reports the version from test()', async () => {
    const res = await ms.test()
    expect(res.ok).toBe(true)
    expect(res.version).toContain('Microsoft SQL Server 2022')
    const login = server.logins.at(-1)!
    expect(login).toMatchObject({ user: 'nexatron_reader', database: 'analytics', appName: 'Nexatron', readOnlyIntent: false, ok: true })
  })

  it('validates pooled connections with an RPC SELECT 1 and runs queries through sp_executesql', async () => {
    await ms.test()
    expect(server.requests.some((r) => r.kind === 'rpc' && r.sql === 'SELECT 1;')).toBe(true)
    expect(server.requests.filter((r) => r.sql === 'SELECT @@VERSION').every((r) => r.kind === 'rpc')).toBe(true)
  })

  it('maps SQL Server types to the shared JSON representation with column metadata', async () => {
    const columns: TdsColumn[] = [
      { name: 'i', type: 'int' }, { name: 'small', type: 'smallint' }, { name: 'big', type: 'bigint' }, { name: 'price', type: 'decimal', precision: 12, scale: 2 },
      { name: 'ratio', type: 'float' }, { name: 'name', type: 'nvarchar' }, { name: 'flag', type: 'bit' }, { name: 'day', type: 'date' },
      { name: 'at', type: 'datetime2', scale: 3 }, { name: 'at_tz', type: 'datetimeoffset', scale: 3 }, { name: 'legacy', type: 'datetime' },
      { name: 'id', type: 'uniqueidentifier' }, { name: 'blob', type: 'varbinary' }, { name: 't', type: 'time', scale: 3 },
    ]
    server.on('select * from typed', {
      columns,
      rows: [
        [42, -7, '9007199254740993', '12.50', 0.25, 'Zoë', true, '2024-01-31', '2024-01-31T10:20:30.123Z', '2024-01-31T10:20:30.5+02:00', '2024-01-31T10:20:30.000Z', '6F9619FF-8B86-D011-B42D-00C04FC964FF', Buffer.from('hi'), '10:20:30.5'],
        Array(columns.length).fill(null),
      ],
    })
    const { batches, rows } = await drain(ms.stream({ sql: 'SELECT * FROM typed', params: [] }, opts()))
    expect(batches[0].columns!.map((c) => [c.name, c.type, c.json_type])).toEqual([
      ['i', 'integer', 'number'], ['small', 'integer', 'number'], ['big', 'bigint', 'string'], ['price', 'decimal', 'string'],
      ['ratio', 'float', 'number'], ['name', 'string', 'string'], ['flag', 'boolean', 'boolean'], ['day', 'date', 'string'],
      ['at', 'timestamp', 'string'], ['at_tz', 'timestamp', 'string'], ['legacy', 'timestamp', 'string'],
      ['id', 'string', 'string'], ['blob', 'binary', 'string'], ['t', 'string', 'string'],
    ])
    expect(batches[0].columns![3].db_type).toBe('decimal(12,2)')
    expect(batches[0].columns![5].db_type).toBe('nvarchar(4000)')
    expect(rows[0]).toEqual([
      42, -7, '9007199254740993', '12.50', 0.25, 'Zoë', true, '2024-01-31', '2024-01-31T10:20:30.123', '2024-01-31T08:20:30.500Z', '2024-01-31T10:20:30.000',
      '6F9619FF-8B86-D011-B42D-00C04FC964FF', Buffer.from('hi').toString('base64'), '10:20:30.500',
    ])
    expect(rows[1]).toEqual(Array(columns.length).fill(null))
  })

  it('binds parameters as typed sp_executesql parameters @p1, @p2...', async () => {
    server.on(/from orders where region = @p1/i, { columns: [{ name: 'n', type: 'int' }], rows: [[1]] })
    const when = new Date('2024-03-01T12:00:00.000Z')
    await drain(ms.stream({ sql: 'SELECT 1 AS n FROM orders WHERE region = @p1 AND qty > @p2 AND big > @p3 AND ratio < @p4 AND gift = @p5 AND at > @p6 AND note = @p7', params: ['EMEA', 5, 2 ** 40, 0.5, true, when, null] }, opts()))
    const rec = server.requests.at(-1)!
    expect(rec.kind).toBe('rpc')
    expect(rec.params).toEqual({
      p1: { type: 'nvarchar', value: 'EMEA' },
      p2: { type: 'int', value: 5 },
      p3: { type: 'bigint', value: String(2 ** 40) },
      p4: { type: 'float', value: 0.5 },
      p5: { type: 'bit', value: true },
      p6: { type: 'datetimeoffset', value: '2024-03-01T12:00:00.000Z' },
      p7: { type: 'nvarchar', value: null },
    })
  })

  it('runs each query inside a transaction that is rolled back', async () => {
    server.on('select 42 as answer', { columns: [{ name: 'answer', type: 'int' }], rows: [[42]] })
    const before = server.transactions.length
    const { rows } = await drain(ms.stream({ sql: 'SELECT 42 AS answer', params: [] }, opts()))
    expect(rows).toEqual([[42]])
    expect(server.requests.at(-1)!.inTransaction).toBe(true)
    expect(server.transactions.slice(before).map((t) => t.op)).toEqual(['begin', 'rollback'])
  })

  it('runs without a transaction when rollback_only is off, and asks for read-only intent when configured', async () => {
    const plain = connector(server, { config: { rollback_only: false, read_only_intent: true } })
    try {
      const before = server.transactions.length
      await drain(plain.stream({ sql: 'SELECT 42 AS answer', params: [] }, opts()))
      expect(server.transactions.length).toBe(before)
      expect(server.requests.at(-1)!.inTransaction).toBe(false)
      expect(server.logins.at(-1)!.readOnlyIntent).toBe(true)
    } finally {
      await plain.close()
    }
  })

  it('streams with backpressure: the server is held while the consumer waits', async () => {
    // ~40 MB of rows: far more than socket buffers and the stream's highWaterMark hold.
    const pad = 'x'.repeat(4000)
    server.on('select n, pad from wide_table', { columns: [{ name: 'n', type: 'int' }, { name: 'pad', type: 'nvarchar' }], rows: Array.from({ length: 5_000 }, (_, i) => [i, pad]) })
    const it = ms.stream({ sql: 'SELECT n, pad FROM wide_table', params: [] }, opts({ batchSize: 100, maxRows: 100_000 }))[Symbol.asyncIterator]()
    const first = await it.next()
    expect((first.value as RowBatch).rows[0]).toEqual([0, pad])
    // The consumer now pauses; the driver pauses the request, socket buffers
    // fill and the server's writes block.
    await new Promise((r) => setTimeout(r, 500))
    const rec = server.requests.find((r) => r.sql === 'SELECT n, pad FROM wide_table')!
    expect(rec.status).toBe('running')
    let count = (first.value as RowBatch).rows.length
    let expected = count
    for (;;) {
      const next = await it.next()
      if (next.done) break
      for (const r of next.value.rows) expect(r[0]).toBe(expected++)
      count += next.value.rows.length
    }
    expect(count).toBe(5_000)
    expect(rec.status).toBe('done')
  })

  it('cancels the query in SQL Server with an ATTENTION when the signal aborts', async () => {
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 300)
    const attentions = server.attentions.length
    const started = Date.now()
    const err = await failure(drain(ms.stream({ sql: "WAITFOR DELAY '00:00:30'", params: [] }, opts({ signal: ac.signal }))))
    expect(err.code).toBe('cancelled')
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(server.attentions.length).toBe(attentions + 1)
    expect(server.requests.filter((r) => r.sql === "WAITFOR DELAY '00:00:30'").at(-1)!.status).toBe('cancelled')
    // the connection is usable again afterwards
    expect((await drain(ms.stream({ sql: 'SELECT 42 AS answer', params: [] }, opts()))).rows).toEqual([[42]])
  })

  it('cancels a query that streams rows when the signal aborts mid-result', async () => {
    server.on('select n, label from endless', { columns: SEQ_COLUMNS, rows: wide() })
    const ac = new AbortController()
    const err = await failure((async () => {
      for await (const b of ms.stream({ sql: 'SELECT n, label FROM endless', params: [] }, opts({ signal: ac.signal, maxRows: 1_000_000 }))) {
        if (b.rows.length) ac.abort()
      }
    })())
    expect(err.code).toBe('cancelled')
    const rec = server.requests.filter((r) => r.sql === 'SELECT n, label FROM endless').at(-1)!
    await expect.poll(() => rec.status).toBe('cancelled')
  })

  it('times out with our own timer and cancels the query at the server', async () => {
    const err = await failure(drain(ms.stream({ sql: "WAITFOR DELAY '00:00:20'", params: [] }, opts({ timeoutMs: 500 }))))
    expect(err.code).toBe('timeout')
    expect(server.requests.filter((r) => r.sql === "WAITFOR DELAY '00:00:20'").at(-1)!.status).toBe('cancelled')
  })

  it('stops at maxRows, reports truncated and stops the server sending the rest', async () => {
    server.on('select n, label from many', { columns: SEQ_COLUMNS, rows: wide() })
    const attentions = server.attentions.length
    const { rows, batches } = await drain(ms.stream({ sql: 'SELECT n, label FROM many', params: [] }, opts({ maxRows: 10, batchSize: 100 })))
    expect(rows).toEqual(wide(10))
    expect(batches.at(-1)!.truncated).toBe(true)
    expect(server.attentions.length).toBe(attentions + 1)
    expect(server.requests.filter((r) => r.sql === 'SELECT n, label FROM many').at(-1)!.status).toBe('cancelled')
    server.on('select n, label from exactly_three', { columns: SEQ_COLUMNS, rows: seq(3) })
    const exact = await drain(ms.stream({ sql: 'SELECT n, label FROM exactly_three', params: [] }, opts({ maxRows: 3 })))
    expect(exact.rows).toHaveLength(3)
    expect(exact.batches.some((b) => b.truncated)).toBe(false)
  })

  it('sends column metadata on the first batch of an empty result', async () => {
    server.on('select n, label from nothing', { columns: SEQ_COLUMNS, rows: [] })
    const { batches } = await drain(ms.stream({ sql: 'SELECT n, label FROM nothing', params: [] }, opts()))
    expect(batches).toHaveLength(1)
    expect(batches[0].rows).toEqual([])
    expect(batches[0].columns!.map((c) => c.name)).toEqual(['n', 'label'])
  })

  it('maps SQL errors to query_failed and permission errors to permission_denied', async () => {
    const missing = await failure(drain(ms.stream({ sql: 'SELECT * FROM nope', params: [] }, opts())))
    expect(missing.code).toBe('query_failed')
    expect(missing.message).toContain('208')
    server.on('select * from hr.salaries', { number: 229, class: 14, message: "The SELECT permission was denied on the object 'salaries', database 'analytics', schema 'hr'." })
    const denied = await failure(drain(ms.stream({ sql: 'SELECT * FROM hr.salaries', params: [] }, opts())))
    expect(denied.code).toBe('permission_denied')
    expect(denied.message).toContain('SELECT permission was denied')
  })

  it('answers auth_failed for a wrong password without echoing it', async () => {
    const bad = connector(server, { password: 'wrong-password-987' })
    try {
      const err = await failure(bad.test())
      expect(err.code).toBe('auth_failed')
      expect(err.message).toContain("Login failed for user 'nexatron_reader'")
      expect(err.message).not.toContain('wrong-password-987')
      expect(JSON.stringify(err.cause ?? null)).not.toContain('wrong-password-987')
      // a later attempt tries again instead of caching the failure
      const again = await failure(bad.test())
      expect(again.code).toBe('auth_failed')
    } finally {
      await bad.close()
    }
  })

  it('answers unreachable when nothing listens on the port', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = s.address() as net.AddressInfo
        s.close(() => resolve(p))
      })
    })
    const dead = connector({ port })
    try {
      const err = await failure(dead.test())
      expect(err.code).toBe('unreachable')
    } finally {
      await dead.close()
    }
  })

  it('introspects tables, views, columns with normalized types, primary and foreign keys', async () => {
    const info = await ms.introspect()
    expect(info.schemas).toEqual(['marts', 'sales'])
    const orders = info.tables.find((t) => t.name === 'orders')!
    expect(orders.columns.map((c) => [c.name, c.type, c.db_type, c.nullable])).toEqual([
      ['id', 'bigint', 'bigint', false],
      ['customer_id', 'integer', 'int', true],
      ['amount', 'decimal', 'decimal(12,2)', true],
      ['ordered_at', 'timestamp', 'datetime2', true],
      ['is_gift', 'boolean', 'bit', true],
    ])
    expect(orders.primary_key).toEqual(['id'])
    expect(orders.foreign_keys).toEqual([{ columns: ['customer_id'], references: { schema: 'sales', table: 'customers', columns: ['id'] } }])
    expect(info.tables.find((t) => t.name === 'customers')!.columns[1].db_type).toBe('nvarchar(200)')
    expect(info.tables.find((t) => t.name === 'daily_revenue')!.kind).toBe('view')
  })

  it('limits introspection to the requested schemas with bound parameters', async () => {
    const info = await ms.introspect({ schemas: ['marts'] })
    expect(info.tables.map((t) => t.name)).toEqual(['daily_revenue'])
    const rec = server.requests.filter((r) => /INFORMATION_SCHEMA\.TABLES/.test(r.sql)).at(-1)!
    expect(rec.sql).toContain('IN (@p1)')
    expect(rec.params.p1).toEqual({ type: 'nvarchar', value: 'marts' })
  })

  it('refuses a batch that returns more than one result set', async () => {
    server.on('select 1 as a; select 2 as b', { columns: [{ name: 'a', type: 'int' }], rows: [[1]], more: [{ columns: [{ name: 'b', type: 'int' }], rows: [[2]] }] })
    const err = await failure(drain(ms.stream({ sql: 'SELECT 1 AS a; SELECT 2 AS b', params: [] }, opts())))
    expect(err.code).toBe('query_failed')
    expect(err.message).toContain('more than one result set')
  })

  it('answers pool_exhausted quickly when every connection is busy', async () => {
    const one = connector(server, { options: { pool_max: 1, acquire_timeout_ms: 200 } })
    try {
      const ac = new AbortController()
      const busy = drain(one.stream({ sql: "WAITFOR DELAY '00:00:30'", params: [] }, opts({ signal: ac.signal, timeoutMs: 60_000 })))
      await expect.poll(() => server.runningRequests().some((r) => r.sql === "WAITFOR DELAY '00:00:30'")).toBe(true)
      const started = Date.now()
      const err = await failure(drain(one.stream({ sql: 'SELECT 42 AS answer', params: [] }, opts({ timeoutMs: 1_000 }))))
      expect(err.code).toBe('pool_exhausted')
      expect(Date.now() - started).toBeLessThan(1_000)
      ac.abort()
      await failure(busy)
      expect((await drain(one.stream({ sql: 'SELECT 42 AS answer', params: [] }, opts()))).rows).toEqual([[42]])
    } finally {
      await one.close()
    }
  })

  it('closes connections that stay idle longer than idle_ms', async () => {
    const c = connector(server, { options: { idle_ms: 1_000 } })
    try {
      await c.test()
      const session = server.logins.at(-1)!.session
      expect(server.isConnected(session)).toBe(true)
      await expect.poll(() => server.isConnected(session), { timeout: 6_000, interval: 200 }).toBe(false)
    } finally {
      await c.close()
    }
  })

  it('closes its connections on close()', async () => {
    const c = connector(server)
    await c.test()
    const session = server.logins.at(-1)!.session
    expect(server.isConnected(session)).toBe(true)
    await c.close()
    await expect.poll(() => server.isConnected(session)).toBe(false)
  })

  it('refuses invalid settings with invalid_config, naming fields but not secrets', () => {
    let caught: unknown
    try {
      createMssqlConnector({ type: 'mssql', config: { host: '', database: 'x', port: 99999 }, credentials: { username: 'u', password: 'hunter2-secret', extra: 'x' } })
    } catch (err) {
      caught = err
    }
    const err = caught as ConnectorError
    expect(err).toBeInstanceOf(ConnectorError)
    expect(err.code).toBe('invalid_config')
    expect(err.message).toContain('config.host')
    expect(err.message).toContain('config.port')
    expect(err.message).not.toContain('hunter2-secret')
  })
})
