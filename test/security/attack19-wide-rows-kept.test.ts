// Attack: take the heap (and the metadata store) every tenant shares with the
// rows an answer keeps for history. Answers stream with backpressure, so a
// large answer is meant to cost a batch of rows; but each run also kept its
// first NEXATRON_HISTORY_ROWS (1,000) rows in memory to the end for the
// summary and the history record, and up to 1,000 more for the chart, with no
// bound on their size. A tenant admin (semantic:write on their own layer)
// adds a dimension whose values are wide, repeat(customer_name, n), and asks
// for it grouped: one 260 MiB answer pinned all of it and then serialised it
// into one history row (2.9 GiB still held after a full collection; PGlite refused the
// write, so the run was marked failed with internal_error after every row had
// been sent; PostgreSQL would have stored it). A few such runs at once end
// the process. Kept rows are now bounded by bytes as well as by count.
import v8 from 'node:v8'
import vm from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { KEPT_ROWS_MAX_BYTES } from '../../src/query/query-runner'
import { summarize, type SummaryColumn } from '../../src/planner/summary'
import type { Plan } from '../../src/planner/planner'

let t: TestApp & { demoConnectionId?: string }
// A full collection before each reading, so that it counts what is held, not garbage.
v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void
// ~48 KiB a value (customer names run 10-20 characters), 1,000 customers: about 48 MiB an answer, which the
// demo warehouse groups within its 128 MB of temporary files (attack19-demo-temp-files.test.ts).
const REPEAT = 3_000

beforeAll(async () => {
  t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000' }, { demo: true })
  const dim = await t.request('POST', '/api/v1/semantic/dimensions', {
    body: { connection_id: t.demoConnectionId, semantic_model: 'customers', name: 'wide_name', type: 'categorical', expr: `repeat(customer_name || '#' || customer_id, ${REPEAT})` },
  })
  expect(dim.status, await dim.clone().text()).toBe(201)
}, 120_000)
afterAll(async () => { await t?.close() })

describe('attack: wide rows pinned by the history record', () => {
  it('sends every row of a wide answer, stores a bounded prefix of them, and stays within a bounded heap', async () => {
    // The heap and buffers when the run writes its record: the rows it kept are all still held then.
    // The JS heap, where kept rows live: not `external`, which also holds the in-process demo
    // warehouse's WebAssembly memory and temporary files (they grow with the query, not with what is kept).
    const used = () => { gc(); return process.memoryUsage().heapUsed }
    const h = t.services.history as unknown as { update: (...a: unknown[]) => Promise<unknown> }
    const update = h.update.bind(h)
    let atRecord = 0
    const before = used()
    h.update = async (...a: unknown[]) => { atRecord = Math.max(atRecord, used() - before); return update(...a) }
    try {
      const res = await t.request('POST', '/api/v1/semantic/query', {
        body: { connection_id: t.demoConnectionId, group_by: ['customer__wide_name'], where: ["{{ Entity('customer') }} <= 1000"], limit: 1000 },
      })
      expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200)
      // Read the answer as a client would, without keeping it: its size and its closing fields.
      let bytes = 0
      let tail = ''
      const reader = res.body!.getReader()
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        bytes += value.byteLength
        tail = (tail + new TextDecoder().decode(value.subarray(Math.max(0, value.byteLength - 2000)))).slice(-2000)
      }
      expect(bytes).toBeGreaterThan(40 * 2 ** 20)
      // The kept rows and the batch in flight (the demo warehouse hands over its whole result
      // as one), not every row over again: for a 260 MiB answer 2.9 GiB (11x) before the bound,
      // 0.43 GiB (1.7x) after.
      expect(atRecord).toBeLessThan(4 * bytes)
      expect(tail).toMatch(/"row_count":1000\b/)
      expect(tail).not.toMatch(/"error"/)
      const record = await (await t.request('GET', `/api/v1/query/${res.headers.get('x-nexatron-query-id')}`)).json()
      expect(record.status).toBe('succeeded')
      expect(record.row_count).toBe(1000)
      // A prefix of the rows, as many as fit the budget: more than none, far fewer than 1,000.
      expect(record.data.length).toBeGreaterThan(0)
      expect(record.data.length * REPEAT * 10).toBeLessThanOrEqual(KEPT_ROWS_MAX_BYTES)
    } finally {
      h.update = update
    }
  }, 120_000)

  it('summarises rows too wide to keep by their count, never as "no data"', () => {
    // A first row wider than KEPT_ROWS_MAX_BYTES leaves nothing kept while rows were sent.
    const plan = { kind: 'semantic', planner: 'offline', query: { metrics: [], group_by: ['customer__wide_name'] } } as unknown as Plan
    const columns = [{ name: 'customer__wide_name', kind: 'dimension' }] as SummaryColumn[]
    const said = summarize(plan, columns, [], { timezone: 'UTC', now: new Date(), rowCount: 3, truncated: false })
    expect(said).toMatch(/3 rows|three rows/i)
    expect(said).not.toMatch(/no data/i)
    const sql = summarize({ kind: 'sql', planner: 'llm', sql: 'SELECT 1' } as unknown as Plan, columns, [], { timezone: 'UTC', now: new Date(), rowCount: 1, truncated: false })
    expect(sql).toMatch(/1 row|one row/i)
  })
})
