// Attack: make the tenant's audit chain fail verification from a read-only
// key. A record's strings are clipped to their columns (a path id to 128
// UTF-16 units) and then hashed as JavaScript holds them; the store keeps
// UTF-8. An id of 127 letters and an emoji was cut between the emoji's two
// surrogates, the lone half was stored as U+FFFD, the recomputed hash never
// matched again, and /audit-log/verify answered ok:false for good after one
// refused DELETE that any key can send. Clipping now ends on a whole
// character and a lone surrogate is stored and hashed as the same U+FFFD.
// (A lone surrogate or NUL in a JSON body or a path is refused with 400 by
// the body and URL guards before anything is recorded.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

describe('attack: a path id clipped through a surrogate pair, in the audit record of a refused request', () => {
  let t: TestApp
  let viewer: string
  beforeAll(async () => {
    t = await createTestApp()
    viewer = (await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'read only', scopes: ['query:read'] } })).json()).key
  }, 60_000)
  afterAll(async () => { await t?.close() })

  const verify = async () => (await t.request('GET', '/api/v1/audit-log/verify')).json()
  const latest = async (action: string) => (await (await t.request('GET', `/api/v1/audit-log?action=${action}&limit=1`)).json()).data[0]

  it('keeps the chain verifiable when a path id is clipped through a surrogate pair', async () => {
    const id = 'a'.repeat(127) + '\u{1F600}'
    const res = await t.request('DELETE', `/api/v1/connections/${encodeURIComponent(id)}`, { key: viewer })
    expect(res.status).toBe(403)
    const entry = await latest('connection.delete')
    expect(entry.outcome).toBe('denied')
    // clipped before the emoji, not through it
    expect(entry.resource.id).toBe('a'.repeat(127))
    expect(await verify()).toMatchObject({ ok: true, first_break: null })
  })
})
