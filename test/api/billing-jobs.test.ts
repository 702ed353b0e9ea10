// An async job is a query run like a synchronous one: when it settles, the
// worker records it as `query.run` in the audit log and meters its rows and
// LLM tokens, exactly once even when two instances settle the same job.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../support/test-app'
import type { JobWorker } from '../../src/query/job-worker'
import { settledJob, testWorker } from '../support/test-worker'
import { runTokens } from '../../src/billing/settled-run'
import { queries } from '../../src/store/schema'
import type { QueryRow } from '../../src/query/history'

let t: TestApp
const fakeFetch = (async () => new Response('ok')) as unknown as typeof fetch
const workers: JobWorker[] = []

/** A worker like the server's (audit and billing wired), with short timers; the test app starts none. */
function newWorker(): JobWorker {
  const w = testWorker(t, fakeFetch)
  workers.push(w)
  return w
}
afterEach(async () => { await Promise.all(workers.splice(0).map((w) => w.stop())) })

beforeAll(async () => { t = await createTestApp({}, { demo: true, fetch: fakeFetch }) })
afterAll(async () => { await t?.close() })

const settled = (id: string) => settledJob(t, id)
async function submit(): Promise<string> {
  const res = await t.request('POST', '/api/v1/query', { body: { question: 'total sales', webhook_url: 'http://127.0.0.1:9/hook' } })
  expect(res.status, await res.clone().text()).toBe(202)
  return (await res.json()).id
}
const runRecords = async (id: string) =>
  (await t.services.audit.list(t.tenantId, { action: 'query.run', resource_id: id, limit: 50 })).data
async function meterEventsOf(id: string) {
  const out: Array<{ event_name: string; value: number; identifier: string }> = []
  for await (const e of t.services.billing.meterEvents(t.tenantId, new Date(Date.now() - 3600_000))) if (e.identifier.endsWith(`:${id}`)) out.push(e)
  return out
}

describe('async jobs in the audit log and the meter', () => {
  it('records a settled job as query.run by its principal and meters its rows and tokens', async () => {
    const id = await submit()
    // Submitted, not yet run: only query.submit, nothing metered beyond the queries unit.
    expect(await runRecords(id)).toHaveLength(0)
    newWorker().start()
    const row = await settled(id)
    expect(row.status).toBe('succeeded')
    expect(row.rowCount).toBeGreaterThan(0)
    const records = await runRecords(id)
    expect(records).toHaveLength(1)
    expect(records[0]).toMatchObject({
      action: 'query.run', outcome: 'success', actor: { type: 'api_key' }, resource: { type: 'query', id },
      details: { query_id: id, query_status: 'succeeded', rows: row.rowCount, connection_id: row.connectionId },
    })
    const events = await meterEventsOf(id)
    expect(events.filter((e) => e.event_name === 'rows')).toEqual([expect.objectContaining({ value: row.rowCount, identifier: `${t.tenantId}:rows:${id}` })])
    const tokens = runTokens(row)
    expect(events.filter((e) => e.event_name === 'llm_tokens').map((e) => e.value)).toEqual(tokens ? [tokens] : [])
    // The chain still verifies with the worker's records in it.
    expect((await t.services.audit.verify(t.tenantId)).ok).toBe(true)
  })

  it('records and meters exactly once when two instances settle the same job', async () => {
    const id = await submit()
    const a = newWorker()
    a.start()
    const row = await settled(id)
    const b = newWorker()
    // Both instances settle it again, at the same moment (a lease that expired mid-run).
    const settle = (w: JobWorker) => (w as unknown as { settle(j: QueryRow): Promise<void> }).settle(row)
    await Promise.all([settle(a), settle(b), settle(b)])
    expect(await runRecords(id)).toHaveLength(1)
    expect((await meterEventsOf(id)).filter((e) => e.event_name === 'rows')).toHaveLength(1)
    // Run again by another instance after a lost lease: still one record, one meter event.
    await t.services.store.db.update(queries).set({ status: 'queued', lockedBy: null, lockedUntil: null }).where(eq(queries.id, id))
    b.start()
    await settled(id)
    expect(await runRecords(id)).toHaveLength(1)
    expect((await meterEventsOf(id)).filter((e) => e.event_name === 'rows')).toHaveLength(1)
  })

  it('records a job that failed to start as a failed query.run', async () => {
    const id = await submit()
    // Its connection is gone before it runs.
    await t.services.store.db.update(queries).set({ connectionId: 'conn_gone' }).where(eq(queries.id, id))
    newWorker().start()
    const row = await settled(id)
    expect(row.status).toBe('failed')
    expect(await runRecords(id)).toEqual([expect.objectContaining({ outcome: 'failure', details: expect.objectContaining({ query_status: 'failed' }) })])
    // No rows, no tokens: nothing metered for it beyond its queries unit (taken at submit).
    expect(await meterEventsOf(id)).toEqual([])
  })
})
