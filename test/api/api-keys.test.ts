import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

let t: TestApp
beforeAll(async () => { t = await createTestApp() })
afterAll(async () => { await t?.close() })

describe('API keys', () => {
  it('creates a key that is shown once and then works as a credential', async () => {
    const res = await t.request('POST', '/api/v1/api-keys', { body: { name: 'bi', scopes: ['query:read'] } })
    expect(res.status).toBe(201)
    const created = await res.json()
    expect(created.key).toMatch(/^nxa_[A-Za-z0-9]{43}$/)
    expect(created.prefix).toBe(created.key.slice(0, 8))
    expect(created.last4).toBe(created.key.slice(-4))
    expect(created.scopes).toEqual(['query:read'])

    const list = await (await t.request('GET', '/api/v1/api-keys')).json()
    const listed = list.data.find((k: { id: string }) => k.id === created.id)
    expect(listed).toBeDefined()
    expect(JSON.stringify(list)).not.toContain(created.key)

    // The new key lacks keys:manage → 403, not 401: it authenticated.
    const forbidden = await t.request('GET', '/api/v1/api-keys', { key: created.key })
    expect(forbidden.status).toBe(403)
    expect((await forbidden.json()).error.code).toBe('forbidden')
  })

  it('stores only a SHA-256 hash of the key', async () => {
    const created = await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'hash-check', scopes: ['query:run'] } })).json()
    const { createHash } = await import('node:crypto')
    const { apiKeys } = await import('../../src/store/schema')
    const { eq } = await import('drizzle-orm')
    const [row] = await t.services.store.db.select().from(apiKeys).where(eq(apiKeys.id, created.id))
    expect(row.keyHash).toBe(createHash('sha256').update(created.key).digest('hex'))
    expect(JSON.stringify(row)).not.toContain(created.key)
  })

  it('refuses a revoked key on the very next request', async () => {
    const created = await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'temp', scopes: ['keys:manage'] } })).json()
    expect((await t.request('GET', '/api/v1/api-keys', { key: created.key })).status).toBe(200)
    expect((await t.request('DELETE', `/api/v1/api-keys/${created.id}`)).status).toBe(204)
    const after = await t.request('GET', '/api/v1/api-keys', { key: created.key })
    expect(after.status).toBe(401)
    expect((await after.json()).error.code).toBe('unauthorized')
    expect((await t.request('DELETE', `/api/v1/api-keys/${created.id}`)).status).toBe(404)
  })

  it('refuses an expired key', async () => {
    const { key } = await t.services.apiKeys.create(t.tenantId, { name: 'old', scopes: ['*'], expiresInDays: 1 })
    const { apiKeys } = await import('../../src/store/schema')
    const { eq } = await import('drizzle-orm')
    const { hashApiKey } = await import('../../src/identity/api-keys')
    await t.services.store.db.update(apiKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiKeys.keyHash, hashApiKey(key)))
    expect((await t.request('GET', '/api/v1/api-keys', { key })).status).toBe(401)
  })

  it('does not let a key grant scopes it does not hold', async () => {
    const limited = await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'limited', scopes: ['keys:manage', 'query:read'] } })).json()
    const res = await t.request('POST', '/api/v1/api-keys', { key: limited.key, body: { name: 'escalate', scopes: ['*'] } })
    expect(res.status).toBe(403)
    const ok = await t.request('POST', '/api/v1/api-keys', { key: limited.key, body: { name: 'fine', scopes: ['query:read'] } })
    expect(ok.status).toBe(201)
  })

  it('paginates with a cursor, newest first', async () => {
    for (let i = 0; i < 3; i++) await t.request('POST', '/api/v1/api-keys', { body: { name: `page-${i}`, scopes: ['query:read'] } })
    const first = await (await t.request('GET', '/api/v1/api-keys?limit=2')).json()
    expect(first.data).toHaveLength(2)
    expect(first.next_cursor).toBeTruthy()
    const second = await (await t.request('GET', `/api/v1/api-keys?limit=2&cursor=${first.next_cursor}`)).json()
    const ids = new Set([...first.data, ...second.data].map((k: { id: string }) => k.id))
    expect(ids.size).toBe(first.data.length + second.data.length)
    expect(first.data[0].created_at >= first.data[1].created_at).toBe(true)
  })

  it('returns 404 for a key of another tenant', async () => {
    const other = await t.newTenant('other-keys')
    const created = await (await t.request('POST', '/api/v1/api-keys', { key: other.adminKey, body: { name: 'theirs', scopes: ['query:read'] } })).json()
    expect((await t.request('DELETE', `/api/v1/api-keys/${created.id}`)).status).toBe(404)
    const mine = await (await t.request('GET', '/api/v1/api-keys?limit=100')).json()
    expect(mine.data.some((k: { id: string }) => k.id === created.id)).toBe(false)
  })

  it('names the field when the body is invalid', async () => {
    const res = await t.request('POST', '/api/v1/api-keys', { body: { name: '', scopes: ['nope'] } })
    expect(res.status).toBe(400)
    const body = await res.json()
    expect(body.error.code).toBe('validation_error')
    expect(body.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['name', 'scopes.0']))
    expect(body.error.request_id).toBe(res.headers.get('x-request-id'))
  })
})
