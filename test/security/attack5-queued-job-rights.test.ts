// Attack: queue work while holding wide rights, then keep them after they are
// taken away. The runner stored the requester's access context (role, groups,
// attributes) with an async job and ran the job under it, whenever it ran. An
// admin who queued jobs and was then demoted kept bypassing every policy that
// admins bypass; a key whose regions were narrowed still read the old ones. The
// rows came back by webhook (GET /query/{id} withheld them: their stamp was no
// longer the viewer's). Now a job runs under the rules its principal is under
// when it runs, like everything else it is checked against then. And a webhook
// retried after the rules changed (the receiver answered 500 the first time)
// carried the rows GET /query/{id} already withheld: now it withholds them too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { JobWorker } from '../../src/query/job-worker'

const HOOK = 'http://127.0.0.1:9/hook'
const POLICY = { name: 'regions', model: 'stores', row_filter: "{{ Dimension('store__region') }} IN {{ Attribute('region') }}", bypass_roles: ['admin'] }

let t: TestApp
const delivered = new Map<string, { data?: Array<Record<string, unknown>> | null; summary?: string | null; withheld?: { reason: string } | null }>()
/** Jobs whose first delivery fails, after running the given change (the receiver was down meanwhile). */
const failFirst = new Map<string, () => Promise<void>>()
const fakeFetch = (async (_url: string | URL | Request, init?: RequestInit) => {
  const id = String((init?.headers as Record<string, string>)['x-nexatron-delivery'])
  const before = failFirst.get(id)
  if (before) {
    failFirst.delete(id)
    await before()
    return new Response('down', { status: 500 })
  }
  delivered.set(id, JSON.parse(String(init?.body)))
  return new Response('ok')
}) as typeof fetch

beforeAll(async () => {
  t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000' }, { demo: true, fetch: fakeFetch })
  expect((await t.request('PUT', '/api/v1/semantic/access-policies', { body: { policies: [POLICY] } })).status).toBe(200)
})
afterAll(async () => { await t?.close() })

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const numberIn = (row: Record<string, unknown> | undefined) => Number(Object.values(row ?? {}).find((v) => v !== null && !Number.isNaN(Number(v))))
const totalFor = async (k: string) => numberIn((await (await t.request('POST', '/api/v1/semantic/query', { key: k, body: { metrics: ['total_sales'] } })).json()).data[0])

async function submit(k: string): Promise<string> {
  const queued = await t.request('POST', '/api/v1/query', { key: k, body: { question: 'total sales', webhook_url: HOOK } })
  expect(queued.status, await queued.clone().text()).toBe(202)
  return (await queued.json()).id as string
}

async function drain(ids: string[]): Promise<void> {
  const s = t.services
  const worker = new JobWorker({
    db: s.store.db, history: s.history, runner: s.runner, connections: s.connections, secrets: s.webhookSecrets,
    principals: s.auth, audit: s.audit, hostPolicy: { policy: 'all', allowSocketHosts: false }, logger: s.logger, fetch: fakeFetch,
    concurrency: 2, maxWebhookAttempts: 3, historyRows: 100, pollMs: 20, backoffBaseMs: 20,
    staleness: { connections: s.connections, semantic: s.semantic.store, access: s.access },
  })
  worker.start()
  try {
    for (let i = 0; i < 400 && !ids.every((id) => delivered.has(id)); i++) await sleep(25)
  } finally { await worker.stop() }
}

describe('attack: rights kept by a job queued before they were taken away', () => {
  it('runs the queued job of a demoted admin under the policy admins bypass, not around it', async () => {
    // another admin stays, so the demotion is allowed (the tenant keeps one)
    expect((await t.request('POST', '/api/v1/users', { body: { email: 'owner@example.com', password: 'correct horse battery', role: 'admin' } })).status).toBe(201)
    const created = await t.request('POST', '/api/v1/users', { body: { email: 'boss@example.com', password: 'correct horse battery', role: 'admin' } })
    expect(created.status).toBe(201)
    const user = await created.json()
    expect((await t.request('PATCH', `/api/v1/users/${user.id}`, { body: { attributes: { region: ['West'] } } })).status).toBe(200)
    const login2 = async () => (await (await t.request('POST', '/api/v1/auth/login', { key: null, body: { email: 'boss@example.com', password: 'correct horse battery' } })).json()).access_token as string
    const token = await login2()
    const allTotal = await totalFor(token)

    const job = await submit(token)
    expect((await t.request('PATCH', `/api/v1/users/${user.id}`, { body: { role: 'analyst' } })).status).toBe(200)
    // a role change ends the sessions: sign in again as the analyst
    const analyst = await login2()
    const westTotal = await totalFor(analyst)
    expect(westTotal).toBeGreaterThan(0)
    expect(westTotal).toBeLessThan(allTotal)

    await drain([job])
    expect(numberIn(delivered.get(job)?.data?.[0])).toBeCloseTo(westTotal, 2)
    // and the record reads the same rows, not withheld: they are the viewer's under today's rules
    const record = await (await t.request('GET', `/api/v1/query/${job}`, { key: analyst })).json()
    expect(record.withheld).toBeNull()
    expect(numberIn(record.data?.[0])).toBeCloseTo(westTotal, 2)
  })

  it("runs the queued job of a key under the regions it holds when the job runs, once an admin narrowed them", async () => {
    const made = await t.request('POST', '/api/v1/api-keys', { body: { name: 'bi', scopes: ['query:run', 'query:read'], attributes: { region: ['West', 'South'] } } })
    const k = (await made.json()) as { id: string; key: string }
    const wide = await totalFor(k.key)
    const job = await submit(k.key)
    expect((await t.request('PATCH', `/api/v1/api-keys/${k.id}`, { body: { attributes: { region: ['West'] } } })).status).toBe(200)
    const narrow = await totalFor(k.key)
    expect(narrow).toBeLessThan(wide)

    await drain([job])
    expect(numberIn(delivered.get(job)?.data?.[0])).toBeCloseTo(narrow, 2)
  })

  it('withholds the rows and summary of a webhook retried after the access rules changed, as GET does', async () => {
    const made = await t.request('POST', '/api/v1/api-keys', { body: { name: 'retry', scopes: ['query:run', 'query:read'], attributes: { region: ['West', 'South'] } } })
    const k = (await made.json()) as { id: string; key: string }
    const job = await submit(k.key)
    failFirst.set(job, async () => {
      expect((await t.request('PATCH', `/api/v1/api-keys/${k.id}`, { body: { attributes: { region: ['West'] } } })).status).toBe(200)
    })
    await drain([job])
    const body = delivered.get(job)!
    expect(body.withheld?.reason).toBe('access_changed')
    expect(body.data).toBeNull()
    expect(body.summary).toBeNull()
    expect((await (await t.request('GET', `/api/v1/query/${job}`, { key: k.key })).json()).withheld?.reason).toBe('access_changed')
  })

  it('still delivers the rows of a retry when nothing changed (control)', async () => {
    const made = await t.request('POST', '/api/v1/api-keys', { body: { name: 'steady', scopes: ['query:run', 'query:read'], attributes: { region: ['West'] } } })
    const k = (await made.json()) as { id: string; key: string }
    const job = await submit(k.key)
    failFirst.set(job, async () => {})
    await drain([job])
    expect(delivered.get(job)?.withheld).toBeNull()
    expect(numberIn(delivered.get(job)?.data?.[0])).toBeCloseTo(await totalFor(k.key), 2)
  })
})
