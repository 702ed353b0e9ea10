// The BigQuery connector driven through the real @google-cloud/bigquery client
// against the local REST test server (test/support/bigquery-server.ts).
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectorError, type Connector, type ConnectorOptions, type RowBatch } from '../../connectors/connector'
import { createBigQueryConnector } from '../../connectors/bigquery/connector'
import { bigqueryCredentialsSchema } from '../../connectors/bigquery/config'
import { BigQueryTestServer, bqError, bqResult, type BqField } from '../support/bigquery-server'

// No Google metadata server here: the auth library must never go looking for one.
process.env.METADATA_SERVER_DETECTION = 'none'

const TOKEN = 'test-access-token'

function connector(server: BigQueryTestServer, over: { token?: string; config?: Record<string, unknown>; options?: ConnectorOptions; endpoint?: string } = {}): Connector {
  return createBigQueryConnector({
    type: 'bigquery',
    config: { project_id: 'nexatron-test', location: 'US', api_endpoint: over.endpoint ?? server.url, ...over.config },
    credentials: { access_token: over.token ?? TOKEN },
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

const f = (name: string, type: string, mode: BqField['mode'] = 'NULLABLE', fields?: BqField[]): BqField => ({ name, type, mode, ...(fields && { fields }) })

describe('BigQuery connector (@google-cloud/bigquery against a REST test server)', () => {
  let server: BigQueryTestServer
  let bq: Connector

  beforeAll(async () => {
    server = await new BigQueryTestServer({
      tokens: [TOKEN],
      catalog: [
        { dataset: 'sales', name: 'customers', columns: [{ name: 'id', dataType: 'INT64', nullable: false }, { name: 'name', dataType: 'STRING' }], primaryKey: ['id'] },
        {
          dataset: 'sales',
          name: 'orders',
          columns: [
            { name: 'id', dataType: 'INT64', nullable: false },
            { name: 'customer_id', dataType: 'INT64' },
            { name: 'amount', dataType: 'NUMERIC(12, 2)' },
            { name: 'ordered_at', dataType: 'TIMESTAMP' },
            { name: 'tags', dataType: 'ARRAY<STRING>' },
          ],
          primaryKey: ['id'],
          foreignKeys: [{ columns: ['customer_id'], references: { dataset: 'sales', table: 'customers', columns: ['id'] } }],
        },
        { dataset: 'marts', name: 'daily_revenue', kind: 'VIEW', columns: [{ name: 'day', dataType: 'DATE' }, { name: 'revenue', dataType: 'FLOAT64' }] },
      ],
    }).start()
    bq = connector(server)
  })
  afterAll(async () => {
    await bq?.close()
    await server?.stop()
  })

  it('runs a job for test() and reports a version and latency', async () => {
    const res = await bq.test()
    expect(res).toMatchObject({ ok: true, version: 'BigQuery API v2' })
    expect(server.jobs.at(-1)!.sql).toBe('SELECT 1')
  })

  it('inserts jobs with maximumBytesBilled, jobTimeoutMs, standard SQL, a job prefix and typed positional parameters', async () => {
    server.on(/from orders where region = \?/i, bqResult([f('n', 'INTEGER')], [['7']]))
    const when = new Date('2024-03-01T12:00:00Z')
    await drain(bq.stream({ sql: 'SELECT COUNT(*) AS n FROM orders WHERE region = ? AND qty > ? AND ratio < ? AND gift = ? AND note = ? AND at > ?', params: ['EMEA', 5, 0.5, true, null, when] }, opts({ timeoutMs: 12_000 })))
    const job = server.jobs.at(-1)!
    expect(job.jobId).toMatch(/^nexatron_/)
    expect(job.location).toBe('US')
    const query = job.configuration.query as Record<string, unknown>
    expect(query.maximumBytesBilled).toBe(String(10 * 1024 ** 3))
    expect(query.useLegacySql).toBe(false)
    expect(job.configuration.jobTimeoutMs).toBe('12000')
    expect(job.parameterMode).toBe('POSITIONAL')
    expect(job.queryParameters).toEqual([
      { parameterType: { type: 'STRING' }, parameterValue: { value: 'EMEA' } },
      { parameterType: { type: 'INT64' }, parameterValue: { value: '5' } },
      { parameterType: { type: 'FLOAT64' }, parameterValue: { value: '0.5' } },
      { parameterType: { type: 'BOOL' }, parameterValue: { value: 'true' } },
      { parameterType: { type: 'STRING' }, parameterValue: {} },
      { parameterType: { type: 'TIMESTAMP' }, parameterValue: { value: '2024-03-01T12:00:00.000Z' } },
    ])
    expect('types' in query).toBe(false)
  })

  it('uses named parameters when the SQL says @p1', async () => {
    server.on(/where region = @p1/i, bqResult([f('n', 'INTEGER')], [['1']]))
    await drain(bq.stream({ sql: "SELECT 1 AS n FROM t WHERE region = @p1 AND label != '?'", params: ['EMEA'] }, opts()))
    const job = server.jobs.at(-1)!
    expect(job.parameterMode).toBe('NAMED')
    expect(job.queryParameters[0]).toMatchObject({ name: 'p1', parameterValue: { value: 'EMEA' } })
  })

  it('takes maximum_bytes_billed from the config and fails queries over it', async () => {
    const capped = connector(server, { config: { maximum_bytes_billed: 1_000_000 } })
    server.on('select * from huge_scan', bqResult([f('x', 'STRING')], [['a']], 50_000_000))
    const err = await failure(drain(capped.stream({ sql: 'SELECT * FROM huge_scan', params: [] }, opts())))
    expect((server.jobs.at(-1)!.configuration.query as Record<string, unknown>).maximumBytesBilled).toBe('1000000')
    expect(err.code).toBe('query_failed')
    expect(err.message).toContain('bytesBilledLimitExceeded')
  })

  it('maps BigQuery types, including TIMESTAMP microseconds, NUMERIC, STRUCT and ARRAY', async () => {
    const fields = [
      f('n', 'INTEGER'), f('big', 'INTEGER'), f('price', 'NUMERIC'), f('ratio', 'FLOAT'), f('name', 'STRING'), f('flag', 'BOOLEAN'),
      f('day', 'DATE'), f('at', 'TIMESTAMP'), f('local', 'DATETIME'), f('t', 'TIME'), f('raw', 'BYTES'), f('doc', 'JSON'),
      f('tags', 'STRING', 'REPEATED'), f('item', 'RECORD', 'NULLABLE', [f('sku', 'STRING'), f('qty', 'INTEGER'), f('seen', 'TIMESTAMP')]),
    ]
    server.on('select * from typed', bqResult(fields, [
      ['42', '9007199254740993', '12.50', '0.25', 'Zoë', 'true', '2024-01-31', '1700000000123456', '2024-01-31T10:20:30.5', '10:20:30', Buffer.from('hi').toString('base64'), '{"a":[1,2]}', ['x', 'y'], { record: ['SKU-1', '3', '1700000000000000'] }],
      [null, null, null, 'NaN', null, 'false', null, null, null, null, null, null, [], null],
    ]))
    const { batches, rows } = await drain(bq.stream({ sql: 'SELECT * FROM typed', params: [] }, opts()))
    expect(batches[0].columns!.map((c) => [c.name, c.type, c.json_type])).toEqual([
      ['n', 'bigint', 'string'], ['big', 'bigint', 'string'], ['price', 'decimal', 'string'], ['ratio', 'float', 'number'], ['name', 'string', 'string'], ['flag', 'boolean', 'boolean'],
      ['day', 'date', 'string'], ['at', 'timestamp', 'string'], ['local', 'timestamp', 'string'], ['t', 'string', 'string'], ['raw', 'binary', 'string'], ['doc', 'json', 'object'],
      ['tags', 'json', 'object'], ['item', 'json', 'object'],
    ])
    expect(batches[0].columns![13].db_type).toBe('STRUCT<sku STRING, qty INTEGER, seen TIMESTAMP>')
    expect(rows[0]).toEqual([
      '42', '9007199254740993', '12.5', 0.25, 'Zoë', true, '2024-01-31', '2023-11-14T22:13:20.123456Z', '2024-01-31T10:20:30.5', '10:20:30', Buffer.from('hi').toString('base64'), { a: [1, 2] },
      ['x', 'y'], { sku: 'SKU-1', qty: '3', seen: '2023-11-14T22:13:20.000Z' },
    ])
    expect(rows[1]).toEqual([null, null, null, null, null, false, null, null, null, null, null, null, [], null])
  })

  it('keeps the declared scale of parameterized NUMERIC(p, s) columns', async () => {
    server.on('select amount from priced', bqResult([{ ...f('amount', 'NUMERIC'), precision: '12', scale: '2' }, f('plain', 'NUMERIC')], [['12.5', '12.5'], ['-0.1', '3']]))
    const { batches, rows } = await drain(bq.stream({ sql: 'SELECT amount FROM priced', params: [] }, opts()))
    expect(batches[0].columns![0].db_type).toBe('NUMERIC(12, 2)')
    expect(rows).toEqual([['12.50', '12.5'], ['-0.10', '3']])
  })

  it('polls while the job reports jobComplete: false, then pages with pageToken in batches', async () => {
    const n = 2_500
    server.on('select seq from big', { delayMs: 400, then: bqResult([f('seq', 'INTEGER')], Array.from({ length: n }, (_, i) => [String(i)])) })
    const before = server.requests.length
    const { batches, rows } = await drain(bq.stream({ sql: 'SELECT seq FROM big', params: [] }, opts({ batchSize: 1_000 })))
    expect(rows.map((r) => Number(r[0]))).toEqual(Array.from({ length: n }, (_, i) => i))
    expect(batches.map((b) => b.rows.length)).toEqual([1000, 1000, 500])
    const gets = server.requests.slice(before).filter((r) => r.startsWith('GET /bigquery/v2/projects/nexatron-test/queries/'))
    expect(gets.length).toBeGreaterThanOrEqual(5) // ≥ 2 polls while running + 3 pages
    expect(gets.filter((r) => r.includes('pageToken=')).length).toBe(2)
    expect(gets.every((r) => r.includes('maxResults=1000'))).toBe(true)
  })

  it('reads only the pages the consumer asks for', async () => {
    server.on('select seq from paged', bqResult([f('seq', 'INTEGER')], Array.from({ length: 10_000 }, (_, i) => [String(i)])))
    const before = server.requests.length
    for await (const b of bq.stream({ sql: 'SELECT seq FROM paged', params: [] }, opts({ batchSize: 100, maxRows: 100_000 }))) {
      expect(b.rows).toHaveLength(100)
      break
    }
    const pages = server.requests.slice(before).filter((r) => r.includes('/queries/'))
    expect(pages).toHaveLength(1)
  })

  it('stops at maxRows and reports truncated, but not when the result fits exactly', async () => {
    server.on('select i from five', bqResult([f('i', 'INTEGER')], [['1'], ['2'], ['3'], ['4'], ['5']]))
    const cut = await drain(bq.stream({ sql: 'SELECT i FROM five', params: [] }, opts({ maxRows: 3 })))
    expect(cut.rows).toEqual([['1'], ['2'], ['3']])
    expect(cut.batches.at(-1)!.truncated).toBe(true)
    const exact = await drain(bq.stream({ sql: 'SELECT i FROM five', params: [] }, opts({ maxRows: 5, batchSize: 2 })))
    expect(exact.rows).toHaveLength(5)
    expect(exact.batches.some((b) => b.truncated)).toBe(false)
  })

  it('sends columns on the first batch of an empty result', async () => {
    server.on('select x from empty', bqResult([f('x', 'STRING')], []))
    const { batches } = await drain(bq.stream({ sql: 'SELECT x FROM empty', params: [] }, opts()))
    expect(batches).toEqual([{ columns: [{ name: 'x', type: 'string', db_type: 'STRING', json_type: 'string' }], rows: [] }])
  })

  it('cancels the job in BigQuery when the signal aborts', async () => {
    server.on('select slow_abort', { delayMs: 30_000, then: bqResult([f('x', 'STRING')], []) })
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 300)
    const started = Date.now()
    const err = await failure(drain(bq.stream({ sql: 'SELECT slow_abort', params: [] }, opts({ signal: ac.signal }))))
    expect(err.code).toBe('cancelled')
    expect(Date.now() - started).toBeLessThan(5_000)
    const job = server.jobs.find((j) => j.sql === 'SELECT slow_abort')!
    await expect.poll(() => job.cancelled).toBe(true)
    expect(server.cancels).toContain(job.jobId)
  })

  it('times out and cancels the job when timeoutMs passes', async () => {
    server.on('select slow_timeout', { delayMs: 30_000, then: bqResult([f('x', 'STRING')], []) })
    const err = await failure(drain(bq.stream({ sql: 'SELECT slow_timeout', params: [] }, opts({ timeoutMs: 700 }))))
    expect(err.code).toBe('timeout')
    const job = server.jobs.find((j) => j.sql === 'SELECT slow_timeout')!
    await expect.poll(() => job.cancelled).toBe(true)
  })

  it('maps a job stopped by BigQuery\'s own jobTimeoutMs to timeout', async () => {
    server.on('select stopped_by_bigquery', bqError(400, 'timeout', 'Job execution was cancelled: Job timed out after 1 sec'))
    const err = await failure(drain(bq.stream({ sql: 'SELECT stopped_by_bigquery', params: [] }, opts())))
    expect(err.code).toBe('timeout')
  })

  it('maps invalid queries to query_failed and access errors to permission_denied', async () => {
    const bad = await failure(drain(bq.stream({ sql: 'SELEC nonsense', params: [] }, opts())))
    expect(bad.code).toBe('query_failed')
    expect(bad.message).toContain('invalidQuery')
    server.on('select * from restricted', bqError(403, 'accessDenied', 'Access Denied: Table nexatron-test:hr.salaries: User does not have permission to query table'))
    const denied = await failure(drain(bq.stream({ sql: 'SELECT * FROM restricted', params: [] }, opts())))
    expect(denied.code).toBe('permission_denied')
    expect(denied.message).toContain('Access Denied')
  })

  it('answers auth_failed for a bad token without leaking it', async () => {
    const bad = connector(server, { token: 'stolen-or-expired-token' })
    const err = await failure(bad.test())
    expect(err.code).toBe('auth_failed')
    expect(err.message).not.toContain('stolen-or-expired-token')
    expect(JSON.stringify(err.cause ?? null)).not.toContain('stolen-or-expired-token')
  })

  it('answers unreachable when nothing listens at the endpoint', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = s.address() as net.AddressInfo
        s.close(() => resolve(p))
      })
    })
    const err = await failure(connector(server, { endpoint: `http://127.0.0.1:${port}` }).test())
    expect(err.code).toBe('unreachable')
  })

  it('introspects every dataset: tables, views, columns, primary and foreign keys', async () => {
    const info = await bq.introspect()
    expect(info.schemas).toEqual(['marts', 'sales'])
    const orders = info.tables.find((t) => t.name === 'orders')!
    expect(orders.columns.map((c) => [c.name, c.type, c.db_type, c.nullable])).toEqual([
      ['id', 'bigint', 'INT64', false],
      ['customer_id', 'bigint', 'INT64', true],
      ['amount', 'decimal', 'NUMERIC(12, 2)', true],
      ['ordered_at', 'timestamp', 'TIMESTAMP', true],
      ['tags', 'json', 'ARRAY<STRING>', true],
    ])
    expect(orders.primary_key).toEqual(['id'])
    expect(orders.foreign_keys).toEqual([{ columns: ['customer_id'], references: { schema: 'sales', table: 'customers', columns: ['id'] } }])
    expect(info.tables.find((t) => t.name === 'daily_revenue')!.kind).toBe('view')
    expect(server.jobs.some((j) => j.sql.includes('`nexatron-test.sales`.INFORMATION_SCHEMA.COLUMNS'))).toBe(true)
  })

  it('introspects only the requested datasets', async () => {
    const info = await bq.introspect({ schemas: ['marts'] })
    expect(info.tables.map((t) => t.name)).toEqual(['daily_revenue'])
  })

  it('answers pool_exhausted quickly when all query slots are busy', async () => {
    server.on('select hold_slot', { delayMs: 30_000, then: bqResult([f('x', 'STRING')], []) })
    const one = connector(server, { options: { pool_max: 1, acquire_timeout_ms: 200 } })
    const ac = new AbortController()
    const busy = drain(one.stream({ sql: 'SELECT hold_slot', params: [] }, opts({ signal: ac.signal })))
    await expect.poll(() => server.jobs.some((j) => j.sql === 'SELECT hold_slot' && j.state === 'RUNNING')).toBe(true)
    const err = await failure(drain(one.stream({ sql: 'SELECT 1', params: [] }, opts({ timeoutMs: 1_000 }))))
    expect(err.code).toBe('pool_exhausted')
    ac.abort()
    await failure(busy)
    expect((await drain(one.stream({ sql: 'SELECT 1', params: [] }, opts()))).rows).toEqual([['1']])
  })

  it('validates service-account credentials without echoing the key', () => {
    const ok = bigqueryCredentialsSchema.safeParse({ service_account_json: JSON.stringify({ type: 'service_account', client_email: 'svc@p.iam.gserviceaccount.com', private_key: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n' }) })
    expect(ok.success).toBe(true)
    let caught: unknown
    try {
      createBigQueryConnector({ type: 'bigquery', config: { project_id: 'nexatron-test' }, credentials: { service_account_json: '{"type":"service_account","private_key":"very-secret-key-material"}' } })
    } catch (err) {
      caught = err
    }
    expect((caught as ConnectorError).code).toBe('invalid_config')
    expect((caught as ConnectorError).message).toContain('client_email')
    expect((caught as ConnectorError).message).not.toContain('very-secret-key-material')
  })
})
