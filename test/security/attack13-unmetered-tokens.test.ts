// Attack: spend the service's LLM budget without it counting. LLM tokens are
// metered (and held to llm_tokens_per_month) from the run's history record,
// found by the query id the answer names. An answer refused after planning
// (the model refused, wrote an invalid plan, or the question was ambiguous:
// 422) named no query id, so the tokens its planning spent were never
// metered: a free-plan tenant could burn any number of tokens (a large layer
// makes every prompt large) by asking questions the model cannot plan, its
// tokens quota never reached; and the run's audit record named neither the run nor
// its tokens. Likewise a plan whose warehouse then refused the connection (503:
// the query unit is given back) left its tokens unmetered.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { reply, startFakeOpenAIServer, type FakeOpenAIServer } from '../support/fake-openai-server'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { SERVICES, serviceAvailable } from '../support/services'
import { createWarehouse, LAYER, type Warehouse } from './attack-warehouse'

const hasPg = await serviceAvailable('postgres')

const PLANS = JSON.stringify({
  tokens: { requests_per_hour: 10_000, queries_per_month: null, rows_per_month: null, llm_tokens_per_month: 1_000, connections: null, seats: null },
})
const NOW = new Date('2026-11-23T12:00:00Z')
let llm: FakeOpenAIServer
let t: TestApp

beforeAll(async () => {
  llm = await startFakeOpenAIServer()
  t = await createTestApp({
    OPENAI_API_KEY: 'sk-test-secret', OPENAI_BASE_URL: llm.url, NEXATRON_LLM_MODEL: 'fake-model', NEXATRON_LLM_TIMEOUT_MS: '3000',
    NEXATRON_PLANNER: 'llm', NEXATRON_PLANS: PLANS, NEXATRON_DEFAULT_PLAN: 'tokens',
  }, { demo: true, now: () => NOW })
}, 120_000)
afterAll(async () => {
  await t?.close()
  await llm?.close()
})
beforeEach(() => llm.reset())

async function meteredTokens(key: string): Promise<number> {
  const res = await t.request('GET', `/api/v1/billing/usage?period=${NOW.toISOString().slice(0, 7)}`, { key })
  expect(res.status).toBe(200)
  return Number((await res.json()).totals.llm_tokens)
}

describe('attack: LLM tokens spent on a question the planner refused', () => {
  it('meters the tokens of a refused plan, so the spent tokens quota refuses the next question', async () => {
    const key = t.adminKey
    llm.enqueue(reply.refusal("I can't help with that.", { usage: { prompt_tokens: 1_150, completion_tokens: 50 } }))
    const refused = await t.request('POST', '/api/v1/query', { key, body: { question: 'how are you feeling today' } })
    expect(refused.status, await refused.clone().text()).toBe(422)
    expect(llm.requests.length).toBe(1)
    let metered = 0
    for (let i = 0; i < 30 && metered < 1_200; i++) { metered = await meteredTokens(key); if (metered < 1_200) await new Promise((r) => setTimeout(r, 100)) }
    expect(metered).toBe(1_200)
    // The audit record of the refused run names it and its tokens too.
    const audit = await (await t.request('GET', '/api/v1/audit-log?action=query.run&limit=1', { key })).json()
    expect(audit.data[0].details).toMatchObject({ status: 422, error_code: 'llm_refused', llm_tokens: 1_200 })
    expect(audit.data[0].resource.id).toMatch(/^qry_/)
    const next = await t.request('POST', '/api/v1/query', { key, body: { question: 'total sales last month' } })
    expect(next.status).toBe(429)
    expect((await next.json()).error.details[0]).toMatchObject({ quota: 'llm_tokens_per_month' })
    expect(llm.requests.length).toBe(1)
  }, 60_000)

  it.skipIf(!hasPg)('meters the tokens of a plan whose warehouse then refuses the connection (the query unit given back)', async () => {
    // The tenant's own warehouse, behind a door it can shut: a TCP relay to PostgreSQL.
    const sockets = new Set<net.Socket>()
    const relay = net.createServer((client) => {
      const upstream = net.connect(SERVICES.postgres.port, SERVICES.postgres.host)
      for (const s of [client, upstream]) { sockets.add(s); s.on('error', () => s.destroy()); s.on('close', () => sockets.delete(s)) }
      client.pipe(upstream).pipe(client)
    })
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', () => r()))
    const port = (relay.address() as AddressInfo).port
    let wh: Warehouse | undefined
    try {
      wh = await createWarehouse()
      const { adminKey: key } = await t.newTenant('unreachable-tokens')
      const created = await t.request('POST', '/api/v1/connections', { key, body: {
        name: 'own', type: 'postgres', is_default: true, options: { allow_elevated_login: true },
        config: { host: '127.0.0.1', port, database: wh.db, user: 'postgres', ssl: 'disable' },
      } })
      expect(created.status, await created.clone().text()).toBe(201)
      const conn = (await created.json()).id
      const imported = await t.request('POST', '/api/v1/semantic/import', { key, body: { connection_id: conn, files: [{ path: 's.yml', content: LAYER('shop') }] } })
      expect(imported.status, await imported.clone().text()).toBe(200)
      // The door shuts: new connections are refused, open ones cut.
      const closed = new Promise<void>((r) => relay.close(() => r()))
      for (const s of sockets) s.destroy()
      await closed
      llm.enqueue(reply.json({
        kind: 'semantic', sql: null, confidence: 0.9, reasons: ['scripted'], problem: null,
        query: { metrics: ['revenue'], group_by: null, filters: null, time_constraint: null, order_by: null, limit: null },
      }, { usage: { prompt_tokens: 1_150, completion_tokens: 50 } }))
      const res = await t.request('POST', '/api/v1/query', { key, body: { question: 'revenue' } })
      expect(res.status, await res.clone().text()).toBe(503)
      expect(llm.requests.length).toBe(1)
      let metered = 0
      for (let i = 0; i < 30 && metered < 1_200; i++) { metered = await meteredTokens(key); if (metered < 1_200) await new Promise((r) => setTimeout(r, 100)) }
      expect(metered).toBe(1_200)
    } finally {
      relay.close()
      await wh?.drop()
    }
  }, 60_000)
})
