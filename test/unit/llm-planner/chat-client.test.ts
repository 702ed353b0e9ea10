// The transport against the scripted OpenAI-compatible server, through the real SDK.
import net from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createChatClient, LlmRequestRejectedError, LlmResponseTooLargeError, retryAfterMs } from '../../../src/planner/llm/chat-client'
import { PlanningError } from '../../../src/planner/planner'
import { reply, startFakeOpenAIServer, type FakeOpenAIServer } from '../../support/fake-openai-server'

let llm: FakeOpenAIServer
beforeAll(async () => { llm = await startFakeOpenAIServer() })
afterAll(async () => { await llm.close() })
beforeEach(() => llm.reset())

const API_KEY = 'sk-test-SECRET-0123456789abcdef'
const client = (over: Record<string, unknown> = {}) =>
  createChatClient({ apiKey: API_KEY, baseURL: llm.url, model: 'fake-model', timeoutMs: 2_000, maxRetries: 2, retryBaseDelayMs: 10, ...over })
const ask = (c = client(), signal = new AbortController().signal) =>
  c.complete({ messages: [{ role: 'user', content: 'hi' }] }, signal)

async function failure(p: Promise<unknown>): Promise<Error> {
  try { await p } catch (err) { return err as Error }
  throw new Error('expected a rejection')
}

describe('chat client', () => {
  it('sends the model and the API key only in the Authorization header', async () => {
    llm.enqueue(reply.text('ok'))
    const c = await ask()
    expect(c.choices[0].message.content).toBe('ok')
    expect(llm.requests[0].path).toBe('/v1/chat/completions')
    expect(llm.requests[0].body.model).toBe('fake-model')
    expect(llm.requests[0].headers.authorization).toBe(`Bearer ${API_KEY}`)
    expect(llm.requests[0].rawBody).not.toContain(API_KEY)
  })

  it('retries a 429 after the delay given in Retry-After (seconds)', async () => {
    llm.enqueue(reply.rateLimited('1'), reply.text('ok'))
    const c = await ask()
    expect(c.choices[0].message.content).toBe('ok')
    expect(llm.requests).toHaveLength(2)
    const gap = llm.requests[1].receivedAt - llm.requests[0].receivedAt
    expect(gap).toBeGreaterThanOrEqual(950)
    expect(gap).toBeLessThan(3_000)
  })

  it('honours retry-after-ms and an HTTP-date Retry-After', async () => {
    llm.enqueue(reply.rateLimited(undefined, { headers: { 'retry-after-ms': '300' } }), reply.text('ok'))
    await ask()
    expect(llm.requests[1].receivedAt - llm.requests[0].receivedAt).toBeGreaterThanOrEqual(280)
    const now = Date.parse('2024-01-01T00:00:00Z')
    expect(retryAfterMs(new Headers({ 'retry-after': 'Mon, 01 Jan 2024 00:00:02 GMT' }), now)).toBe(2_000)
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined()
  })

  it('gives up at once when Retry-After asks for longer than it may wait', async () => {
    llm.enqueue(reply.rateLimited('120'), reply.text('never sent'))
    const t0 = Date.now()
    const err = await failure(ask(client({ maxRetryDelayMs: 5_000 })))
    expect(Date.now() - t0).toBeLessThan(1_000)
    expect(err).toBeInstanceOf(PlanningError)
    expect((err as PlanningError).code).toBe('llm_unavailable')
    expect(err.message).toMatch(/rate limiting.*retry after 120 s/)
    expect(llm.requests).toHaveLength(1)
  })

  it('retries 5xx with backoff and reports llm_unavailable after the last retry', async () => {
    llm.enqueue(reply.serverError(500), reply.serverError(503), reply.serverError(502), reply.text('too late'))
    const err = await failure(ask())
    expect((err as PlanningError).code).toBe('llm_unavailable')
    expect(err.message).toContain('502')
    expect(llm.requests).toHaveLength(3) // 1 + maxRetries
    expect(llm.pending()).toBe(1)
  })

  it('recovers when a 500 is followed by an answer', async () => {
    llm.enqueue(reply.serverError(500), reply.text('ok'))
    expect((await ask()).choices[0].message.content).toBe('ok')
  })

  it.each([401, 403, 404, 408, 409])('does not retry a %i', async (status) => {
    llm.enqueue({ type: 'error', status, message: `nope ${API_KEY}` }, reply.text('never'))
    const err = await failure(ask())
    expect(err).toBeInstanceOf(PlanningError)
    expect((err as PlanningError).code).toBe('llm_unavailable')
    expect(err.message).not.toContain(API_KEY)
    expect(llm.requests).toHaveLength(1)
  })

  it('reports a 400 as a rejected request without retrying and without the key', async () => {
    llm.enqueue(reply.badRequest(`Invalid 'response_format' for key ${API_KEY}`, 'response_format'), reply.text('never'))
    const err = await failure(ask())
    expect(err).toBeInstanceOf(LlmRequestRejectedError)
    expect((err as LlmRequestRejectedError).param).toBe('response_format')
    expect(err.message).not.toContain(API_KEY)
    expect(err.message).not.toContain('SECRET')
    expect(llm.requests).toHaveLength(1)
  })

  it('times out a slow answer without retrying it', async () => {
    llm.enqueue(reply.slow(reply.text('late'), 3_000), reply.text('never'))
    const t0 = Date.now()
    const err = await failure(ask(client({ timeoutMs: 300 })))
    expect(Date.now() - t0).toBeLessThan(2_000)
    expect((err as PlanningError).code).toBe('llm_unavailable')
    expect(err.message).toMatch(/did not answer within 300 ms/)
    expect(llm.requests).toHaveLength(1)
  })

  it('reports a refused connection as llm_unavailable after retrying', async () => {
    const port = await new Promise<number>((resolve) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)) }) })
    const err = await failure(ask(client({ baseURL: `http://user:hunter2@127.0.0.1:${port}/v1` })))
    expect((err as PlanningError).code).toBe('llm_unavailable')
    expect(err.message).toBe('The LLM server could not be reached.')
  })

  it('retries a dropped connection', async () => {
    llm.enqueue(reply.hangUp(), reply.text('ok'))
    expect((await ask()).choices[0].message.content).toBe('ok')
    expect(llm.requests).toHaveLength(2)
  })

  it('cancels an in-flight request when the signal aborts', async () => {
    llm.enqueue(reply.slow(reply.text('late'), 5_000))
    const ac = new AbortController()
    setTimeout(() => ac.abort(new Error('client went away')), 100)
    const t0 = Date.now()
    const err = await failure(ask(client({ timeoutMs: 10_000 }), ac.signal))
    expect(Date.now() - t0).toBeLessThan(1_500)
    expect(err.message).toBe('client went away')
    expect(err).not.toBeInstanceOf(PlanningError)
  })

  it('cancels while waiting for Retry-After', async () => {
    llm.enqueue(reply.rateLimited('10'), reply.text('never'))
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 150)
    const t0 = Date.now()
    const err = await failure(ask(client({ maxRetryDelayMs: 30_000 }), ac.signal))
    expect(Date.now() - t0).toBeLessThan(1_500)
    expect(err.name).toBe('AbortError')
    expect(llm.requests).toHaveLength(1)
  })

  it('refuses a response body larger than maxResponseBytes', async () => {
    llm.enqueue(reply.text('x'.repeat(10 * 1024 * 1024)))
    const err = await failure(ask(client({ maxResponseBytes: 1024 * 1024 })))
    expect(err).toBeInstanceOf(LlmResponseTooLargeError)
  })

  it('reports a 200 that is not a chat completion as llm_unavailable', async () => {
    llm.enqueue({ type: 'raw', status: 200, headers: { 'content-type': 'text/html' }, body: '<html>proxy login</html>' })
    const err = await failure(ask())
    expect((err as PlanningError).code).toBe('llm_unavailable')
  })
})
