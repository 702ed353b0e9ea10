// The demo warehouse costs nothing until a question needs it: its thread
// starts on the first statement, the data it builds is kept on disk for the
// day's later starts, and a warm start whose value index already matches the
// data does not start it at all. The answers stay exactly the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createTestApp, type TestApp } from '../support/test-app'
import { DemoWarehouse } from '../../src/demo/warehouse-host'
import { bootstrap } from '../../src/bootstrap'
import { buildServices } from '../../src/container'
import { createApp } from '../../src/app'
import { loadConfig } from '../../src/config'
import { createLogger } from '../../src/logger'
import { demoDataKeyFor, markSampleValues, sampleValuesCurrent, snapshotFile } from '../../src/demo/demo-cache'

const NOW = new Date('2026-11-23T12:00:00Z')
const QUESTION = 'total sales by region last quarter'
const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'nexatron-demo-cache-'))

describe('the demo warehouse, started lazily from its cache', () => {
  let t: TestApp & { demoConnectionId?: string }
  let first: DemoWarehouse
  let second: DemoWarehouse | undefined
  let secondServices: Awaited<ReturnType<typeof buildServices>> | undefined
  beforeAll(async () => {
    first = new DemoWarehouse(NOW, { cacheDir })
    expect(first.running).toBe(false)
    t = await createTestApp({}, { demo: true, demoWarehouse: first, now: () => NOW })
  }, 120_000)
  afterAll(async () => {
    await secondServices?.dispose()
    await second?.close()
    await t?.close()
    await first?.close()
    rmSync(cacheDir, { recursive: true, force: true })
  })

  it('keys the cache by the data itself: another day is other data', () => {
    const k = demoDataKeyFor(NOW)
    expect(k.lastDay).toBe('2026-11-23')
    expect(demoDataKeyFor(new Date('2026-11-23T23:59:00Z')).key).toBe(k.key)
    expect(demoDataKeyFor(new Date('2026-11-24T00:00:00Z')).key).not.toBe(k.key)
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nexatron-values-'))
    try {
      expect(sampleValuesCurrent(dir, k, 'conn_a')).toBe(false)
      markSampleValues(dir, k, 'conn_a')
      expect(sampleValuesCurrent(dir, k, 'conn_a')).toBe(true)
      // Another store (another demo connection) or another day: read them again.
      expect(sampleValuesCurrent(dir, k, 'conn_b')).toBe(false)
      expect(sampleValuesCurrent(dir, demoDataKeyFor(new Date('2026-11-24T00:00:00Z')), 'conn_a')).toBe(false)
    } finally { rmSync(dir, { recursive: true, force: true }) }
  })

  it('builds the data once and keeps it on disk, under the key of that data', () => {
    // The first bootstrap imported the layer and read its sample values: the thread had to start.
    expect(first.starts).toBe(1)
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.tar'))).toEqual([path.basename(snapshotFile(cacheDir, first.dataKey()))])
  })

  it('starts a warm server without the warehouse, then answers from the cached data exactly as before', async () => {
    const before = await (await t.request('POST', '/api/v1/query', { body: { question: QUESTION } })).json()
    expect(before.status).toBe('succeeded')
    expect(before.data.length).toBeGreaterThan(1)
    // The value index is current for this data once a bootstrap read it with a cache folder.
    const demoCache = { dir: cacheDir, key: () => first.dataKey() }
    await bootstrap(t.services, { demo: true, demoCache })
    const snapshot = snapshotFile(cacheDir, first.dataKey())
    const builtAt = statSync(snapshot).mtimeMs

    // A restart on the same store: a new warehouse, nothing started by the bootstrap.
    second = new DemoWarehouse(NOW, { cacheDir })
    secondServices = await buildServices(loadConfig({ NEXATRON_DEMO: 'true', LOG_LEVEL: 'silent' }), {
      inMemory: true, logger: createLogger('silent'), store: t.services.store, demoWarehouse: second, now: () => NOW,
    })
    await bootstrap(secondServices, { demo: true, demoCache: { dir: cacheDir, key: () => second!.dataKey() } })
    expect(second.running).toBe(false)
    expect(second.starts).toBe(0)

    const app = createApp(secondServices)
    const res = await app.request('/api/v1/query', {
      method: 'POST', headers: { authorization: `Bearer ${t.adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ question: QUESTION }),
    })
    const after = await res.json() as typeof before
    expect(second.starts).toBe(1)
    // Loaded, not rebuilt: the file is the one written by the first warehouse.
    expect(statSync(snapshot).mtimeMs).toBe(builtAt)
    expect(after.sql).toBe(before.sql)
    expect(after.data).toEqual(before.data)
    expect(after.summary).toBe(before.summary)
  }, 120_000)

  it('stops its thread after the idle time and starts it again for the next statement', async () => {
    const idle = new DemoWarehouse(NOW, { cacheDir, idleStopMs: 300 })
    try {
      const c = idle.connector()
      expect((await c.test()).ok).toBe(true)
      expect(idle.running).toBe(true)
      await new Promise((r) => setTimeout(r, 1000))
      expect(idle.running).toBe(false)
      expect((await c.test()).ok).toBe(true)
      expect(idle.starts).toBe(2)
    } finally { await idle.close() }
  }, 120_000)
})
