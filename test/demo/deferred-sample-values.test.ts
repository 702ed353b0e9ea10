// `npm start` serves before the demo warehouse has built the day's data: the
// demo's sample values (what lets "in the West" filter on region) are read
// afterwards, and a question asked meanwhile waits for them rather than being
// planned on a layer without them. The answer is the one an eager start gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DemoWarehouse } from '../../src/demo/warehouse-host'
import { bootstrap, type BootstrapResult } from '../../src/bootstrap'
import { buildServices } from '../../src/container'
import { createApp } from '../../src/app'
import { loadConfig } from '../../src/config'
import { createLogger } from '../../src/logger'
import { createTestApp, type TestApp } from '../support/test-app'

const NOW = new Date('2026-11-23T12:00:00Z')
const QUESTION = 'total sales in the West last quarter'
const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'nexatron-deferred-values-'))

describe('the demo sample values, read after start-up', () => {
  let warehouse: DemoWarehouse
  let services: Awaited<ReturnType<typeof buildServices>>
  let boot: BootstrapResult
  let eager: TestApp
  beforeAll(async () => {
    warehouse = new DemoWarehouse(NOW, { cacheDir })
    services = await buildServices(loadConfig({ NEXATRON_DEMO: 'true', LOG_LEVEL: 'silent' }), {
      inMemory: true, logger: createLogger('silent'), demoWarehouse: warehouse, now: () => NOW,
    })
    boot = await bootstrap(services, { demo: true, deferSampleValues: true, demoCache: { dir: cacheDir, key: () => warehouse.dataKey() } })
    eager = await createTestApp({}, { demo: true, now: () => NOW })
  }, 120_000)
  afterAll(async () => {
    await services?.dispose()
    await warehouse?.close()
    await eager?.close()
    rmSync(cacheDir, { recursive: true, force: true })
  })

  it('imports the layer without them and hands their reading back, the warehouse untouched', async () => {
    expect(boot.pendingSampleValues).toBeTypeOf('function')
    expect(warehouse.starts).toBe(0)
    const { manifest } = await services.semantic.store.load(boot.tenantId, boot.demoConnectionId!)
    const categorical = manifest.semantic_models.flatMap((m) => m.dimensions ?? []).filter((d) => d.type === 'categorical')
    expect(categorical.length).toBeGreaterThan(0)
    expect(categorical.every((d) => !d.sample_values)).toBe(true)
  })

  it('answers a question asked while they are read only once they are there, as an eager start does', async () => {
    const key = (await services.apiKeys.create(boot.tenantId, { name: 'test', scopes: ['*'] })).key
    const app = createApp(services)
    let settledAt = 0
    void services.semantic.store.settle(boot.tenantId, boot.demoConnectionId!, async () => { await boot.pendingSampleValues!(); settledAt = performance.now() })
    const res = await app.request('/api/v1/query', {
      method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ question: QUESTION }),
    })
    const answeredAt = performance.now()
    const body = await res.json() as { status: string; plan: { query: { filters?: unknown[] } }; data: unknown[]; sql: string }
    expect(res.status, JSON.stringify(body)).toBe(200)
    expect(settledAt).toBeGreaterThan(0)
    expect(settledAt).toBeLessThanOrEqual(answeredAt)
    expect(JSON.stringify(body.plan.query)).toContain('West')

    const reference = await (await eager.request('POST', '/api/v1/query', { body: { question: QUESTION } })).json()
    expect(body.sql).toBe(reference.sql)
    expect(body.data).toEqual(reference.data)
    const { manifest } = await services.semantic.store.load(boot.tenantId, boot.demoConnectionId!)
    expect(manifest.semantic_models.flatMap((m) => m.dimensions ?? []).some((d) => d.sample_values?.length)).toBe(true)
  }, 120_000)
})
