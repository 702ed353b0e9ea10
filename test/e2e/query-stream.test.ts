// SSE over a real listening server on the demo warehouse, read by a
// standards-following parser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { listen, type LiveServer } from '../support/live-server'
import { readSse } from '../support/sse-client'

const NOW = new Date('2026-11-23T12:00:00Z')
let t: TestApp
let server: LiveServer
beforeAll(async () => {
  t = await createTestApp({}, { demo: true, now: () => NOW })
  server = await listen(t.app)
})
afterAll(async () => {
  await server?.close()
  await t?.close()
})

const auth = () => ({ authorization: `Bearer ${t.adminKey}` })

describe('POST /api/v1/query/stream', () => {
  it('sends plan, sql, columns, rows, summary, done in order with increasing ids', async () => {
    const res = await readSse(`${server.url}/api/v1/query/stream`, { headers: auth(), body: { question: 'sales by region last quarter' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const names = res.events.map((e) => e.event)
    expect(names[0]).toBe('plan')
    expect(names[1]).toBe('sql')
    expect(names[2]).toBe('columns')
    expect(names.slice(3, -2).every((n) => n === 'rows')).toBe(true)
    expect(names.slice(-2)).toEqual(['summary', 'done'])
    const ids = res.events.map((e) => Number(e.id))
    expect(ids).toEqual(ids.map((_, i) => i + 1))
    const rows = res.events.filter((e) => e.event === 'rows').flatMap((e) => JSON.parse(e.data) as unknown[][])
    const done = JSON.parse(res.events.at(-1)!.data)
    expect(done.row_count).toBe(rows.length)
    expect(done.id).toBe(res.headers.get('x-nexatron-query-id'))
    const cols = JSON.parse(res.events[2].data).columns
    expect(cols.map((c: { name: string }) => c.name)).toEqual(['total_sales', 'store__region'])
    // the sql event carries the bind parameters and a display copy with them inlined
    const sqlEv = JSON.parse(res.events[1].data)
    expect(sqlEv.params.length).toBeGreaterThan(0)
    expect(sqlEv.sql).toContain('$1')
    expect(sqlEv.sql_inline).not.toContain('$1')
    expect(sqlEv.sql_inline).toMatch(/DATE '\d{4}-\d{2}-\d{2}'|'\d{4}-\d{2}-\d{2}/)
    // The same run is in history as succeeded.
    const rec = await (await t.request('GET', `/api/v1/query/${done.id}`)).json()
    expect(rec.status).toBe('succeeded')
    expect(rec.row_count).toBe(rows.length)
  })

  it('frames every event as event, data and id lines, each rows event one line of JSON', async () => {
    const res = await fetch(`${server.url}/api/v1/query/stream`, {
      method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify({ question: 'sales by region last quarter' }),
    })
    const text = await res.text()
    const blocks = text.split('\n\n').filter((b) => b && !b.startsWith(':'))
    const rowBlocks = blocks.filter((b) => b.startsWith('event: rows\n'))
    expect(rowBlocks.length).toBeGreaterThan(0)
    blocks.forEach((b, i) => {
      const lines = b.split('\n')
      expect(lines).toHaveLength(3)
      expect(lines[0]).toMatch(/^event: [a-z]+$/)
      expect(lines[1].startsWith('data: ')).toBe(true)
      expect(lines[2]).toBe(`id: ${i + 1}`)
    })
    for (const b of rowBlocks) expect(Array.isArray(JSON.parse(b.split('\n')[1].slice('data: '.length)))).toBe(true)
  })

  it('answers a planning failure with the same 422 JSON envelope as /query, before any event', async () => {
    const res = await readSse(`${server.url}/api/v1/query/stream`, { headers: auth(), body: { question: 'how tall is the eiffel tower' } })
    expect(res.status).toBe(422)
    expect(res.headers.get('content-type')).toContain('application/json')
    const last = res.events.at(-1)!
    expect(last.event).toBe('http')
    const body = JSON.parse(last.data)
    expect(body.error.code).toBe('question_not_understood')
    expect(body.error.request_id).toMatch(/^req_/)
  })

  it('answers 4xx before streaming when the request itself is bad', async () => {
    const res = await readSse(`${server.url}/api/v1/query/stream`, { headers: auth(), body: { question: '' } })
    expect(res.status).toBe(400)
    const unauth = await readSse(`${server.url}/api/v1/query/stream`, { headers: {}, body: { question: 'sales' } })
    expect(unauth.status).toBe(401)
  })

  it('delivers many row batches for a large result', async () => {
    const res = await readSse(`${server.url}/api/v1/query/stream`, { headers: auth(), body: { question: 'daily sales by product', max_rows: 20000 } })
    const batches = res.events.filter((e) => e.event === 'rows')
    expect(batches.length).toBeGreaterThan(1)
    const total = batches.reduce((n, e) => n + (JSON.parse(e.data) as unknown[]).length, 0)
    expect(JSON.parse(res.events.at(-1)!.data).row_count).toBe(total)
  })
})
