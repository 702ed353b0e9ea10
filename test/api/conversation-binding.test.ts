// A conversation stays on the connection it started on. A follow-up on
// another connection was once accepted, and the earlier turns (questions,
// plans, raw SQL) went into a prompt built for the other catalog.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { PGlite } from '@electric-sql/pglite'
import { createTestApp, type TestApp } from '../support/test-app'
import { createDemoWarehouse } from '../../src/demo/warehouse'
import { createPgliteConnector } from '../../connectors/pglite/connector'
import { reply, startFakeOpenAIServer, type FakeOpenAIServer } from '../support/fake-openai-server'

const NOW = new Date('2026-11-23T12:00:00Z')
let llm: FakeOpenAIServer
let demoDb: PGlite
let t: TestApp & { demoConnectionId?: string }
let connA: string
let connB: string

const plan = (metrics: string[]) => ({
  kind: 'semantic', sql: null, confidence: 0.9, reasons: ['scripted'], problem: null,
  query: { metrics, group_by: null, filters: null, time_constraint: null, order_by: null, limit: null },
})

const LAYER_B = `
semantic_model:
  name: orders_b
  node_relation: { schema_name: retail, alias: orders }
  defaults: { agg_time_dimension: ordered_at }
  entities:
    - { name: order_b, type: primary, expr: order_id }
  dimensions:
    - { name: ordered_at, type: time, type_params: { time_granularity: day } }
    - { name: channel, type: categorical }
  measures:
    - { name: order_rows, agg: count, expr: order_id }
---
metrics:
  - { name: order_rows, type: simple, type_params: { measure: order_rows } }
`

beforeAll(async () => {
  llm = await startFakeOpenAIServer()
  demoDb = await createDemoWarehouse(NOW)
  // A second connection (type postgres, another catalog) served from the same demo data.
  t = await createTestApp({
    OPENAI_API_KEY: 'sk-test-conv', OPENAI_BASE_URL: llm.url, NEXATRON_LLM_MODEL: 'fake-model', NEXATRON_PLANNER: 'llm',
  }, { demo: true, demoDb, now: () => NOW, connectorFactory: (cfg) => createPgliteConnector({ db: demoDb, schemas: ['retail'], options: cfg.options }) })
  connA = t.demoConnectionId!
  const created = await t.request('POST', '/api/v1/connections', { body: {
    name: 'second', type: 'postgres', config: { host: '127.0.0.1', port: 5432, database: 'second', user: 'postgres', ssl: 'disable' },
    options: { allow_elevated_login: true },
  } })
  expect(created.status, await created.clone().text()).toBe(201)
  connB = (await created.json()).id
  const imported = await t.request('POST', '/api/v1/semantic/import', { body: { connection_id: connB, mode: 'replace', files: [{ path: 'b.yml', content: LAYER_B }] } })
  expect(imported.status, await imported.clone().text()).toBe(200)
}, 60_000)
afterAll(async () => {
  await t?.close()
  await demoDb?.close()
  await llm?.close()
})
beforeEach(() => llm.reset())

async function startOn(connectionId: string, question: string, metric: string): Promise<string> {
  llm.enqueue(reply.json(plan([metric])))
  const res = await t.request('POST', '/api/v1/query', { body: { question, connection_id: connectionId } })
  const body = await res.json()
  expect(res.status, JSON.stringify(body).slice(0, 300)).toBe(200)
  return body.conversation_id
}

describe('conversations are bound to their connection', () => {
  it('answers 409 to a follow-up on another connection and sends none of the earlier turns to the model', async () => {
    const conv = await startOn(connA, 'SECRET-TURN-ON-A: total sales of the Acme account', 'total_sales')
    llm.reset()
    llm.enqueue(reply.json(plan(['order_rows'])))
    const res = await t.request('POST', '/api/v1/query', { body: { question: 'and by channel?', connection_id: connB, conversation_id: conv } })
    const body = await res.json()
    expect(JSON.stringify(llm.requests.map((r) => r.body))).not.toContain('SECRET-TURN-ON-A')
    expect(llm.requests).toHaveLength(0)
    expect(res.status).toBe(409)
    expect(body.error.code).toBe('conflict')
    expect(body.error.message).toMatch(/conversation/i)
    expect(body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'conversation_id' })]))
  })

  it('answers 409 on the streaming route too', async () => {
    const conv = await startOn(connA, 'total sales', 'total_sales')
    llm.reset()
    const res = await t.request('POST', '/api/v1/query/stream', { body: { question: 'and by channel?', connection_id: connB, conversation_id: conv } })
    const text = await res.text() // read to the end: a stream that did open finishes before the next test
    expect(res.status).toBe(409)
    expect(JSON.parse(text).error.details[0].path).toBe('conversation_id')
    expect(llm.requests).toHaveLength(0)
  })

  it('continues a conversation on its own connection, with its earlier turns', async () => {
    const conv = await startOn(connB, 'EARLIER-TURN-ON-B: how many orders', 'order_rows')
    llm.reset()
    llm.enqueue(reply.json(plan(['order_rows'])))
    const res = await t.request('POST', '/api/v1/query', { body: { question: 'and last month?', connection_id: connB, conversation_id: conv } })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.conversation_id).toBe(conv)
    expect(JSON.stringify(llm.requests[0].body)).toContain('EARLIER-TURN-ON-B')
  })

  it("continues on the conversation's connection when a follow-up names none", async () => {
    const conv = await startOn(connB, 'orders on the second connection', 'order_rows')
    llm.reset()
    llm.enqueue(reply.json(plan(['order_rows'])))
    const res = await t.request('POST', '/api/v1/query', { body: { question: 'and by channel?', conversation_id: conv } })
    const body = await res.json()
    expect(res.status, JSON.stringify(body).slice(0, 300)).toBe(200)
    expect(body.connection_id).toBe(connB)
  })

  it('starts a new conversation when the follow-up leaves conversation_id out', async () => {
    const conv = await startOn(connA, 'total sales', 'total_sales')
    const other = await startOn(connB, 'orders', 'order_rows')
    expect(other).not.toBe(conv)
  })
})
