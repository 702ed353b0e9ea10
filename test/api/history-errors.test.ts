// Query history keeps the domain's error ({code, message, details}, bounded),
// not the HTTP envelope; records written before it did (the envelope's inner
// object, with an empty request_id) read the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

let t: TestApp
beforeAll(async () => { t = await createTestApp({}, { demo: true, now: () => new Date('2026-11-23T12:00:00Z') }) })
afterAll(async () => { await t?.close() })

const failedRun = async () => {
  const res = await t.request('POST', '/api/v1/query', { body: { question: 'the meaning of life' } })
  expect(res.status).toBe(422)
  const { error } = await res.json()
  const [row] = (await (await t.request('GET', '/api/v1/query/history?status=failed&limit=1')).json()).data
  return { answered: error, id: row.id as string }
}

describe('errors in query history', () => {
  it('stores the domain error, without a request id, and shows what the client was answered', async () => {
    const { answered, id } = await failedRun()
    const stored = (await t.services.history.getById(id))!.error as Record<string, unknown>
    expect(Object.keys(stored).sort()).toEqual(['code', 'details', 'message'])
    expect(stored).toEqual({ code: answered.code, message: answered.message, details: answered.details })
    const shown = (await (await t.request('GET', `/api/v1/query/${id}`)).json()).error
    expect(shown).toEqual(stored)
  })

  it('reads a record written in the old envelope form like a new one', async () => {
    const { id } = await failedRun()
    const stored = (await t.services.history.getById(id))!.error as Record<string, unknown>
    await t.services.history.update(id, { error: { ...stored, request_id: '' } })
    const shown = (await (await t.request('GET', `/api/v1/query/${id}`)).json()).error
    expect(shown).toEqual(stored)
    const listed = (await (await t.request('GET', '/api/v1/query/history?status=failed')).json()).data.find((r: { id: string }) => r.id === id)
    expect(listed.error).toEqual(stored)
  })
})
