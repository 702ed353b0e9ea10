// Hostile model output must not stall the event loop. The model's answer is
// untrusted text parsed on the main thread: a quadratic parse of a 100k
// answer made of backticks and spaces once stalled every request of the
// process (/health included) for most of a second per round. Each shape below
// goes through the public API with the real openai client and a scripted
// server, while perf_hooks measures the event loop's worst delay.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { reply, startFakeOpenAIServer, type FakeOpenAIServer, type FakeReply } from '../support/fake-openai-server'

const NOW = new Date('2026-11-23T12:00:00Z')
/** Well above a healthy round (a few ms), well below the 250+ ms one round of the old parser took. */
const MAX_LAG_MS = 200

let llm: FakeOpenAIServer
let t: TestApp

beforeAll(async () => {
  llm = await startFakeOpenAIServer()
  t = await createTestApp({
    OPENAI_API_KEY: 'sk-test-abuse', OPENAI_BASE_URL: llm.url, NEXATRON_LLM_MODEL: 'fake-model', NEXATRON_LLM_TIMEOUT_MS: '5000', NEXATRON_PLANNER: 'llm',
  }, { demo: true, now: () => NOW })
  // Warm up (catalog, JIT, history) so the measured requests time only the parsing.
  llm.enqueue(reply.text('not json'), reply.text('still not json'))
  await t.request('POST', '/api/v1/query', { body: { question: 'warm up' } })
}, 60_000)
afterAll(async () => {
  await t?.close()
  await llm?.close()
})
beforeEach(() => llm.reset())

/** Runs one question answered twice (first round and repair round) with `answer`; returns the worst event-loop delay. */
async function lagOf(answer: () => FakeReply): Promise<{ status: number; code: string; lagMs: number; health: number }> {
  llm.enqueue(answer(), answer())
  const h = monitorEventLoopDelay({ resolution: 5 })
  h.enable()
  let healthWorst = 0
  let done = false
  // /health keeps being asked while the question runs, as a load balancer would.
  const prober = (async () => {
    while (!done) {
      const started = performance.now()
      const res = await t.request('GET', '/health', { key: null })
      healthWorst = Math.max(healthWorst, performance.now() - started)
      expect(res.status).toBeLessThan(600)
      await new Promise((r) => setTimeout(r, 5))
    }
  })()
  const res = await t.request('POST', '/api/v1/query', { body: { question: 'sales by region' } })
  done = true
  await prober
  h.disable()
  const body = await res.json()
  return { status: res.status, code: body.error?.code, lagMs: h.max / 1e6, health: healthWorst }
}

const N = 100_000
const shapes: Array<[string, () => string]> = [
  ['backticks and spaces', () => '``` '.repeat(N / 4 - 1)],
  ['backticks and newlines', () => '```\n'.repeat(N / 4 - 1)],
  ['json fences that never hold JSON', () => '```json\n{x}\n```'.repeat(Math.floor(N / 15) - 1)],
  ['an unterminated fence before a long whitespace run', () => '```json\n' + ' '.repeat(N - 20) + '{'],
  ['nested braces that never close', () => '{'.repeat(N - 1)],
  ['nested keys that never close', () => '{"a":'.repeat(N / 5 - 1)],
  ['balanced objects that are not JSON', () => '{a}'.repeat(N / 3 - 1)],
  ['an open string full of escapes', () => '{"' + '\\"'.repeat(N / 2 - 2)],
  ['a long whitespace run then a refusal word', () => ' \t\n'.repeat(N / 3 - 2) + 'Sorry'],
  ['quotes and braces interleaved', () => '"{'.repeat(N / 2 - 1)],
]

// A quadratic parser fails every attempt (0.3–6 s per round before the fix);
// retries only absorb a scheduling hiccup of a loaded machine.
describe('hostile model output and the event loop', { retry: 2 }, () => {
  it.each(shapes)('answers %s (100k characters) with a 4xx without stalling the event loop', async (_name, make) => {
    const text = make()
    expect(text.length).toBeLessThanOrEqual(100_000)
    expect(text.length).toBeGreaterThan(95_000)
    const r = await lagOf(() => reply.text(text))
    expect(r.status).toBe(422)
    expect(['llm_invalid_plan', 'llm_refused']).toContain(r.code)
    expect(r.lagMs).toBeLessThan(MAX_LAG_MS)
    expect(r.health).toBeLessThan(MAX_LAG_MS * 2)
  })

  it.each(shapes.slice(0, 6))('answers %s as tool-call arguments without stalling the event loop', async (_name, make) => {
    const text = make()
    const r = await lagOf(() => ({ type: 'tool_call', name: 'submit_plan', arguments: text }))
    expect(r.status).toBe(422)
    expect(r.lagMs).toBeLessThan(MAX_LAG_MS)
  })

  it.each([
    ['1M characters of backticks and spaces', () => '``` '.repeat(250_000)],
    ['1M characters of nested braces', () => '{'.repeat(1_000_000)],
    ['2M characters (over the response cap)', () => '``` '.repeat(500_000)],
  ])('refuses %s by size before parsing it', async (_name, make) => {
    // Serialized once, outside the measurement: the scripted server runs in this process too.
    const body = JSON.stringify({
      id: 'chatcmpl-big', object: 'chat.completion', created: 0, model: 'fake-model',
      choices: [{ index: 0, message: { role: 'assistant', content: make(), refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    })
    const r = await lagOf(() => ({ type: 'raw', status: 200, body }))
    expect(r.status).toBe(422)
    expect(r.code).toBe('llm_invalid_plan')
    expect(r.lagMs).toBeLessThan(MAX_LAG_MS)
  })

  it('still finds the plan after a hostile prefix', async () => {
    const plan = { kind: 'semantic', sql: null, confidence: 0.9, reasons: [], problem: null, query: { metrics: ['order_count'], group_by: null, filters: null, time_constraint: null, order_by: null, limit: null } }
    const text = '``` '.repeat(5_000) + '\n```json\n' + JSON.stringify(plan) + '\n```'
    llm.enqueue(reply.text(text))
    const res = await t.request('POST', '/api/v1/query', { body: { question: 'count the orders' } })
    expect(res.status).toBe(200)
    expect((await res.json()).plan.query.metrics).toEqual(['order_count'])
  })
})
