// Red-team pass 20: a kept key must never be a read that saw uncommitted
// data (src/store/read-through-cache.ts reads the store inside a request's
// transaction). A mutating request's transaction opens lazily, at its first
// write (src/audit/ambient-tx.ts); a read issued while that BEGIN is still on
// its way is queued into the transaction, behind the write, and sees it. If
// the cache asked only whether a transaction is open, such a read was kept,
// and a write that then rolled back (no notice: nothing committed) went on
// being served from memory, to every request, until the entry aged out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../support/test-app'
import { ambientDb, withAmbientTransaction } from '../../src/audit/ambient-tx'
import { apiKeys } from '../../src/store/schema'

describe('a key read while a request\'s transaction is opening', () => {
  let t: TestApp
  beforeAll(async () => { t = await createTestApp() }, 60_000)
  afterAll(async () => { await t?.close() })

  it('is not kept when the write it saw rolls back', async () => {
    expect(t.services.store.changes.live).toBe(true)
    const { key, view } = await t.services.apiKeys.create(t.tenantId, { name: 'k', scopes: ['query:read'] })
    // Not read since it was made (its insert's notice emptied the cache): the read below is a miss, and may be kept.
    const db = ambientDb(t.services.store.db)
    const rollback = new Error('rolled back')
    await expect(withAmbientTransaction(t.services.store.db, async () => {
      // The first write opens the transaction; the read is asked for before it has opened.
      const write = db.update(apiKeys).set({ scopes: ['*'] }).where(eq(apiKeys.id, view.id)).execute()
      const seen = t.services.auth.authenticate(key)
      await Promise.all([write, seen])
      throw rollback
    })).rejects.toBe(rollback)
    // Nothing was committed: the key is what the store says it is.
    expect((await t.services.auth.authenticate(key))?.scopes).toEqual(['query:read'])
    expect((await t.request('DELETE', `/api/v1/connections/con_nothing`, { key })).status).toBe(403)
  })
})
