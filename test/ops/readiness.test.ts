// /health/ready: what a load balancer asks before sending an instance work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createTestApp, type TestApp } from '../support/test-app'
import { createApp } from '../../src/app'
import { Readiness } from '../../src/ops/readiness'
import { MIGRATIONS_DIR } from '../../src/store/db'

let t: TestApp
beforeAll(async () => { t = await createTestApp() })
afterAll(async () => { await t?.close() })

const ready = async (app: { request: (p: string) => Response | Promise<Response> }) => {
  const res = await app.request('/health/ready')
  return { status: res.status, body: await res.json() as { status: string; failing: string[] }, cache: res.headers.get('cache-control') }
}

describe('readiness', () => {
  it('is ready without credentials once the store answers and the migrations are applied', async () => {
    const res = await t.request('GET', '/health/ready', { key: null })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok', failing: [] })
    expect(res.headers.get('cache-control')).toBe('no-store')
  })

  it('answers 503 "draining" once draining started, while liveness stays 200', async () => {
    const readiness = new Readiness({ store: t.services.store, migrationsDir: MIGRATIONS_DIR })
    const app = createApp({ ...t.services, readiness })
    expect((await ready(app)).status).toBe(200)
    readiness.startDraining()
    expect(await ready(app)).toMatchObject({ status: 503, body: { status: 'unavailable', failing: ['draining'] } })
    expect((await app.request('/health')).status).toBe(200)
  })

  it('names the store and a configured Redis that do not answer', async () => {
    const store = { ...t.services.store, ping: async () => { throw new Error('connection refused') } }
    const redis = { ping: async () => { throw new Error('ECONNREFUSED') } }
    const app = createApp({ ...t.services, store, readiness: new Readiness({ store, redis, migrationsDir: MIGRATIONS_DIR }) })
    expect(await ready(app)).toMatchObject({ status: 503, body: { failing: ['store', 'redis'] } })
  })

  it('is not ready while this version has migrations the store lacks', async () => {
    // A build shipping one migration more than the store has applied.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nexatron-migrations-'))
    try {
      cpSync(MIGRATIONS_DIR, dir, { recursive: true })
      const journalFile = path.join(dir, 'meta/_journal.json')
      const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: Array<{ idx: number; tag: string }> }
      journal.entries.push({ ...journal.entries.at(-1)!, idx: journal.entries.length, tag: '9999_future' })
      writeFileSync(journalFile, JSON.stringify(journal))
      const app = createApp({ ...t.services, readiness: new Readiness({ store: t.services.store, migrationsDir: dir }) })
      expect(await ready(app)).toMatchObject({ status: 503, body: { failing: ['migrations'] } })
    } finally { rmSync(dir, { recursive: true, force: true }) }
  })

  it('documents the probe in the OpenAPI document', async () => {
    const doc = await (await t.request('GET', '/openapi.json', { key: null })).json()
    expect(doc.paths['/health/ready'].get.responses).toHaveProperty('503')
  })
})
