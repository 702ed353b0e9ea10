import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

let t: TestApp
beforeAll(async () => { t = await createTestApp({}, { demo: true, now: () => new Date('2026-11-23T12:00:00Z') }) })
afterAll(async () => { await t?.close() })

const ask = async (question: string, key?: string, extra: Record<string, unknown> = {}) =>
  (await t.request('POST', '/api/v1/query', { key, body: { question, ...extra } })).json()

describe('query history', () => {
  it("lists the caller's queries newest first with cursor pagination and filters", async () => {
    const { key } = await t.services.apiKeys.create(t.tenantId, { name: 'hist', scopes: ['query:run', 'query:read'] })
    const ids: string[] = []
    for (const q of ['total sales', 'orders', 'customers', 'units sold']) ids.push((await ask(q, key)).id)
    await t.request('POST', '/api/v1/query', { key, body: { question: 'the meaning of life' } })
    const page1 = await (await t.request('GET', '/api/v1/query/history?limit=2&status=succeeded', { key })).json()
    expect(page1.data.map((r: { id: string }) => r.id)).toEqual([ids[3], ids[2]])
    const page2 = await (await t.request('GET', `/api/v1/query/history?limit=2&status=succeeded&cursor=${page1.next_cursor}`, { key })).json()
    expect(page2.data.map((r: { id: string }) => r.id)).toEqual([ids[1], ids[0]])
    expect(page2.next_cursor).toBeNull()
    const failed = await (await t.request('GET', '/api/v1/query/history?status=failed', { key })).json()
    expect(failed.data).toHaveLength(1)
    expect(failed.data[0].error.code).toBe('question_not_understood')
    const all = await (await t.request('GET', '/api/v1/query/history', { key })).json()
    expect(all.data).toHaveLength(5)
  })

  it('filters by conversation', async () => {
    const first = await ask('total sales last quarter')
    await ask('and by region?', undefined, { conversation_id: first.conversation_id })
    await ask('orders last month')
    const conv = await (await t.request('GET', `/api/v1/query/history?conversation_id=${first.conversation_id}`)).json()
    expect(conv.data.map((r: { question: string }) => r.question)).toEqual(['and by region?', 'total sales last quarter'])
  })

  it('deletes a query: 204, then 404', async () => {
    const q = await ask('total sales this year')
    expect((await t.request('DELETE', `/api/v1/query/${q.id}`)).status).toBe(204)
    expect((await t.request('GET', `/api/v1/query/${q.id}`)).status).toBe(404)
    expect((await t.request('DELETE', `/api/v1/query/${q.id}`)).status).toBe(404)
  })

  it("answers 404 for another tenant's query and conversation", async () => {
    const q = await ask('total sales')
    const other = await t.newTenant('other-history')
    expect((await t.request('GET', `/api/v1/query/${q.id}`, { key: other.adminKey })).status).toBe(404)
    expect((await t.request('DELETE', `/api/v1/query/${q.id}`, { key: other.adminKey })).status).toBe(404)
    expect((await t.request('POST', `/api/v1/query/${q.id}/cancel`, { key: other.adminKey })).status).toBe(404)
    expect((await t.request('POST', '/api/v1/connections', { key: other.adminKey, body: { name: 'demo', type: 'pglite', config: { demo: true } } })).status).toBe(201)
    const res = await t.request('POST', '/api/v1/query', { key: other.adminKey, body: { question: 'and by region?', conversation_id: q.conversation_id } })
    expect(res.status).toBe(404)
  })

  it('cancels a queued job and refuses to cancel a finished one', async () => {
    const queued = await (await t.request('POST', '/api/v1/query', { body: { question: 'total sales', async: true } })).json()
    expect(queued.status).toBe('queued')
    const cancel = await (await t.request('POST', `/api/v1/query/${queued.id}/cancel`)).json()
    expect(cancel.status).toBe('cancelled')
    expect((await (await t.request('GET', `/api/v1/query/${queued.id}`)).json()).status).toBe('cancelled')
    const done = await ask('total sales')
    expect((await t.request('POST', `/api/v1/query/${done.id}/cancel`)).status).toBe(409)
  })
})
