// Async jobs: capped per credential and per tenant while they wait, and
// claimed fairly across tenants and credentials, so one key's backlog cannot
// starve everyone else's work (it used to be strictly oldest first).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import type { Connector, RowBatch } from '../../connectors/connector'

const connector: Connector = {
  type: 'postgres', dialect: 'postgres',
  test: async () => ({ ok: true, version: 'fake', latency_ms: 0 }),
  introspect: async () => ({ schemas: [], tables: [] }),
  async *stream(): AsyncIterable<RowBatch> { yield { columns: [], rows: [] } },
  close: async () => {},
}

let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ NEXATRON_MAX_QUEUED_QUERIES_PER_KEY: '3', NEXATRON_MAX_QUEUED_QUERIES_PER_TENANT: '4' }, { demo: true, connectorFactory: () => connector })
})
afterAll(async () => { await t?.close() })

const submit = (key: string, connectionId?: string) => t.request('POST', '/api/v1/query', { key, body: { question: 'total sales', async: true, connection_id: connectionId } })

describe('the async queue', () => {
  let other: { tenantId: string; adminKey: string }
  let otherConn: string
  let second: string

  it('answers 429 too_many_queued_queries past the per-key and per-tenant caps', async () => {
    for (let i = 0; i < 3; i++) expect((await submit(t.adminKey)).status).toBe(202)
    const over = await submit(t.adminKey)
    expect(over.status).toBe(429)
    expect(over.headers.get('retry-after')).toBe('30')
    const body = await over.json()
    expect(body.error.code).toBe('too_many_queued_queries')
    expect(body.error.details[0]).toMatchObject({ issue: 'credential', limit: 3 })

    second = (await t.services.apiKeys.create(t.tenantId, { name: 'second', scopes: ['query:run', 'query:read'] })).key
    expect((await submit(second)).status).toBe(202)
    const overTenant = await submit(second)
    expect(overTenant.status).toBe(429)
    expect((await overTenant.json()).error.details[0]).toMatchObject({ issue: 'tenant', limit: 4 })

    // Another tenant's room is its own.
    other = await t.newTenant('queue-other')
    const conn = await t.request('POST', '/api/v1/connections', { key: other.adminKey, body: { name: 'demo', type: 'pglite', config: { demo: true } } })
    otherConn = (await conn.json()).id
    await t.services.semantic.import(other.tenantId, { connectionId: otherConn, files: (await import('../../src/bootstrap')).demoSemanticFiles(), mode: 'replace', refreshSampleValues: false, checkRelations: false })
    expect((await submit(other.adminKey, otherConn)).status).toBe(202)
  })

  it('claims across tenants and credentials before taking the oldest', async () => {
    // Queued now, oldest first: admin x3, second x1 (tenant 1), then the other tenant's one.
    const claimed: Array<{ tenantId: string; principalId: string }> = []
    for (let i = 0; i < 5; i++) {
      const job = await t.services.worker.claim()
      expect(job).toBeTruthy()
      claimed.push({ tenantId: job!.tenantId, principalId: job!.principalId })
    }
    const tenantOrder = claimed.map((c) => (c.tenantId === t.tenantId ? 'mine' : 'other'))
    // The other tenant's single job is second, not last, although it was queued last.
    expect(tenantOrder.slice(0, 2)).toEqual(['mine', 'other'])
    // Within the first tenant, the second key's job is not left behind the admin key's backlog.
    const mine = claimed.filter((c) => c.tenantId === t.tenantId).map((c) => c.principalId)
    expect(mine[0]).not.toBe(mine[1])
    expect(await t.services.worker.claim()).toBeUndefined()
  })
})
