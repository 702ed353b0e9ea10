// The audit log's hash chain: every record chained to its tenant's previous
// one, verified by GET /audit-log/verify; the store refuses UPDATE, DELETE and
// TRUNCATE; tampering by someone who bypasses the trigger (a superuser) is
// found at the right record; retention pruning leaves a checkpoint so the rest
// still verifies; concurrent writers (two instances on one PostgreSQL) never
// fork the chain. Run on PGlite and on a real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { randomBytes } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../support/test-app'
import { serviceAvailable, SERVICES } from '../support/services'
import { AuditService } from '../../src/audit/audit-service'
import { ambientDb } from '../../src/audit/ambient-tx'
import { buildServices } from '../../src/container'
import { loadConfig } from '../../src/config'
import { createLogger } from '../../src/logger'

const hasPg = await serviceAvailable('postgres')
const SECRET = randomBytes(32).toString('base64')

const verify = async (t: TestApp, key = t.adminKey) => {
  const res = await t.request('GET', '/api/v1/audit-log/verify', { key })
  expect(res.status, await res.clone().text()).toBe(200)
  return res.json()
}
const entries = async (t: TestApp, key = t.adminKey, q = 'limit=100') => (await (await t.request('GET', `/api/v1/audit-log?${q}`, { key })).json()).data as Array<Record<string, any>>
const makeKeys = async (t: TestApp, key: string, n: number) => {
  for (let i = 0; i < n; i++) expect((await t.request('POST', '/api/v1/api-keys', { key, body: { name: `k${i}`, scopes: ['query:read'] } })).status).toBe(201)
}

/** Runs statements as a superuser that bypasses triggers, as an attacker with database access would. */
type Tamper = (statement: string, params: unknown[]) => Promise<void>

function chainSuite(name: string, open: () => Promise<{ t: TestApp; tamper: Tamper; close?: () => Promise<void> }>) {
  describe(`audit chain on ${name}`, () => {
    let t: TestApp
    let tamper: Tamper
    let close: (() => Promise<void>) | undefined
    beforeAll(async () => { ({ t, tamper, close } = await open()) })
    afterAll(async () => { await t?.close(); await close?.() })

    it('chains every record to the previous one of its tenant and verifies', async () => {
      const other = await t.newTenant(`chain-ok-${randomBytes(3).toString('hex')}`)
      await makeKeys(t, other.adminKey, 4)
      const list = (await entries(t, other.adminKey)).reverse()
      expect(list.map((e) => e.seq)).toEqual([1, 2, 3, 4])
      for (let i = 1; i < list.length; i++) expect(list[i].prev_hash).toBe(list[i - 1].hash)
      expect(await verify(t, other.adminKey)).toEqual({ ok: true, checked: 4, first_break: null, unchained: 0 })
    })

    it('refuses UPDATE, DELETE and TRUNCATE of the audit log through the store', async () => {
      const db = t.services.store.db
      const refusal = (p: Promise<unknown>) => p.then(() => 'accepted', (e: Error & { cause?: Error }) => e.cause?.message ?? e.message)
      expect(await refusal(db.execute(sql`UPDATE audit_log SET outcome = 'success'`))).toMatch(/append-only: UPDATE refused/)
      expect(await refusal(db.execute(sql`DELETE FROM audit_log`))).toMatch(/append-only: DELETE refused/)
      expect(await refusal(db.execute(sql`TRUNCATE audit_log`))).toMatch(/append-only: TRUNCATE refused/)
      expect((await verify(t)).ok).toBe(true)
    })

    it('finds a changed record at exactly that record', async () => {
      const other = await t.newTenant(`chain-edit-${randomBytes(3).toString('hex')}`)
      await makeKeys(t, other.adminKey, 5)
      const third = (await entries(t, other.adminKey)).find((e) => e.seq === 3)!
      await tamper('UPDATE audit_log SET outcome = $1 WHERE id = $2', ['failure', third.id])
      expect(await verify(t, other.adminKey)).toMatchObject({ ok: false, checked: 2, first_break: { id: third.id, seq: 3, reason: 'hash_mismatch' } })
    })

    it('finds a removed record and a removed tail', async () => {
      const a = await t.newTenant(`chain-del-${randomBytes(3).toString('hex')}`)
      await makeKeys(t, a.adminKey, 4)
      const list = await entries(t, a.adminKey)
      await tamper('DELETE FROM audit_log WHERE id = $1', [list.find((e) => e.seq === 2)!.id])
      expect(await verify(t, a.adminKey)).toMatchObject({ ok: false, checked: 1, first_break: { seq: 3, reason: 'seq_gap' } })

      const b = await t.newTenant(`chain-tail-${randomBytes(3).toString('hex')}`)
      await makeKeys(t, b.adminKey, 3)
      await tamper('DELETE FROM audit_log WHERE tenant_id = $1 AND seq = 3', [b.tenantId])
      expect(await verify(t, b.adminKey)).toMatchObject({ ok: false, checked: 2, first_break: { id: null, seq: 3, reason: 'missing_records' } })
    })

    it('finds a record whose hash was recomputed to hide a change (the next link breaks)', async () => {
      const other = await t.newTenant(`chain-rehash-${randomBytes(3).toString('hex')}`)
      await makeKeys(t, other.adminKey, 3)
      const second = (await entries(t, other.adminKey)).find((e) => e.seq === 2)!
      await tamper('UPDATE audit_log SET hash = $1 WHERE id = $2', ['f'.repeat(64), second.id])
      expect((await verify(t, other.adminKey)).first_break).toMatchObject({ id: second.id, seq: 2, reason: 'hash_mismatch' })
    })

    it('prunes past the retention period, leaving a checkpoint from which the rest verifies', async () => {
      const other = await t.newTenant(`chain-prune-${randomBytes(3).toString('hex')}`)
      let now = new Date('2026-01-01T00:00:00Z')
      const audit = new AuditService(ambientDb(t.services.store.db), () => now)
      const write = () => audit.record({ tenantId: other.tenantId, actor: { type: 'system', id: null }, action: 'settings.update', outcome: 'success' })
      for (let i = 0; i < 3; i++) await write()
      now = new Date('2026-03-01T00:00:00Z')
      for (let i = 0; i < 2; i++) await write()
      now = new Date('2026-03-05T00:00:00Z')
      const pruned = await audit.prune(30)
      expect(pruned).toContainEqual({ tenantId: other.tenantId, pruned: 3 })
      const left = (await entries(t, other.adminKey)).sort((x, y) => x.seq - y.seq)
      expect(left.map((e) => e.seq)).toEqual([4, 5, 6])
      expect(left[2]).toMatchObject({ action: 'audit.retention_prune', actor: { type: 'system' }, details: { pruned_count: 3, pruned_through_seq: 3, retention_days: 30 } })
      expect(await verify(t, other.adminKey)).toMatchObject({ ok: true, checked: 3, first_break: null })
      // Forging the checkpoint's claim breaks the chain at the checkpoint.
      await tamper(`UPDATE audit_log SET details = jsonb_set(details, '{pruned_through_seq}', '2') WHERE id = $1`, [left[2].id])
      expect((await verify(t, other.adminKey)).ok).toBe(false)
    })

    it('exports NDJSON and CSV with the same records, oldest first, and records the export', async () => {
      const other = await t.newTenant(`chain-export-${randomBytes(3).toString('hex')}`)
      await makeKeys(t, other.adminKey, 3)
      const nd = await t.request('GET', '/api/v1/audit-log/export?format=ndjson&action=api_key.', { key: other.adminKey })
      expect(nd.status).toBe(200)
      expect(nd.headers.get('content-type')).toBe('application/x-ndjson')
      const lines = (await nd.text()).trim().split('\n').map((l) => JSON.parse(l))
      expect(lines.map((l) => l.action)).toEqual(['api_key.create', 'api_key.create', 'api_key.create'])
      expect(lines.map((l) => l.seq)).toEqual([1, 2, 3])
      const csv = await t.request('GET', '/api/v1/audit-log/export?format=csv', { key: other.adminKey })
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/)
      const rows = (await csv.text()).trim().split('\r\n')
      expect(rows[0]).toBe('id,seq,occurred_at,actor_type,actor_id,actor_display,action,resource_type,resource_id,outcome,ip,user_agent,request_id,details,prev_hash,hash')
      // 3 keys, the first export, and this export (recorded before it streams).
      expect(rows).toHaveLength(1 + 5)
      expect((await entries(t, other.adminKey, 'action=audit.export')).map((e) => e.details.format)).toEqual(['csv', 'ndjson'])
      expect((await t.request('GET', '/api/v1/audit-log/export?format=xml', { key: other.adminKey })).status).toBe(400)
    })
  })
}

chainSuite('PGlite', async () => {
  const t = await createTestApp()
  // PGlite runs as a superuser: replica mode skips the trigger, as an attacker's would.
  const tamper: Tamper = async (statement, params) => {
    const client = (t.services.store.db as unknown as { $client: { exec(s: string): Promise<unknown>; query(s: string, p: unknown[]): Promise<unknown> } }).$client
    await client.exec('SET session_replication_role = replica')
    try { await client.query(statement, params) } finally { await client.exec('SET session_replication_role = DEFAULT') }
  }
  return { t, tamper }
})

describe.skipIf(!hasPg)('audit chain on PostgreSQL', () => {
  const DB = `nexatron_audit_${randomBytes(4).toString('hex')}`
  const url = `postgres://postgres@${SERVICES.postgres.host}:${SERVICES.postgres.port}/${DB}`
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>, connectionString = SERVICES.postgres.url): Promise<T> => {
    const c = new pg.Client({ connectionString })
    await c.connect()
    try { return await fn(c) } finally { await c.end() }
  }
  beforeAll(async () => { await admin((c) => c.query(`CREATE DATABASE ${DB}`)) })
  afterAll(async () => { await admin((c) => c.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`)) })

  chainSuite('PostgreSQL', async () => {
    const t = await createTestApp({ DATABASE_URL: url, NEXATRON_SECRET_KEY: SECRET })
    const tamper: Tamper = (statement, params) => admin(async (c) => {
      await c.query('SET session_replication_role = replica')
      await c.query(statement, params)
    }, url)
    return { t, tamper }
  })

  it('never forks the chain when two instances write to one tenant at once', async () => {
    const config = loadConfig({ NEXATRON_DEMO: 'false', LOG_LEVEL: 'silent', DATABASE_URL: url, NEXATRON_SECRET_KEY: SECRET })
    // Two containers, two connection pools: two servers on one PostgreSQL.
    const a = await buildServices(config, { inMemory: true, logger: createLogger('silent') })
    const b = await buildServices(config, { inMemory: true, logger: createLogger('silent') })
    try {
      const tenant = await a.tenants.create(`forks-${randomBytes(3).toString('hex')}`)
      const write = (s: AuditService, i: number) => s.record({ tenantId: tenant.id, actor: { type: 'system', id: null }, action: 'settings.update', outcome: 'success', details: { status: i } })
      await Promise.all(Array.from({ length: 60 }, (_, i) => write(i % 2 ? a.audit : b.audit, i)))
      expect(await b.audit.verify(tenant.id)).toEqual({ ok: true, checked: 60, first_break: null, unchained: 0 })
    } finally {
      await b.dispose()
      await a.dispose()
    }
  })
})
