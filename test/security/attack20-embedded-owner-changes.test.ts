// Red-team pass 20: on the embedded store (one process, PGlite) an instance
// keeps checked keys with their owner's role, state, attributes and groups
// (src/identity/api-keys.ts), dropped at the notice the write sends. Every way
// an admin changes a key's owner through the public API must hold at the very
// next request: a demotion, new attributes, a group taken away, a disabling,
// a deletion; and a key revoked inside a transaction that rolls back stays.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../support/test-app'
import { ApiKeyService } from '../../src/identity/api-keys'

describe('a kept user key after its owner changes, on the embedded store', () => {
  let t: TestApp
  beforeAll(async () => { t = await createTestApp() }, 60_000)
  afterAll(async () => { await t?.close() })

  async function userWithKey(role: 'admin' | 'analyst') {
    const made = await t.request('POST', '/api/v1/users', { body: { email: `u${Math.random().toString(36).slice(2)}@x.test`, password: 'a-long-enough-password-1', role } })
    expect(made.status).toBe(201)
    const userId = (await made.json()).id as string
    const { key, view } = await t.services.apiKeys.create(t.tenantId, { name: 'mine', scopes: ['*'], ownerType: 'user', ownerUserId: userId })
    // Twice: the second is answered from what the instance kept.
    for (let i = 0; i < 2; i++) expect((await t.request('GET', '/api/v1/users', { key })).status).toBe(200)
    return { userId, key, keyId: view.id }
  }

  it('takes an admin\'s rights from their key at the request after the demotion', async () => {
    const { userId, key } = await userWithKey('admin')
    // Another admin, so this one is not the last (which may not be demoted).
    await userWithKey('admin')
    expect((await t.request('PATCH', `/api/v1/users/${userId}`, { body: { role: 'analyst' } })).status).toBe(200)
    expect((await t.request('GET', '/api/v1/users', { key })).status).toBe(403)
    expect((await t.request('GET', '/api/v1/connections', { key })).status).toBe(200)
  })

  it('refuses the key at the request after its owner is disabled, and after its owner is deleted', async () => {
    const a = await userWithKey('admin')
    expect((await t.request('PATCH', `/api/v1/users/${a.userId}`, { body: { disabled: true } })).status).toBe(200)
    expect((await t.request('GET', '/api/v1/connections', { key: a.key })).status).toBe(401)
    const b = await userWithKey('admin')
    expect((await t.request('DELETE', `/api/v1/users/${b.userId}`)).status).toBe(204)
    expect((await t.request('GET', '/api/v1/connections', { key: b.key })).status).toBe(401)
  })

  it('gives the key its owner\'s new attributes and groups at the next request', async () => {
    const { userId, key } = await userWithKey('admin')
    expect((await t.request('PATCH', `/api/v1/users/${userId}`, { body: { attributes: { region: 'west' } } })).status).toBe(200)
    expect((await t.services.auth.authenticate(key))?.attributes).toEqual({ region: 'west' })
    const g = await t.request('POST', '/api/v1/groups', { body: { display_name: `g-${userId}`, attributes: { region: 'east' } } })
    expect(g.status).toBe(201)
    const groupId = (await g.json()).id as string
    expect((await t.request('PUT', `/api/v1/groups/${groupId}/members`, { body: { user_ids: [userId] } })).status).toBeLessThan(300)
    expect((await t.services.auth.authenticate(key))?.groups).toEqual([`g-${userId}`])
    expect((await t.request('DELETE', `/api/v1/groups/${groupId}`)).status).toBe(204)
    expect((await t.services.auth.authenticate(key))?.groups).toBeUndefined()
  })

  it('keeps serving a key whose revocation rolled back, and refuses it once a transaction commits one', async () => {
    const { key, keyId } = await userWithKey('admin')
    const store = t.services.store.db
    await store.transaction(async (tx) => {
      await tx.execute(sql`UPDATE api_keys SET revoked_at = now() WHERE id = ${keyId}`)
      tx.rollback()
    }).catch(() => {})
    expect((await t.request('GET', '/api/v1/users', { key })).status).toBe(200)
    await store.transaction(async (tx) => { await tx.execute(sql`UPDATE api_keys SET revoked_at = now() WHERE id = ${keyId}`) })
    expect((await t.request('GET', '/api/v1/users', { key })).status).toBe(401)
  })

  it('refuses a kept key from the moment it expires, with no write to announce it', async () => {
    let now = new Date()
    const keys = new ApiKeyService(t.services.store.db, () => now, undefined, { changes: t.services.store.changes })
    const { key } = await keys.create(t.tenantId, { name: 'short', scopes: ['query:read'], expiresInDays: 1 })
    for (let i = 0; i < 2; i++) expect(await keys.authenticate(key)).not.toBeNull()
    now = new Date(now.getTime() + 86_400_000 + 1)
    expect(await keys.authenticate(key)).toBeNull()
  })
})
