// An async job asked in a conversation is a follow-up like a synchronous one:
// the worker plans it with the conversation's earlier turns ("and by region?"
// keeps the metric and the period asked before), not as a first question.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import type { JobWorker } from '../../src/query/job-worker'
import { settledJob, testWorker } from '../support/test-worker'

let t: TestApp
const fakeFetch = (async () => new Response('ok')) as unknown as typeof fetch
const workers: JobWorker[] = []

function newWorker(): JobWorker {
  const w = testWorker(t, fakeFetch, { concurrency: 1 })
  workers.push(w)
  return w
}

beforeAll(async () => { t = await createTestApp({}, { demo: true, fetch: fakeFetch }) }, 120_000)
afterEach(async () => { await Promise.all(workers.splice(0).map((w) => w.stop())) })
afterAll(async () => { await t?.close() })

describe('an async follow-up', () => {
  it('is planned with the conversation\'s earlier turns, as the same follow-up asked synchronously is', async () => {
    const first = await (await t.request('POST', '/api/v1/query', { body: { question: 'total sales last quarter' } })).json()
    const sync = await (await t.request('POST', '/api/v1/query', { body: { question: 'and by region?', conversation_id: first.conversation_id } })).json()
    const queued = await t.request('POST', '/api/v1/query', { body: { question: 'and by region?', conversation_id: first.conversation_id, async: true } })
    expect(queued.status, await queued.clone().text()).toBe(202)
    const { id } = await queued.json()
    newWorker().start()
    const row = await settledJob(t, id)
    expect(row.status).toBe('succeeded')
    expect(row.conversationId).toBe(first.conversation_id)
    expect((row.plan as { query: unknown }).query).toEqual(sync.plan.query)
  })
})
