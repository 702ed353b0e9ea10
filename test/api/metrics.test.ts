// GET /metrics: the operator's Prometheus endpoint. Its own token (not a
// tenant credential), 404 when not configured, and the async queue per tenant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { queries } from '../../src/store/schema'

const TOKEN = 'metrics-token-0123456789abcdefghijklmnop'
let t: TestApp
let off: TestApp
beforeAll(async () => {
  t = await createTestApp({ NEXATRON_METRICS_TOKEN: TOKEN })
  off = await createTestApp()
})
afterAll(async () => { await t?.close(); await off?.close() })

describe('GET /metrics', () => {
  it('answers 404 like an unknown path when no token is configured', async () => {
    const res = await off.request('GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` }, key: null })
    expect(res.status).toBe(404)
    expect((await res.json()).error.code).toBe('not_found')
  })

  it('refuses tenant credentials and wrong tokens with 401', async () => {
    for (const authorization of [undefined, `Bearer ${t.adminKey}`, `Bearer ${TOKEN}x`, TOKEN]) {
      const res = await t.request('GET', '/metrics', { key: null, headers: authorization ? { authorization } : {} })
      expect(res.status, String(authorization)).toBe(401)
      expect((await res.json()).error.code).toBe('unauthorized')
    }
  })

  it('reports queue depth, running jobs and the oldest wait per tenant, and process figures', async () => {
    const old = new Date(Date.now() - 90_000)
    await t.services.store.db.insert(queries).values([
      { id: 'qry_metrics0001', tenantId: t.tenantId, principalId: 'key_m', connectionId: 'conn_m', status: 'queued', async: true, createdAt: old },
      { id: 'qry_metrics0002', tenantId: t.tenantId, principalId: 'key_m', connectionId: 'conn_m', status: 'queued', async: true },
      { id: 'qry_metrics0003', tenantId: t.tenantId, principalId: 'key_m', connectionId: 'conn_m', status: 'running', async: true },
      { id: 'qry_metrics0004', tenantId: t.tenantId, principalId: 'key_m', connectionId: 'conn_m', status: 'succeeded', async: true },
    ])
    const res = await t.request('GET', '/metrics', { key: null, headers: { authorization: `Bearer ${TOKEN}` } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await res.text()
    expect(text).toContain(`nexatron_jobs_queued{tenant_id="${t.tenantId}"} 2\n`)
    expect(text).toContain(`nexatron_jobs_running{tenant_id="${t.tenantId}"} 1\n`)
    const age = Number(new RegExp(`nexatron_jobs_oldest_queued_seconds\\{tenant_id="${t.tenantId}"\\} ([0-9.]+)`).exec(text)?.[1])
    expect(age).toBeGreaterThanOrEqual(89)
    expect(text).toMatch(/# TYPE nexatron_process_resident_memory_bytes gauge\nnexatron_process_resident_memory_bytes [1-9]\d*\n/)
    expect(text).toMatch(/nexatron_event_loop_delay_p99_seconds [0-9.e-]+\n/)
  })
})
