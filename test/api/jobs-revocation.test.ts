// Queued work must not keep the rights of a credential that lost them: a job
// runs only while the principal that submitted it is still valid and holds
// query:run (checked when it is claimed and again before its webhook is sent),
// and revoking a key or disabling / deleting a user cancels their queued jobs
// (status `cancelled`, reason `credential_revoked`), in the audit log.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../support/test-app'
import { JobWorker } from '../../src/query/job-worker'
import { apiKeys, queries } from '../../src/store/schema'

const PASSWORD = 'jobs revocation pw 1'
const HOOK = 'http://127.0.0.1:9/hook'

let t: TestApp
/** Webhook posts, by query id; `failFirst` ids answer 500 once. */
const delivered: string[] = []
const failFirst = new Set<string>()
const fakeFetch = (async (_url: string | URL | Request, init?: RequestInit) => {
  const id = String((init?.headers as Record<string, string>)['x-nexatron-delivery'])
  delivered.push(id)
  if (failFirst.delete(id)) return new Response('try again', { status: 500 })
  return new Response('ok')
}) as typeof fetch

let worker: JobWorker | undefined
/** A worker like the server's, with short timers; the test app does not start one. */
function startWorker(): JobWorker {
  const s = t.services
  worker = new JobWorker({
    db: s.store.db, history: s.history, runner: s.runner, connections: s.connections, secrets: s.webhookSecrets,
    principals: s.auth, audit: s.audit,
    hostPolicy: { policy: 'all', allowSocketHosts: false }, logger: s.logger, fetch: fakeFetch,
    concurrency: 2, maxWebhookAttempts: 3, historyRows: 100, pollMs: 20, backoffBaseMs: 20,
  })
  worker.start()
  return worker
}
afterEach(async () => { await worker?.stop(); worker = undefined })

beforeAll(async () => {
  t = await createTestApp({ NEXATRON_LOGIN_RATE_LIMIT_PER_15MIN: '1000' }, { demo: true, fetch: fakeFetch })
})
afterAll(async () => { await t?.close() })

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
async function until(what: string, cond: () => Promise<boolean> | boolean, ms = 8000) {
  const end = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(25)
  }
}
const job = async (id: string) => (await (await t.request('GET', `/api/v1/query/${id}`)).json())
async function submit(key: string, extra: Record<string, unknown> = { webhook_url: HOOK }): Promise<string> {
  const res = await t.request('POST', '/api/v1/query', { key, body: { question: 'total sales', ...extra } })
  expect(res.status, await res.clone().text()).toBe(202)
  return (await res.json()).id
}
async function keyWith(scopes: string[], adminKey = t.adminKey) {
  const res = await t.request('POST', '/api/v1/api-keys', { key: adminKey, body: { name: 'jobs', scopes } })
  expect(res.status).toBe(201)
  return (await res.json()) as { id: string; key: string }
}
async function user(role: string) {
  const email = `jobs-${role}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`
  const u = await (await t.request('POST', '/api/v1/users', { body: { email, password: PASSWORD, role } })).json()
  const pair = await (await t.request('POST', '/api/v1/auth/login', { key: null, body: { email, password: PASSWORD } })).json()
  return { id: u.id as string, token: pair.access_token as string }
}
const auditTargets = async (action: string) =>
  ((await (await t.request('GET', `/api/v1/audit-log?action=${action}&limit=100`)).json()).data as Array<{ resource: { id: string } | null; actor: { id: string | null } | null; outcome: string }>)
    .map((e) => ({ target_id: e.resource?.id ?? null, actor_id: e.actor?.id ?? null, outcome: e.outcome }))

function expectRevoked(j: { status: string; error: { code: string; details: Array<{ issue: string }> } | null }) {
  expect(j.status).toBe('cancelled')
  expect(j.error?.code).toBe('query_cancelled')
  expect(j.error?.details).toEqual(expect.arrayContaining([expect.objectContaining({ issue: 'credential_revoked' })]))
}

describe('jobs of a revoked credential', () => {
  it('still runs the job of a valid key and delivers its webhook (control)', async () => {
    const k = await keyWith(['query:run', 'query:read'])
    const id = await submit(k.key)
    startWorker()
    await until('the webhook', () => delivered.includes(id))
    expect((await job(id)).status).toBe('succeeded')
  })

  it('cancels the queued jobs of a revoked key, audits it, and never runs them or calls their webhook', async () => {
    const k = await keyWith(['query:run', 'query:read'])
    const withHook = await submit(k.key)
    const plain = await submit(k.key, { async: true })
    expect((await t.request('DELETE', `/api/v1/api-keys/${k.id}`)).status).toBe(204)
    for (const id of [withHook, plain]) expectRevoked(await job(id))
    startWorker()
    await sleep(400)
    for (const id of [withHook, plain]) expectRevoked(await job(id))
    expect(delivered).not.toContain(withHook)
    const adminKeyId = (await (await t.request('GET', '/api/v1/auth/me')).json()).id
    const cancels = await auditTargets('job.cancel')
    for (const id of [withHook, plain]) expect(cancels).toContainEqual(expect.objectContaining({ target_id: id, actor_id: adminKeyId, outcome: 'success' }))
  })

  it('refuses at claim time the job of a key that expired while it was queued', async () => {
    const k = await keyWith(['query:run', 'query:read'])
    const id = await submit(k.key)
    await t.services.store.db.update(apiKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiKeys.id, k.id))
    startWorker()
    await until('the job to end', async () => (await job(id)).status !== 'queued' && (await job(id)).status !== 'running')
    expectRevoked(await job(id))
    await sleep(200)
    expect(delivered).not.toContain(id)
    expect(await auditTargets('job.cancel')).toContainEqual(expect.objectContaining({ target_id: id, actor_id: null }))
  })

  it('does not send the webhook of a job whose key was revoked after it ran', async () => {
    const k = await keyWith(['query:run', 'query:read'])
    const id = await submit(k.key)
    failFirst.add(id)
    const w = startWorker()
    await until('the first (failed) delivery', () => delivered.includes(id))
    await w.stop()
    expect((await job(id)).status).toBe('succeeded')
    expect((await t.request('DELETE', `/api/v1/api-keys/${k.id}`)).status).toBe(204)
    // Make the retry due now, then let a worker look at it.
    await t.services.store.db.update(queries).set({ webhookNextAt: new Date(Date.now() - 1000) }).where(eq(queries.id, id))
    startWorker()
    await until('the retry to be settled', async () => (await t.services.history.getById(id))?.webhookStatus !== 'pending')
    expect(delivered.filter((d) => d === id)).toHaveLength(1)
    expect((await t.services.history.getById(id))?.webhookStatus).not.toBe('delivered')
  })

  it("cancels a disabled user's queued jobs, and those of the keys the user owns", async () => {
    const u = await user('admin')
    await user('admin') // the tenant keeps an active admin
    const own = await submit(u.token)
    const owned = await (await t.request('POST', '/api/v1/api-keys', { key: u.token, body: { name: 'owned', scopes: ['query:run'] } })).json()
    const viaKey = await submit(owned.key)
    expect((await t.request('PATCH', `/api/v1/users/${u.id}`, { body: { disabled: true } })).status).toBe(200)
    for (const id of [own, viaKey]) expectRevoked(await job(id))
    startWorker()
    await sleep(400)
    for (const id of [own, viaKey]) { expectRevoked(await job(id)); expect(delivered).not.toContain(id) }
    const cancels = (await auditTargets('job.cancel')).map((e) => e.target_id)
    expect(cancels).toEqual(expect.arrayContaining([own, viaKey]))
  })

  it("cancels a deleted user's queued jobs", async () => {
    const u = await user('analyst')
    const id = await submit(u.token)
    expect((await t.request('DELETE', `/api/v1/users/${u.id}`)).status).toBe(204)
    expectRevoked(await job(id))
  })

  it('refuses at claim time the job of a user who no longer holds query:run', async () => {
    const u = await user('analyst')
    const id = await submit(u.token)
    expect((await t.request('PATCH', `/api/v1/users/${u.id}`, { body: { role: 'viewer' } })).status).toBe(200)
    startWorker()
    await until('the job to end', async () => !['queued', 'running'].includes((await job(id)).status))
    expectRevoked(await job(id))
    expect(delivered).not.toContain(id)
  })
})
