// Attack: unmask a hashed column by hashing guesses. A `hash` mask answered
// SHA-256 of the value's text, which anyone can compute: a masked store name,
// email or id is undone by hashing the candidates (a list of store names, the
// company's email pattern) and comparing. The digest is now keyed with a
// secret of the tenant, written into the SQL that runs and hidden wherever SQL
// is shown: `sql`, `params`, `sql_inline`, the history record, the event
// stream's `sql` event, an admin's preview. Masked values still group and count as before.
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import type { AccessPolicy } from '../../semantic/access'

let t: TestApp
let analyst: string
const MASK: AccessPolicy = { name: 'store_names_hashed', model: 'stores', mask: [{ dimension: 'store_name', method: 'hash' }], bypass_roles: ['admin'] }
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')
const byStore = (key: string) => t.request('POST', '/api/v1/semantic/query', { key, body: { metrics: ['total_sales'], group_by: ['store__store_name'], order_by: ['store__store_name'] } })

beforeAll(async () => {
  t = await createTestApp({}, { demo: true })
  const put = await t.request('PUT', '/api/v1/semantic/access-policies', { body: { policies: [MASK] } })
  expect(put.status, await put.clone().text()).toBe(200)
  analyst = (await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'analyst', scopes: ['query:run', 'query:read'] } })).json()).key
}, 120_000)
afterAll(async () => { await t?.close() })

describe('attack: hashing guesses to unmask a hashed column', () => {
  it('matches no hashed store name by the SHA-256 of the real names, while still telling the stores apart', async () => {
    const names: string[] = (await (await byStore(t.adminKey)).json()).data.map((r: { store__store_name: string }) => r.store__store_name)
    expect(names.length).toBeGreaterThan(2)
    const res = await byStore(analyst)
    expect(res.status, await res.clone().text()).toBe(200)
    const hashed: string[] = (await res.json()).data.map((r: { store__store_name: string }) => r.store__store_name)
    expect(new Set(hashed).size).toBe(names.length)
    for (const h of hashed) expect(h).toMatch(/^[0-9a-f]{64}$/)
    for (const n of names) expect(hashed).not.toContain(sha256(n))
  })

  it('shows the key nowhere: sql, params, sql_inline, the history record, the stream\'s sql event, an admin\'s preview', async () => {
    const res = await t.request('POST', '/api/v1/query', { key: analyst, body: { question: 'total sales by store name' } })
    expect(res.status, await res.clone().text()).toBe(200)
    const body = await res.json()
    const stream = await (await t.request('POST', '/api/v1/query/stream', { key: analyst, body: { question: 'total sales by store name' } })).text()
    const preview = await (await t.request('POST', '/api/v1/semantic/access/preview', { body: { principal: { role: 'analyst' }, query: { metrics: ['total_sales'], group_by: ['store__store_name'] } } })).json()
    expect(preview.sql).toMatch(/SHA256/i)
    // the key is a long hex string: no shown text may hold one, other than result digests
    const recorded = await (await t.request('GET', `/api/v1/query/${body.id}`, { key: analyst })).json()
    expect(recorded.sql).toContain('<mask key>')
    const shown = [body.sql, JSON.stringify(body.params), body.sql_inline, JSON.stringify(recorded), stream.split('\n').filter((l: string) => !l.includes('"rows"') && !l.startsWith('data: [')).join('\n'), JSON.stringify(preview)]
    const key = t.services.secretBox.deriveKey(`nexatron-mask-v1:${t.tenantId}`).toString('hex')
    for (const s of shown) expect(s).not.toContain(key)
    expect(body.sql).toContain('<mask key>')
  })
})
