// Attack: bury everyone's webhooks under one tenant's. Finished async jobs
// whose receiver fails are retried with backoff, so a tenant that submits jobs
// towards a receiver that hangs until the timeout builds a backlog of due
// deliveries. The worker took every second the next 20 due deliveries in
// table order, with nothing bounding how many were in flight: the backlog's
// were taken first, over and over, each holding a socket for the whole
// timeout, and another tenant's webhook waited behind all of them. Deliveries
// are now taken fairly (each tenant's oldest first, in turn) and bounded in
// flight, per worker and per tenant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { JobWorker } from '../../src/query/job-worker'
import { queries } from '../../src/store/schema'

const SLOW = 'http://127.0.0.1:9/slow'
const FAST = 'http://127.0.0.1:9/fast'
const BACKLOG = 120

let t: TestApp
let attackerKey: string
let victimKey: string
let victimTenant: string

beforeAll(async () => {
  t = await createTestApp()
  attackerKey = (await t.services.apiKeys.create(t.tenantId, { name: 'flood', scopes: ['query:run', 'query:read'] })).view.id
  const victim = await t.newTenant('victim')
  victimTenant = victim.tenantId
  victimKey = (await t.services.apiKeys.create(victim.tenantId, { name: 'bi', scopes: ['query:run', 'query:read'] })).view.id
})
afterAll(async () => { await t?.close() })

/** A finished job whose webhook is due: `ageS` seconds overdue. */
const finished = (tenantId: string, principalId: string, url: string, n: number, ageS: number) => ({
  id: `qry_fair_${tenantId.slice(-6)}_${n}`, tenantId, principalId, connectionId: 'conn_none', question: 'total', status: 'succeeded', async: true,
  webhookUrl: url, webhookStatus: 'pending', webhookNextAt: new Date(Date.now() - ageS * 1000), createdAt: new Date(Date.now() - ageS * 1000),
  finishedAt: new Date(), rowCount: 0, resultRows: [], resultColumns: [],
})

describe('attack: a backlog of one tenant\'s slow webhooks', () => {
  it('delivers another tenant\'s webhook at once, and never holds more than a few of the backlog in flight', async () => {
    const db = t.services.store.db
    await db.insert(queries).values(Array.from({ length: BACKLOG }, (_, i) => finished(t.tenantId, attackerKey, SLOW, i, 600 - i)))
    await db.insert(queries).values(finished(victimTenant, victimKey, FAST, 0, 1))

    let inFlight = 0
    let peak = 0
    let victimAt: number | undefined
    const started = Date.now()
    const fakeFetch = (async (url: string | URL | Request, init?: RequestInit) => {
      if (String(url) === FAST) { victimAt = Date.now() - started; return new Response('ok') }
      inFlight++
      peak = Math.max(peak, inFlight)
      try {
        // the receiver hangs until the worker gives up on it
        await new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('timeout')), { once: true }))
        return new Response('never')
      } finally { inFlight-- }
    }) as typeof fetch

    const s = t.services
    const worker = new JobWorker({
      db, history: s.history, runner: s.runner, connections: s.connections, secrets: s.webhookSecrets,
      principals: s.auth, audit: s.audit, hostPolicy: { policy: 'all', allowSocketHosts: false }, logger: s.logger, fetch: fakeFetch,
      concurrency: 1, maxWebhookAttempts: 3, historyRows: 100, pollMs: 20, webhookTimeoutMs: 1_500, backoffBaseMs: 60_000,
    })
    worker.start()
    try {
      for (let i = 0; i < 120 && victimAt === undefined; i++) await new Promise((r) => setTimeout(r, 25))
      // let the backlog run a little longer: what it holds in flight stays bounded
      await new Promise((r) => setTimeout(r, 400))
    } finally { await worker.stop() }

    expect(victimAt, 'the other tenant\'s webhook was delivered').toBeDefined()
    expect(victimAt!).toBeLessThan(1_000)
    expect(peak).toBeGreaterThan(0)
    expect(peak).toBeLessThanOrEqual(4)
  })
})
