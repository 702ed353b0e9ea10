// Every answer says what it is and forbids browsers to guess otherwise
// (X-Content-Type-Options: nosniff): JSON, errors, CSV and event streams carry
// text a tenant wrote (questions, labels, values), which an old or careless
// client could otherwise render as HTML. The console and /docs had it; the API
// did not (found by the fourth red-team pass).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

describe('nosniff on every answer', () => {
  let t: TestApp
  beforeAll(async () => { t = await createTestApp({}, { demo: true, now: () => new Date('2026-11-23T12:00:00Z') }) })
  afterAll(async () => { await t?.close() })

  it('is sent on JSON, error, CSV and event-stream answers', async () => {
    const answers = [
      await t.request('GET', '/health', { key: null }),
      await t.request('GET', '/api/v1/query/history'),
      await t.request('GET', '/api/v1/nothing-here'),
      await t.request('GET', '/api/v1/query/history', { key: null }),
      await t.request('POST', '/api/v1/query', { body: { question: '<img src=x onerror=alert(1)> sales', format: 'csv' } }),
      await t.request('POST', '/api/v1/query', { body: { question: 'total sales', format: 'csv' } }),
      await t.request('POST', '/api/v1/query/stream', { body: { question: 'total sales' } }),
    ]
    for (const res of answers) expect(res.headers.get('x-content-type-options'), `${res.status} ${res.headers.get('content-type')}`).toBe('nosniff')
    expect(answers.at(-2)!.headers.get('content-type')).toMatch(/^text\/csv/)
    expect(answers.at(-1)!.headers.get('content-type')).toMatch(/^text\/event-stream/)
    for (const res of answers) await res.body?.cancel()
  })
})
