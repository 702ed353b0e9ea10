// Revocation holds across instances: a key revoked on one instance stops the
// async jobs that another instance's worker would run (queued ones are
// cancelled in the shared store; a job already running there is stopped by
// that worker's heartbeat), and no webhook is sent for them. Two service
// containers share one store here, as two servers share one PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { createTestApp, type TestApp } from '../support/test-app'
import { JobWorker } from '../../src/query/job-worker'
import { buildServices } from '../../src/container'
import { loadConfig } from '../../src/config'
import { createLogger } from '../../src/logger'
import type { Connector, RowBatch } from '../../connectors/connector'

const HOOK = 'http://127.0.0.1:9/hook'
const SECRET = randomBytes(32).toString('base64')
const delivered: string[] = []
const fakeFetch = (async (_url: string | URL | Request, init?: RequestInit) => {
  delivered.push(String((init?.headers as Record<string, string>)['x-nexatron-delivery']))
  return new Response('ok')
}) as typeof fetch

// Metric queries wait until released, so a job can be caught while it runs.
let release: () => void = () => {}
const held = new Promise<void>((r) => { release = r })
const slow: Connector = {
  type: 'postgres', dialect: 'postgres',
  test: async () => ({ ok: true, version: 'fake', latency_ms: 0 }),
  introspect: async () => ({ schemas: [], tables: [] }),
  async *stream(q, o): AsyncIterable<RowBatch> {
    if (!q.sql.includes('total_sales')) { yield { columns: [], rows: [] }; return }
    await Promise.race([held, new Promise((_, reject) => o.signal.addEventListener('abort', () => reject(o.signal.reason), { once: true }))])
    yield { columns: [{ name: 'total_sales', type: 'decimal', json_type: 'string' }], rows: [['1.00']] }
  },
  close: async () => {},
}

let a: TestApp
let b: Awaited<ReturnType<typeof buildServices>>
let worker: JobWorker
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
async function until(what: string, cond: () => Promise<boolean>, ms = 8000) {
  const end = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(25)
  }
}

beforeAll(async () => {
  const env = { NEXATRON_SECRET_KEY: SECRET }
  a = await createTestApp(env, { demo: true, connectorFactory: () => slow, fetch: fakeFetch })
  // Instance B: the same store, its own services and worker.
  b = await buildServices(loadConfig({ NEXATRON_DEMO: 'false', LOG_LEVEL: 'silent', ...env }),
    { inMemory: true, logger: createLogger('silent'), store: a.services.store, connectorFactory: () => slow, fetch: fakeFetch })
  const s = b
  worker = new JobWorker({
    db: s.store.db, history: s.history, runner: s.runner, connections: s.connections, secrets: s.webhookSecrets,
    principals: s.auth, audit: s.audit, hostPolicy: { policy: 'all', allowSocketHosts: false }, logger: s.logger, fetch: fakeFetch,
    // A short lease: the heartbeat (which re-checks the principal) beats every 500 ms.
    concurrency: 2, maxWebhookAttempts: 3, historyRows: 100, pollMs: 20, backoffBaseMs: 20, leaseMs: 1500,
  })
})
afterAll(async () => {
  release()
  await worker?.stop()
  await b?.dispose()
  await a?.close()
})

const status = async (id: string) => (await (await a.request('GET', `/api/v1/query/${id}`)).json()).status as string

describe('revocation across two instances', () => {
  it("cancels a key's queued and running jobs on the other instance, and sends no webhook", async () => {
    const { view: { id: keyId }, key } = await a.services.apiKeys.create(a.tenantId, { name: 'dashboard', scopes: ['query:run', 'query:read'] })
    const submit = async () => {
      const res = await a.request('POST', '/api/v1/query', { key, body: { question: 'total sales', webhook_url: HOOK } })
      expect(res.status, await res.clone().text()).toBe(202)
      return (await res.json()).id as string
    }
    const running = await submit()
    worker.start()
    await until('the job to run on instance B', async () => (await status(running)) === 'running')
    void worker.stop()
    const queued = await submit()

    expect((await a.request('DELETE', `/api/v1/api-keys/${keyId}`)).status).toBe(204)
    worker.start()
    await until('both jobs to be cancelled', async () => (await status(running)) === 'cancelled' && (await status(queued)) === 'cancelled')
    release()
    await sleep(300)
    expect(await status(running)).toBe('cancelled')
    expect(delivered).toEqual([])
  })
})
