// POST /query's JSON answer is written as rows arrive (memory stays flat: see
// `npm run bench`), still answers pre-row failures with their own status, and
// ends a document whose rows have started with "status":"failed" when the
// database fails mid-way. Past the memory budget, new queries are shed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { listen } from '../support/live-server'
import { ConnectorError, type Connector, type RowBatch } from '../../connectors/connector'

let failMidway = false
let manyRows = 0
const connector: Connector = {
  type: 'postgres', dialect: 'postgres',
  test: async () => ({ ok: true, version: 'fake', latency_ms: 0 }),
  introspect: async () => ({ schemas: [], tables: [] }),
  async *stream(q): AsyncIterable<RowBatch> {
    if (!q.sql.includes('total_sales')) { yield { columns: [], rows: [] }; return }
    const columns = [{ name: 'store__region', type: 'string' as const, json_type: 'string' as const }, { name: 'total_sales', type: 'decimal' as const, json_type: 'string' as const }]
    yield { columns, rows: [['West', '10.50'], ['East', '=HYPERLINK("x")']] }
    for (let i = 0; i < manyRows; i += 500) yield { rows: Array.from({ length: 500 }, (_, j) => [`store number ${i + j}`, String(i + j)]) }
    if (failMidway) throw new ConnectorError('timeout', 'postgres', 'the statement ran too long')
    yield { rows: [['North', '3.25']] }
  },
  close: async () => {},
}

let t: TestApp
// The fake database answers the same question differently from one test to the next: no result cache.
beforeAll(async () => { t = await createTestApp({ NEXATRON_RESULT_CACHE: 'false' }, { demo: true, connectorFactory: () => connector }) })
afterAll(async () => { await t?.close() })

const ask = (body: Record<string, unknown>) => t.request('POST', '/api/v1/query', { body: { question: 'total sales by region', ...body } })

describe('the streamed JSON answer', () => {
  it('is one JSON document with every field, the rows in order and the status last', async () => {
    failMidway = false
    const res = await ask({})
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const text = await res.text()
    expect(text.trimEnd().endsWith('"status":"succeeded"}')).toBe(true)
    const body = JSON.parse(text)
    expect(body).toMatchObject({ status: 'succeeded', row_count: 3, truncated: false, connection_id: expect.any(String), conversation_id: expect.any(String) })
    expect(body.data.map((r: { store__region: string }) => r.store__region)).toEqual(['West', 'East', 'North'])
    expect(body.columns.map((c: { name: string }) => c.name)).toEqual(['store__region', 'total_sales'])
    expect(typeof body.summary).toBe('string')
    expect(body.sql).toContain('SELECT')
    expect(body.plan.kind).toBe('semantic')
  })

  it('ends with status failed and the error when the database fails after rows were sent', async () => {
    failMidway = true
    const res = await ask({})
    expect(res.status).toBe(200)
    const text = await res.text()
    const body = JSON.parse(text)
    expect(body.status, text).toBe('failed')
    expect(body.error).toMatchObject({ code: 'query_timeout', message: expect.any(String) })
    expect(body.data).toHaveLength(2)
    const hist = await (await t.request('GET', `/api/v1/query/${body.id}`)).json()
    expect(hist.status).toBe('failed')
  })

  it('goes out whole with its length when short, and streams in chunks when long', async () => {
    failMidway = false
    const server = await listen(t.app)
    const post = () => fetch(`${server.url}/api/v1/query`, {
      method: 'POST', headers: { authorization: `Bearer ${t.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'total sales by region' }),
    })
    try {
      manyRows = 0
      const short = await post()
      const shortText = await short.text()
      expect(short.headers.get('content-length')).toBe(String(Buffer.byteLength(shortText)))
      expect(short.headers.get('transfer-encoding')).toBeNull()
      expect(JSON.parse(shortText)).toMatchObject({ status: 'succeeded', row_count: 3 })

      manyRows = 5000
      const long = await post()
      expect(long.headers.get('content-length')).toBeNull()
      expect(long.headers.get('transfer-encoding')).toBe('chunked')
      const body = JSON.parse(await long.text())
      expect(body).toMatchObject({ status: 'succeeded', row_count: 5003 })
      expect(body.data.at(-2)).toEqual({ store__region: 'store number 4999', total_sales: 4999 })
    } finally {
      manyRows = 0
      await server.close()
    }
  })

  it('answers failures before the first row with their own status and envelope', async () => {
    const res = await t.request('POST', '/api/v1/query', { body: { question: 'xyzzy plugh' } })
    expect(res.status).toBe(422)
    expect((await res.json()).error.code).toBeTruthy()
  })
})

describe('the memory budget', () => {
  let tight: TestApp
  beforeAll(async () => { tight = await createTestApp({ NEXATRON_MEMORY_BUDGET_MB: '1' }, { demo: true, connectorFactory: () => connector }) })
  afterAll(async () => { await tight?.close() })

  it('answers 503 server_busy with Retry-After while the process is over it', async () => {
    const res = await tight.request('POST', '/api/v1/query', { body: { question: 'total sales by region' } })
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('5')
    expect((await res.json()).error.code).toBe('server_busy')
  })
})
