// The audit chain stays one unbroken chain when several instances append to it
// at once: each instance chains after the head it last wrote in one statement
// (a compare-and-set on the head), and falls back to the locked path whenever
// another writer got there first or its own transaction rolled back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { openStore, type Store } from '../../src/store/db'
import { tenants } from '../../src/store/schema'
import { AuditService } from '../../src/audit/audit-service'
import { ambientDb, withAmbientTransaction } from '../../src/audit/ambient-tx'
import { serviceAvailable } from '../support/services'
import { scratchDatabase } from '../support/scratch-database'

const hasPg = await serviceAvailable('postgres')
const db = scratchDatabase('nexatron_audit')

describe.skipIf(!hasPg)('audit chain written by two instances on one PostgreSQL', () => {
  let one: Store
  let two: Store
  beforeAll(async () => {
    await db.create()
    one = await openStore({ databaseUrl: db.url })
    two = await openStore({ databaseUrl: db.url })
  }, 60_000)
  afterAll(async () => {
    await one?.close()
    await two?.close()
    await db.drop()
  })

  const event = (tenantId: string, i: number) => ({
    tenantId, actor: { type: 'api_key' as const, id: 'key_test', display: 'bench' }, action: 'query.run' as const, outcome: 'success' as const,
    resource: { type: 'query', id: `qry_${i}` }, details: { status: 200, rows: i },
  })

  it('keeps one gapless, verifiable chain when both append concurrently', async () => {
    const tenantId = `ten_${randomBytes(4).toString('hex')}`
    await one.db.insert(tenants).values({ id: tenantId, name: tenantId })
    // As the container builds it: statements join a request's ambient transaction.
    const a = new AuditService(ambientDb(one.db))
    const b = new AuditService(ambientDb(two.db))
    // A first record each, so both know a head and take the one-statement path from then on.
    await a.record(event(tenantId, 0))
    await b.record(event(tenantId, 1))
    for (let wave = 0; wave < 10; wave++) {
      await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? b : a).record(event(tenantId, 2 + wave * 8 + i))))
    }
    const result = await a.verify(tenantId)
    expect(result).toMatchObject({ ok: true, checked: 82, first_break: null })
    const { rows } = await one.db.execute<{ seq: string }>(`SELECT seq FROM audit_log WHERE tenant_id = '${tenantId}' ORDER BY seq` as never) as unknown as { rows: Array<{ seq: string }> }
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 82 }, (_, i) => i + 1))
  })

  it('chains after the real head when a mutation that wrote a record rolled back', async () => {
    const tenantId = `ten_${randomBytes(4).toString('hex')}`
    await one.db.insert(tenants).values({ id: tenantId, name: tenantId })
    const db = ambientDb(one.db)
    const a = new AuditService(db)
    await a.record(event(tenantId, 0))
    await expect(withAmbientTransaction(one.db, async () => {
      await a.record(event(tenantId, 1))
      throw new Error('the mutation failed')
    })).rejects.toThrow('the mutation failed')
    await a.record(event(tenantId, 2))
    await a.record(event(tenantId, 3))
    expect(await a.verify(tenantId)).toMatchObject({ ok: true, checked: 3, first_break: null })
  })
})
