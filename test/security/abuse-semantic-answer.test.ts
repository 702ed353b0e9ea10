// Abuse: a large answer from POST /semantic/query. The route used to collect
// every row before writing a byte (rows, then row objects, then the whole JSON
// text in memory at once), so one caller asking for a million rows, a few
// times in parallel, could grow the process by gigabytes past the memory
// budget (which only new queries check). Now the answer is written as the
// rows arrive, like POST /query's: the test's warehouse holds its second batch
// back until the client has seen the first, which only a streamed answer can
// satisfy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { ConnectorError, type Connector, type RowBatch } from '../../connectors/connector'

let release: () => void = () => {}
let held = Promise.resolve()
let failAfterFirst = false
let batchesPulled = 0
const columns = [{ name: 'store__region', type: 'string' as const, json_type: 'string' as const }, { name: 'total_sales', type: 'decimal' as const, json_type: 'string' as const }]
const connector: Connector = {
  type: 'postgres', dialect: 'postgres',
  test: async () => ({ ok: true, version: 'fake', latency_ms: 0 }),
  introspect: async () => ({ schemas: [], tables: [] }),
  async *stream(q): AsyncIterable<RowBatch> {
    if (!q.sql.includes('total_sales')) { yield { columns: [], rows: [] }; return }
    batchesPulled++
    yield { columns, rows: Array.from({ length: 500 }, (_, i) => [`r${i}`, String(i)]) }
    // The rest of the answer waits until the test has read the start of the document.
    await held
    if (failAfterFirst) throw new ConnectorError('timeout', 'postgres', 'the statement ran too long')
    for (let b = 1; b < 4; b++) { batchesPulled++; yield { rows: Array.from({ length: 500 }, (_, i) => [`r${b * 500 + i}`, String(b * 500 + i)]) } }
  },
  close: async () => {},
}

let t: TestApp & { demoConnectionId?: string }
beforeAll(async () => { t = await createTestApp({ NEXATRON_RESULT_CACHE: 'false' }, { demo: true, connectorFactory: () => connector }) })
afterAll(async () => { await t?.close() })

const ask = () => t.request('POST', '/api/v1/semantic/query', { body: { connection_id: t.demoConnectionId, metrics: ['total_sales'], group_by: ['store__region'], max_rows: 1_000_000 } })
const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<'timed out'>((r) => setTimeout(() => r('timed out'), ms))])

/** Reads the body until `needle` has arrived; returns what was read and the reader. */
async function readUntil(res: Response, needle: string) {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let text = ''
  while (!text.includes(needle)) {
    const { value, done } = await reader.read()
    if (done) break
    text += decoder.decode(value, { stream: true })
  }
  return { text, reader, decoder }
}

describe('a large semantic query answer', () => {
  it('starts before the database has sent the whole result, and ends as one JSON document', async () => {
    failAfterFirst = false
    batchesPulled = 0
    held = new Promise<void>((r) => { release = r })
    // A generous bound: a collected answer never starts while the warehouse holds its rows back.
    const res = await within(ask(), 10_000)
    expect(res, 'the answer waited for every row before starting').not.toBe('timed out')
    const started = res as Response
    expect(started.status).toBe(200)
    const { text: head, reader, decoder } = await readUntil(started, '"r499"')
    expect(head).toContain('"data":[')
    expect(batchesPulled).toBe(1)
    release()
    let text = head
    for (;;) { const { value, done } = await reader.read(); if (done) break; text += decoder.decode(value, { stream: true }) }
    const body = JSON.parse(text)
    expect(body).toMatchObject({ status: 'succeeded', row_count: 2000, truncated: false, cache: 'off', sql: expect.stringContaining('total_sales') })
    expect(body.data).toHaveLength(2000)
    expect(body.data[1999].store__region).toBe('r1999')
    expect(started.headers.get('x-nexatron-query-id')).toBe(body.id)
  })

  it('ends with status failed and the error envelope when the database fails after rows were sent', async () => {
    failAfterFirst = true
    held = Promise.resolve()
    const res = await ask()
    expect(res.status).toBe(200)
    const body = JSON.parse(await res.text())
    expect(body.status).toBe('failed')
    expect(body.error).toMatchObject({ code: 'query_timeout', message: expect.any(String), request_id: res.headers.get('x-request-id') })
    expect(body.data).toHaveLength(500)
  })
})
