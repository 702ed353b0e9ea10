// Listings of the semantic layer are read page by page from the store. On a
// governed layer hidden members are dropped after the read: the pages around
// them must still be full, and the last visible row must end the listing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

const NOW = new Date('2026-11-23T12:00:00Z')
// city and region sort next to each other (stores\0city, stores\0region): a
// whole store batch of a one-row page is hidden. units_sold is the last metric.
const HIDDEN_DIMENSIONS = ['city', 'region']
const HIDDEN_METRIC = 'units_sold'

let t: TestApp
let viewer: string

interface Page { data: Array<{ name: string; semantic_model?: string }>; next_cursor: string | null }

async function pages(path: string, limit: number, key?: string): Promise<Page[]> {
  const out: Page[] = []
  let cursor: string | null = null
  do {
    const res = await t.request('GET', `${path}?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, key ? { key } : {})
    expect(res.status).toBe(200)
    const page: Page = await res.json()
    out.push(page)
    cursor = page.next_cursor
  } while (cursor && out.length < 100)
  return out
}

const names = (ps: Page[]) => ps.flatMap((p) => p.data.map((d) => (d.semantic_model ? `${d.semantic_model}.${d.name}` : d.name)))

beforeAll(async () => {
  t = await createTestApp({}, { demo: true, now: () => NOW })
  const put = await t.request('PUT', '/api/v1/semantic/access-policies', { body: { policies: [
    { name: 'hide_some', model: 'stores', bypass_roles: ['admin'], member_access: { hide: [...HIDDEN_DIMENSIONS, HIDDEN_METRIC] } },
  ] } })
  expect(put.status).toBe(200)
  const key = await t.request('POST', '/api/v1/api-keys', { body: { name: 'reader', scopes: ['semantic:read'] } })
  expect(key.status).toBe(201)
  viewer = (await key.json()).key
})
afterAll(async () => { await t?.close() })

describe('semantic listings paged in the store', () => {
  it('pages dimensions by model then name without the hidden ones, every page full but the last', async () => {
    const all = names(await pages('/api/v1/semantic/dimensions', 100))
    expect(all).toEqual([...all].sort())
    expect(all).toEqual(expect.arrayContaining(HIDDEN_DIMENSIONS.map((d) => `stores.${d}`)))
    for (const limit of [1, 2, 3]) {
      const seen = await pages('/api/v1/semantic/dimensions', limit, viewer)
      expect(names(seen)).toEqual(all.filter((n) => !HIDDEN_DIMENSIONS.map((d) => `stores.${d}`).includes(n)))
      expect(seen.length).toBeGreaterThan(1)
      for (const p of seen.slice(0, -1)) expect(p.data).toHaveLength(limit)
      expect(seen.at(-1)!.data.length).toBeGreaterThan(0)
    }
  })

  it('ends the metric listing on the last visible metric when the last one is hidden', async () => {
    const all = names(await pages('/api/v1/semantic/metrics', 100))
    expect(all.at(-1)).toBe(HIDDEN_METRIC)
    const visible = all.slice(0, -1)
    expect(visible.length % 2).toBe(0)
    const seen = await pages('/api/v1/semantic/metrics', 2, viewer)
    expect(names(seen)).toEqual(visible)
    expect(seen).toHaveLength(visible.length / 2)
    expect(seen.at(-1)!.next_cursor).toBeNull()
  })

  it('pages models by name with their hidden dimensions left out of each', async () => {
    const seen = await pages('/api/v1/semantic/models', 2, viewer)
    const all = names(await pages('/api/v1/semantic/models', 100))
    expect(names(seen)).toEqual(all)
    expect(seen.length).toBeGreaterThan(1)
    const stores = seen.flatMap((p) => p.data).find((m) => m.name === 'stores') as unknown as { dimensions: Array<{ name: string }> }
    expect(stores.dimensions.map((d) => d.name).sort()).toEqual(['state', 'store_name'])
    const asAdmin = (await pages('/api/v1/semantic/models', 100))[0].data.find((m) => m.name === 'stores') as unknown as { dimensions: Array<{ name: string }> }
    expect(asAdmin.dimensions.map((d) => d.name)).toEqual(expect.arrayContaining(HIDDEN_DIMENSIONS))
  })

  it('refuses a cursor that is not one of its own with 400 naming the field', async () => {
    const res = await t.request('GET', '/api/v1/semantic/dimensions?cursor=bm90LWEtY3Vyc29y', { key: viewer })
    expect(res.status).toBe(400)
    expect((await res.json()).error.details[0].path).toBe('cursor')
  })
})
