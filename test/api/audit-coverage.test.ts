// What the audit trail covers and how it writes: every registered mutating
// route is audited (or listed as changing nothing, with the reason); a
// mutation and its record commit together; query runs are recorded after
// their answer with connection, status, rows, duration and planner, never
// values; refusals (401 with a refused key, 403) are recorded.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTestApp } from '../support/test-app'
import { AUDITED_ROUTES, UNAUDITED_ROUTES } from '../../src/audit/audited-routes'
import { AUDIT_ACTIONS } from '../../src/audit/audit-actions'
import { auditLog } from '../../src/store/schema'

let t: Awaited<ReturnType<typeof createTestApp>>
beforeAll(async () => { t = await createTestApp({}, { demo: true }) })
afterAll(async () => { await t?.close() })

const entries = async (q: string) => (await (await t.request('GET', `/api/v1/audit-log?limit=100&${q}`)).json()).data as Array<Record<string, any>>
const until = async <T>(what: string, f: () => Promise<T | undefined>, ms = 5000): Promise<T> => {
  const end = Date.now() + ms
  for (;;) {
    const v = await f()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

describe('coverage', () => {
  it('audits every registered POST, PUT, PATCH and DELETE route, or says why it changes nothing', () => {
    const mutating = [...new Set(t.app.routes.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method)).map((r) => `${r.method} ${r.path}`))]
    expect(mutating.length).toBeGreaterThan(30)
    const missing = mutating.filter((k) => !AUDITED_ROUTES[k] && !UNAUDITED_ROUTES[k])
    expect(missing, 'add these to src/audit/audited-routes.ts').toEqual([])
    const stale = Object.keys(AUDITED_ROUTES).filter((k) => !mutating.includes(k))
    expect(stale, 'audited routes that no longer exist').toEqual([])
  })

  it('uses only documented actions', () => {
    for (const r of Object.values(AUDITED_ROUTES)) expect(Object.keys(AUDIT_ACTIONS)).toContain(r.action)
  })
})

describe('transactions', () => {
  it('rolls the mutation back and answers 500 when its record cannot be written', async () => {
    const spy = vi.spyOn(t.services.audit, 'record').mockRejectedValueOnce(new Error('audit store full'))
    const res = await t.request('POST', '/api/v1/api-keys', { body: { name: 'never-made', scopes: ['query:read'] } })
    spy.mockRestore()
    expect(res.status).toBe(500)
    expect((await res.json()).error.code).toBe('internal_error')
    const keys = (await (await t.request('GET', '/api/v1/api-keys?limit=100')).json()).data as Array<{ name: string }>
    expect(keys.map((k) => k.name)).not.toContain('never-made')
  })

  it('keeps a successful mutation and its record together', async () => {
    const k = await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'made', scopes: ['query:read'] } })).json()
    const [e] = await entries(`action=api_key.create&resource_id=${k.id}`)
    expect(e).toMatchObject({ outcome: 'success', resource: { type: 'api_key', id: k.id }, details: { status: 201, fields: ['name', 'scopes'] } })
  })
})

describe('query runs', () => {
  it('records a question after its answer: connection, status, rows, duration and planner, never a value', async () => {
    const res = await t.request('POST', '/api/v1/query', { body: { question: 'total sales by region', connection_id: t.demoConnectionId }, headers: { 'user-agent': 'audit-test/1.0' } })
    expect(res.status).toBe(200)
    const answer = await res.json()
    const e = await until('the query.run record', async () => (await entries(`action=query.run&resource_id=${answer.id}`))[0])
    expect(e).toMatchObject({
      outcome: 'success', user_agent: 'audit-test/1.0', actor: { type: 'api_key' },
      details: { query_id: answer.id, connection_id: t.demoConnectionId, source: 'question', query_status: 'succeeded', rows: answer.row_count, planner: expect.any(String), duration_ms: expect.any(Number) },
    })
    const dump = JSON.stringify(await t.services.store.db.select().from(auditLog))
    for (const row of answer.data as Array<Record<string, unknown>>) {
      for (const v of Object.values(row)) if (typeof v === 'string' && v.length > 2) expect(dump).not.toContain(v)
    }
    expect(dump).not.toContain('total sales by region')
  })

  it('records a streamed semantic query and a refused question as failures', async () => {
    const sem = await t.request('POST', '/api/v1/semantic/query', { body: { connection_id: t.demoConnectionId, metrics: ['total_sales'] } })
    expect(sem.status).toBe(200)
    const { id } = await sem.json()
    expect((await until('the semantic query record', async () => (await entries(`action=query.run&resource_id=${id}`))[0])).details).toMatchObject({ source: 'semantic', query_status: 'succeeded' })
    const bad = await t.request('POST', '/api/v1/query', { body: { question: 'zzqx frobnicate the wibble', connection_id: t.demoConnectionId } })
    expect(bad.status).toBe(422)
    await bad.text() // the record is written once the answer has been read to its end
    const e = await until('the refused question record', async () => (await entries('action=query.run&outcome=failure'))[0])
    expect(e.details).toMatchObject({ status: 422, error_code: 'question_not_understood' })
  })
})

describe('refusals', () => {
  it('records a 403 on any route, and a 401 for a revoked key in its tenant', async () => {
    const k = await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'reader only', scopes: ['query:read'] } })).json()
    expect((await t.request('GET', '/api/v1/users', { key: k.key })).status).toBe(403)
    const [denied] = await entries(`action=access.denied&actor_id=${k.id}`)
    expect(denied).toMatchObject({ outcome: 'denied', details: { route: 'GET /api/v1/users', status: 403, error_code: 'forbidden', reason: 'missing_scope' } })
    expect((await t.request('DELETE', `/api/v1/api-keys/${k.id}`)).status).toBe(204)
    expect((await t.request('GET', '/api/v1/connections', { key: k.key })).status).toBe(401)
    const [refused] = await entries(`action=access.denied&actor_id=${k.id}&outcome=denied&since=${encodeURIComponent(denied.occurred_at)}`)
    expect(refused).toMatchObject({ actor: { type: 'api_key', id: k.id, display: 'reader only' }, details: { status: 401, reason: 'invalid_credential' } })
  })
})
