// The cap on concurrently running queries, per credential and per tenant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import type { Connector, RowBatch } from '../../connectors/connector'

let release: () => void = () => {}
let gate = new Promise<void>((r) => { release = r })
// A connector whose queries wait until the test lets them finish.
const slowConnector: Connector = {
  type: 'postgres', dialect: 'postgres',
  test: async () => ({ ok: true, version: 'fake', latency_ms: 0 }),
  introspect: async () => ({ schemas: [], tables: [] }),
  async *stream(q): AsyncIterable<RowBatch> {
    // Sample-value queries at bootstrap answer at once; metric queries wait.
    if (!q.sql.includes('total_sales')) { yield { columns: [], rows: [] }; return }
    await gate
    yield { columns: [{ name: 'total_sales', type: 'decimal', json_type: 'string' }], rows: [['1.00']] }
  },
  close: async () => {},
}

let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ NEXATRON_MAX_CONCURRENT_QUERIES_PER_KEY: '2', NEXATRON_MAX_CONCURRENT_QUERIES_PER_TENANT: '3' }, { demo: true, connectorFactory: () => slowConnector })
})
afterAll(async () => { release(); await t?.close() })

const ask = (key?: string) => t.request('POST', '/api/v1/query', { key, body: { question: 'total sales' } })
const settle = () => new Promise((r) => setTimeout(r, 300))

describe('concurrent query caps', () => {
  it('answers 429 too_many_concurrent_queries past the per-key and per-tenant caps, and frees slots when queries end', async () => {
    const first = [ask(), ask()]
    await settle()
    const third = await ask()
    expect(third.status).toBe(429)
    const body = await third.json()
    expect(body.error.code).toBe('too_many_concurrent_queries')
    expect(third.headers.get('retry-after')).toBe('1')
    // A refused run leaves nothing behind in history.
    const hist = await (await t.request('GET', '/api/v1/query/history?limit=100')).json()
    expect(hist.data.filter((r: { status: string }) => r.status === 'running')).toHaveLength(2)

    const { key } = await t.services.apiKeys.create(t.tenantId, { name: 'second', scopes: ['query:run', 'query:read'] })
    const other = ask(key)
    await settle()
    const overTenant = await ask(key)
    expect(overTenant.status).toBe(429)
    expect((await overTenant.json()).error.message).toContain('per tenant')

    release()
    const answered = await Promise.all([...first, other])
    expect(answered.map((r) => r.status)).toEqual([200, 200, 200])
    // Answers stream: a slot is held until the client has read the answer.
    await Promise.all(answered.map((r) => r.text()))
    gate = Promise.resolve()
    expect((await ask()).status).toBe(200)
  })
})
