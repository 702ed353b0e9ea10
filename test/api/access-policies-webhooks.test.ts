// Async jobs and their webhooks under access policies: each job runs with its
// requester's attributes as they are when it runs (never rights taken away
// since it was queued), and the webhook carries that requester's rows only
// (demo warehouse, a region row policy).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { JobWorker } from '../../src/query/job-worker'

const HOOK = 'http://127.0.0.1:9/hook'
const POLICY = { name: 'regions', model: 'stores', row_filter: "{{ Dimension('store__region') }} IN {{ Attribute('region') }}", bypass_roles: ['admin'] }

let t: TestApp
/** Webhook bodies by query id. */
const delivered = new Map<string, { data?: Array<Record<string, unknown>> }>()
const fakeFetch = (async (_url: string | URL | Request, init?: RequestInit) => {
  const id = String((init?.headers as Record<string, string>)['x-nexatron-delivery'])
  delivered.set(id, JSON.parse(String(init?.body)))
  return new Response('ok')
}) as typeof fetch

beforeAll(async () => {
  t = await createTestApp({}, { demo: true, fetch: fakeFetch })
  expect((await t.request('PUT', '/api/v1/semantic/access-policies', { body: { policies: [POLICY] } })).status).toBe(200)
})
afterAll(async () => { await t?.close() })

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const numberIn = (row: Record<string, unknown> | undefined) => Number(Object.values(row ?? {}).find((v) => v !== null && !Number.isNaN(Number(v))))

async function key(region: string) {
  const res = await t.request('POST', '/api/v1/api-keys', { body: { name: region, scopes: ['query:run', 'query:read', 'semantic:read'], attributes: { region: [region] } } })
  expect(res.status).toBe(201)
  return (await res.json()) as { id: string; key: string }
}
const totalFor = async (k: string) => numberIn((await (await t.request('POST', '/api/v1/semantic/query', { key: k, body: { metrics: ['total_sales'] } })).json()).data[0])

describe('webhooks under access policies', () => {
  it("deliver each requester's permitted total, evaluated with the attributes held when the job runs", async () => {
    const west = await key('West')
    const south = await key('South')
    const westTotal = await totalFor(west.key)
    const southTotal = await totalFor(south.key)
    const allTotal = await totalFor(t.adminKey)
    expect(westTotal).toBeGreaterThan(0)
    expect(westTotal).not.toBeCloseTo(southTotal, 2)
    expect(westTotal + southTotal).toBeLessThan(allTotal)

    const submit = async (k: string) => {
      const queued = await t.request('POST', '/api/v1/query', { key: k, body: { question: 'total sales', webhook_url: HOOK } })
      expect(queued.status, await queued.clone().text()).toBe(202)
      return (await queued.json()).id as string
    }
    const westJob = await submit(west.key)
    const southJob = await submit(south.key)
    // Changed after submitting: the queued job runs under the attributes the key holds now.
    expect((await t.request('PATCH', `/api/v1/api-keys/${west.id}`, { body: { attributes: { region: ['South'] } } })).status).toBe(200)

    const s = t.services
    const worker = new JobWorker({
      db: s.store.db, history: s.history, runner: s.runner, connections: s.connections, secrets: s.webhookSecrets,
      principals: s.auth, audit: s.audit, hostPolicy: { policy: 'all', allowSocketHosts: false }, logger: s.logger, fetch: fakeFetch,
      concurrency: 2, maxWebhookAttempts: 3, historyRows: 100, pollMs: 20, backoffBaseMs: 20,
    })
    worker.start()
    try {
      for (let i = 0; i < 400 && !(delivered.has(westJob) && delivered.has(southJob)); i++) await sleep(25)
    } finally { await worker.stop() }
    expect(numberIn(delivered.get(westJob)?.data?.[0])).toBeCloseTo(southTotal, 2)
    expect(numberIn(delivered.get(southJob)?.data?.[0])).toBeCloseTo(southTotal, 2)
  })
})
