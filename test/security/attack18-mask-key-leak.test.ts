// Attack: read the tenant's hash-mask key instead of guessing around it. The
// key lives on the restricted view's dimensions (mask_key), and the listings
// of GET /semantic/models show a caller each model "as its policies let it":
// the restricted model itself, dimensions and all. An analyst the mask applies
// to read the key there and could hash guessed store names again, undoing the
// keyed digest (attack17-hash-mask-dictionary).
import { createHash, createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import type { AccessPolicy } from '../../semantic/access'

let t: TestApp
let analyst: string
let key: string
const MASK: AccessPolicy = { name: 'store_names_hashed', model: 'stores', mask: [{ dimension: 'store_name', method: 'hash' }], bypass_roles: ['admin'] }

beforeAll(async () => {
  t = await createTestApp({}, { demo: true })
  const put = await t.request('PUT', '/api/v1/semantic/access-policies', { body: { policies: [MASK] } })
  expect(put.status, await put.clone().text()).toBe(200)
  analyst = (await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'analyst', scopes: ['query:run', 'query:read', 'semantic:read'] } })).json()).key
  key = t.services.secretBox.deriveKey(`nexatron-mask-v1:${t.tenantId}`).toString('hex')
}, 120_000)
afterAll(async () => { await t?.close() })

describe('attack: reading the hash-mask key from the layer listings', () => {
  it('shows the masked model without its mask key, in the listing and by id', async () => {
    const list = await t.request('GET', '/api/v1/semantic/models?limit=100', { key: analyst })
    expect(list.status, await list.clone().text()).toBe(200)
    const text = await list.text()
    const stores = JSON.parse(text).data.find((m: { name: string }) => m.name === 'stores')
    expect(stores).toBeDefined()
    // the policy still shapes the model: the masked dimension is listed
    expect(stores.dimensions.map((d: { name: string }) => d.name)).toContain('store_name')
    const one = await (await t.request('GET', `/api/v1/semantic/models/${stores.id}`, { key: analyst })).text()
    for (const s of [text, one]) {
      expect(s).not.toContain(key)
      expect(s).not.toContain('mask_key')
    }
  })

  it('leaves no key-shaped text in the other member listings either', async () => {
    for (const path of ['/api/v1/semantic/dimensions?limit=100', '/api/v1/semantic/metrics?limit=100', '/api/v1/semantic/saved-queries?limit=100']) {
      const res = await t.request('GET', path, { key: analyst })
      expect(res.status, path).toBe(200)
      expect(await res.text(), path).not.toContain(key)
    }
  })

  it('keeps the digests unrecomputable for a caller who read the listings', async () => {
    // With the key an analyst could compute SHA-256(key || name) for guesses; without it, neither form matches.
    const res = await t.request('POST', '/api/v1/semantic/query', { key: analyst, body: { metrics: ['total_sales'], group_by: ['store__store_name'] } })
    expect(res.status).toBe(200)
    const hashed: string[] = (await res.json()).data.map((r: { store__store_name: string }) => r.store__store_name)
    const names: string[] = (await (await t.request('POST', '/api/v1/semantic/query', { body: { metrics: ['total_sales'], group_by: ['store__store_name'] } })).json()).data.map((r: { store__store_name: string }) => r.store__store_name)
    for (const n of names) {
      expect(hashed).not.toContain(createHash('sha256').update(n).digest('hex'))
      expect(hashed).not.toContain(createHmac('sha256', key).update(n).digest('hex'))
    }
  })
})
