// Access policies and the LLM planner: a restricted key's question reaches
// the scripted model with the restricted catalog (a hidden metric is not in
// the prompt, nor sample values read from rows the key may not see), its
// answer is computed over the permitted rows, and raw SQL is refused on a
// layer governed by policies even where the connection allows it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { reply, startFakeOpenAIServer, type FakeOpenAIServer } from '../support/fake-openai-server'
import type { PGlite } from '@electric-sql/pglite'

const NOW = new Date('2026-11-23T12:00:00Z')
let llm: FakeOpenAIServer
let t: TestApp & { demoDb?: PGlite; demoConnectionId?: string }
let westKey: string

const plan = (query: Record<string, unknown>) => ({
  kind: 'semantic', sql: null, confidence: 0.9, reasons: ['scripted'], problem: null,
  query: { group_by: null, filters: null, time_constraint: null, order_by: null, limit: null, ...query },
})

beforeAll(async () => {
  llm = await startFakeOpenAIServer()
  t = await createTestApp({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: llm.url, NEXATRON_LLM_MODEL: 'fake-model', NEXATRON_LLM_TIMEOUT_MS: '3000', NEXATRON_PLANNER: 'llm' }, { demo: true, now: () => NOW })
  const put = await t.request('PUT', '/api/v1/semantic/access-policies', { body: { connection_id: t.demoConnectionId, policies: [
    { name: 'regional_managers', model: 'stores', row_filter: "{{ Dimension('store__region') }} IN {{ Attribute('region') }}", bypass_roles: ['admin'] },
    { name: 'no_units', model: 'order_items', applies_to: { roles: ['analyst'] }, member_access: { hide: ['units_sold'] } },
  ] } })
  expect(put.status).toBe(200)
  westKey = (await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'west', scopes: ['query:run', 'query:read'], attributes: { region: ['West'] } } })).json()).key
}, 120_000)
afterAll(async () => {
  await t?.close()
  await llm?.close()
})
beforeEach(() => llm.reset())

describe('access policies with the LLM planner', () => {
  it('sends the model only the restricted catalog and answers over the permitted rows', async () => {
    llm.enqueue(reply.json(plan({ metrics: ['total_sales'] })))
    const res = await t.request('POST', '/api/v1/query', { key: westKey, body: { question: 'total sales' } })
    expect(res.status).toBe(200)
    const body = await res.json()
    const expected = Number((await t.demoDb!.query<{ s: string }>(`SELECT sum(i.amount) s FROM retail.order_items i JOIN retail.stores s USING (store_id) WHERE s.region = 'West'`)).rows[0].s)
    expect(body.data[0].total_sales).toBeCloseTo(expected, 2)
    const prompt = JSON.stringify(llm.requests[0].body)
    expect(prompt).toContain('total_sales')
    expect(prompt).not.toContain('units_sold')
    // Sample values of the filtered model were read from every row: none reach the prompt.
    expect(prompt).not.toContain('Los Angeles Downtown')
  })

  it('shows the admin (who bypasses) the full catalog', async () => {
    llm.enqueue(reply.json(plan({ metrics: ['units_sold'] })))
    const res = await t.request('POST', '/api/v1/query', { body: { question: 'units sold' } })
    expect(res.status).toBe(200)
    expect(JSON.stringify(llm.requests[0].body)).toContain('units_sold')
  })

  it('refuses raw SQL on a governed layer even where the connection allows it', async () => {
    const patched = await t.request('PATCH', `/api/v1/connections/${t.demoConnectionId}`, { body: { options: { allow_raw_sql: true } } })
    expect(patched.status).toBe(200)
    llm.enqueue(
      reply.json({ kind: 'sql', query: null, sql: 'SELECT sum(amount) AS s FROM retail.order_items', confidence: 1, reasons: [], problem: null }),
      reply.json({ kind: 'sql', query: null, sql: 'SELECT sum(amount) AS s FROM retail.order_items', confidence: 1, reasons: [], problem: null }),
    )
    const res = await t.request('POST', '/api/v1/query', { key: westKey, body: { question: 'sum of all amounts, any region' } })
    expect(res.status).not.toBe(200)
    const err = (await res.json()).error
    // The model is told raw SQL is not available here, so its SQL answers are invalid plans.
    expect(err.code).toBe('llm_invalid_plan')
    expect(err.message).toContain('raw SQL is not allowed')
  })

  it('refuses (403 access_denied naming the policy) a raw SQL plan from any planner on a governed layer', async () => {
    const sqlPlanner = { plan: async () => ({ kind: 'sql' as const, sql: 'SELECT sum(amount) AS s FROM retail.order_items', confidence: 1, reasons: [], planner: 'llm' as const }) }
    const other = await createTestApp({}, { demoDb: t.demoDb, demo: true, now: () => NOW, planner: sqlPlanner })
    try {
      const conn = other.demoConnectionId!
      expect((await other.request('PATCH', `/api/v1/connections/${conn}`, { body: { options: { allow_raw_sql: true } } })).status).toBe(200)
      // Without policies the raw SQL runs (the connection allows it)...
      expect((await other.request('POST', '/api/v1/query', { body: { question: 'anything' } })).status).toBe(200)
      expect((await other.request('PUT', '/api/v1/semantic/access-policies', { body: { connection_id: conn, policies: [
        { name: 'regional_managers', model: 'stores', row_filter: "{{ Dimension('store__region') }} IN {{ Attribute('region') }}", bypass_roles: ['admin'] },
      ] } })).status).toBe(200)
      // ...with a policy on the layer it is refused, for admins too.
      const res = await other.request('POST', '/api/v1/query', { body: { question: 'anything' } })
      expect(res.status).toBe(403)
      const err = (await res.json()).error
      expect(err.code).toBe('access_denied')
      expect(err.message).toContain('regional_managers')
    } finally {
      await other.close()
    }
  })
})
