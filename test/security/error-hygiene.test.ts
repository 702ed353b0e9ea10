// Errors speak in our words, not the database's or the model's. A time bound
// like 9999-12-31T23:59:59.999999999+14:00 once passed validation and the
// database's own error text came back; a database error repeats whatever
// value the query held; and the model's refusal text went to the client
// verbatim (a phishing channel). Every case below goes through the public API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { reply, startFakeOpenAIServer, type FakeOpenAIServer } from '../support/fake-openai-server'
import { toAppError } from '../../src/error-mapping'
import { ConnectorError } from '../../connectors/connector'

const NOW = new Date('2026-11-23T12:00:00Z')
const PHISH = 'Your session expired: sign in again at https://evil.example/login'
let llm: FakeOpenAIServer
let t: TestApp

const plan = (query: Record<string, unknown>) => ({
  kind: 'semantic', sql: null, confidence: 0.9, reasons: ['scripted'], problem: null,
  query: { group_by: null, filters: null, time_constraint: null, order_by: null, limit: null, ...query },
})

beforeAll(async () => {
  llm = await startFakeOpenAIServer()
  t = await createTestApp({
    OPENAI_API_KEY: 'sk-test-hygiene', OPENAI_BASE_URL: llm.url, NEXATRON_LLM_MODEL: 'fake-model', NEXATRON_PLANNER: 'llm',
  }, { demo: true, now: () => NOW })
}, 60_000)
afterAll(async () => {
  await t?.close()
  await llm?.close()
})
beforeEach(() => llm.reset())

const semanticQuery = (body: Record<string, unknown>) => t.request('POST', '/api/v1/semantic/query', { body: { metrics: ['total_sales'], ...body } })

describe('time bounds from POST /semantic/query', () => {
  it('runs an end of 9999-12-31T23:59:59.999999999+14:00 as an open end', async () => {
    const open = await (await semanticQuery({})).json()
    const res = await semanticQuery({ time_constraint: { end: '9999-12-31T23:59:59.999999999+14:00' } })
    const body = await res.json()
    expect(res.status, JSON.stringify(body).slice(0, 300)).toBe(200)
    expect(body.data).toEqual(open.data)
  })

  it.each([
    ['2026-13-01', /month/],
    ['2026-02-30', /calendar/],
    ['2026-01-01T24:00', /time of day/],
    ['2026-01-01T00:00+15:00', /offset/],
    ['2026-01-01T00:00:00.1234567890', /fraction/],
    ['0000-06-01', /year/],
  ])('refuses the start %s with 422 invalid_query in our own words', async (start, why) => {
    const res = await semanticQuery({ time_constraint: { start } })
    const body = await res.json()
    expect(res.status).toBe(422)
    expect(body.error.code).toBe('invalid_query')
    expect(body.error.message).toMatch(why)
    expect(body.error.details[0].path).toBe('time_constraint.start')
  })

  it('refuses a time filter value the database could not read, in our own words', async () => {
    const res = await semanticQuery({ filters: [{ field: 'metric_time', op: '>=', value: '2026-02-30' }] })
    const body = await res.json()
    expect(res.status).toBe(422)
    expect(body.error.code).toBe('invalid_filter')
    expect(body.error.message).not.toMatch(/database/)
  })
})

describe('time bounds from an LLM plan', () => {
  it('runs a plan whose end is 9999-12-31T23:59:59.999999999+14:00', async () => {
    llm.enqueue(reply.json(plan({ metrics: ['total_sales'], time_constraint: { start: '2026-01-01', end: '9999-12-31T23:59:59.999999999+14:00' } })))
    const res = await t.request('POST', '/api/v1/query', { body: { question: 'sales since January' } })
    const text = await res.text()
    expect(res.status, text.slice(0, 300)).toBe(200)
  })

  it('accepts a bound in years 0001–0099', async () => {
    llm.enqueue(reply.json(plan({ metrics: ['total_sales'], time_constraint: { start: '0050-01-01', end: '2026-11-23' } })))
    const res = await t.request('POST', '/api/v1/query', { body: { question: 'all sales ever' } })
    const text = await res.text()
    expect(res.status, text.slice(0, 300)).toBe(200)
    expect(llm.requests).toHaveLength(1)
  })

  it('sends an out-of-range bound back to the model for repair, not to the database', async () => {
    llm.enqueue(
      reply.json(plan({ metrics: ['total_sales'], time_constraint: { start: '2026-01-01T00:00+15:00', end: null } })),
      reply.json(plan({ metrics: ['total_sales'], time_constraint: { start: '2026-01-01', end: null } })),
    )
    const res = await t.request('POST', '/api/v1/query', { body: { question: 'sales this year' } })
    expect(res.status).toBe(200)
    expect(JSON.stringify(llm.requests[1].body.messages)).toMatch(/offset outside/)
  })
})

describe('database errors', () => {
  it('answers query_failed without repeating the value the query held', async () => {
    const res = await semanticQuery({ filters: [{ field: 'store', op: '=', value: PHISH }] })
    const body = await res.json()
    expect(res.status).toBe(422)
    expect(body.error.code).toBe('query_failed')
    expect(body.error.message).toMatch(/integer/)
    expect(JSON.stringify(body)).not.toContain('evil.example')
    expect(JSON.stringify(body)).not.toContain('session expired')
  })

  it('keeps short identifiers, drops quoted values and bounds the length', () => {
    const err = new ConnectorError('query_failed', 'postgres', `the database rejected the query: column "ordered_att" does not exist near '${'x'.repeat(5000)}'\n\u0007 ${'y'.repeat(1000)}`)
    const app = toAppError(err)!
    expect(app.code).toBe('query_failed')
    expect(app.message).toContain('column "ordered_att" does not exist')
    expect(app.message).not.toContain('xxx')
    expect(app.message).not.toContain('\u0007')
    expect(app.message.length).toBeLessThanOrEqual(241)
  })
})

describe('LLM refusals', () => {
  it('answers llm_refused in our own words and keeps the model text in history for admins only', async () => {
    const { key } = await t.services.apiKeys.create(t.tenantId, { name: 'analyst', scopes: ['query:run', 'query:read'] })
    llm.enqueue(reply.refusal(PHISH))
    const res = await t.request('POST', '/api/v1/query', { key, body: { question: 'sales by region' } })
    const text = await res.text()
    expect(res.status).toBe(422)
    expect(JSON.parse(text).error.code).toBe('llm_refused')
    expect(text).not.toContain('evil.example')

    const own = await (await t.request('GET', '/api/v1/query/history?status=failed', { key })).json()
    const record = own.data[0]
    expect(record.error.code).toBe('llm_refused')
    expect(JSON.stringify(record)).not.toContain('evil.example')
    const detail = await (await t.request('GET', `/api/v1/query/${record.id}`, { key })).json()
    expect(JSON.stringify(detail)).not.toContain('evil.example')

    // An admin sees the model's words, marked as untrusted model output.
    const forAdmin = await (await t.request('GET', `/api/v1/query/${record.id}`)).json()
    expect(forAdmin.error.model_output).toEqual({ source: 'llm', untrusted: true, text: PHISH })
  })

  it('answers a cannot_answer plan in our own words too, the model\'s reason kept for admins only', async () => {
    const { key } = await t.services.apiKeys.create(t.tenantId, { name: 'analyst 2', scopes: ['query:run', 'query:read'] })
    llm.enqueue(reply.json({ kind: 'cannot_answer', query: null, sql: null, confidence: 0, reasons: [], problem: PHISH }))
    const res = await t.request('POST', '/api/v1/query', { key, body: { question: 'sales by region' } })
    const text = await res.text()
    expect(res.status).toBe(422)
    expect(JSON.parse(text).error.code).toBe('question_not_understood')
    expect(text).not.toContain('evil.example')
    const id = JSON.parse(text).error.request_id as string
    expect(id).toBeTruthy()
    const own = await (await t.request('GET', '/api/v1/query/history?status=failed', { key })).json()
    expect(JSON.stringify(own)).not.toContain('evil.example')
    const forAdmin = await (await t.request('GET', `/api/v1/query/${own.data[0].id}`)).json()
    expect(forAdmin.error.model_output).toEqual({ source: 'llm', untrusted: true, text: PHISH })
  })

  it('bounds the model text kept in history', async () => {
    llm.enqueue(reply.text(`I'm sorry, ${'a'.repeat(5_000)}`))
    const res = await t.request('POST', '/api/v1/query', { body: { question: 'sales by region' } })
    expect(res.status).toBe(422)
    const list = await (await t.request('GET', '/api/v1/query/history?status=failed')).json()
    const mine = list.data.find((r: { error?: { code?: string } }) => r.error?.code === 'llm_refused')
    expect(mine.error.model_output.text.length).toBeLessThanOrEqual(501)
  })
})
