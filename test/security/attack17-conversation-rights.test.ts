// Attack: keep a conversation going on the rights it started with. A key asks
// a question under a row policy, an admin then moves the key to another region
// (or revokes it), and the key follows up in the same conversation,
// as JSON and as a stream; another key of the tenant tries to continue it.
// Checked safe, pinned here: a follow-up is planned from the conversation's
// earlier turns but compiled and run under the rules the key is under now
// (src/query/query-runner.ts reads the view per run), the earlier answer is
// withheld from history, and a conversation is its owner's alone (404).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

let t: TestApp & { demoConnectionId?: string }
let conn: string
let regions: string[]
beforeAll(async () => {
  t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000', NEXATRON_TENANT_RATE_LIMIT_PER_HOUR: '1000000' }, { demo: true })
  conn = t.demoConnectionId!
  const all = await (await t.request('POST', '/api/v1/semantic/query', { body: { connection_id: conn, metrics: ['total_sales'], group_by: ['store__region'] } })).json()
  regions = all.data.map((r: { store__region: string }) => r.store__region).filter(Boolean)
  const put = await t.request('PUT', '/api/v1/semantic/access-policies', {
    body: { connection_id: conn, policies: [{ name: 'regions', model: 'stores', row_filter: "{{ Dimension('store__region') }} IN {{ Attribute('region') }}", bypass_roles: ['admin'] }] },
  })
  expect(put.status).toBe(200)
})
afterAll(async () => { await t?.close() })

const newKey = async (region: string) => (await (await t.request('POST', '/api/v1/api-keys', {
  body: { name: 'analyst', scopes: ['query:run', 'query:read', 'semantic:read'], attributes: { region: [region] } },
})).json()) as { key: string; id: string }

const ask = (key: string, body: Record<string, unknown>, path = '/api/v1/query') => t.request('POST', path, { key, body: { connection_id: conn, ...body } })
const regionsOf = (body: { data: Array<{ store__region?: string }> }) => [...new Set(body.data.map((r) => r.store__region))]

describe('attack: a conversation continued after the asker\'s rights changed', () => {
  it('runs a follow-up, as JSON and as a stream, under the region the key holds now, and withholds the earlier answer', async () => {
    expect(regions.length).toBeGreaterThan(1)
    const [first, second] = regions
    const k = await newKey(first)
    const opening = await (await ask(k.key, { question: 'total sales by region' })).json()
    expect(regionsOf(opening)).toEqual([first])
    expect((await t.request('PATCH', `/api/v1/api-keys/${k.id}`, { body: { attributes: { region: [second] } } })).status).toBe(200)

    const follow = await ask(k.key, { question: 'and by state', conversation_id: opening.conversation_id })
    const body = await follow.json()
    expect(follow.status).toBe(200)
    expect(body.conversation_id).toBe(opening.conversation_id)
    expect(body.plan.query.group_by).toContain('store__region')
    expect(regionsOf(body)).toEqual([second])

    const streamed = await (await ask(k.key, { question: 'by region', conversation_id: opening.conversation_id }, '/api/v1/query/stream')).text()
    expect(streamed).toContain(second)
    expect(streamed).not.toContain(`"${first}"`)

    const earlier = await (await t.request('GET', `/api/v1/query/${opening.id}`, { key: k.key })).json()
    expect(earlier.data).toBeNull()
    expect(earlier.withheld?.reason).toBe('access_changed')
  })

  it('refuses another key\'s follow-up, with a question or a plan (404), and the owner\'s once its key is revoked (401)', async () => {
    const owner = await newKey(regions[0])
    const other = await newKey(regions[0])
    const opening = await (await ask(owner.key, { question: 'total sales by region' })).json()
    for (const body of [{ question: 'by state' }, { plan: { metrics: ['total_sales'], group_by: ['store__region'] } }]) {
      const res = await ask(other.key, { ...body, conversation_id: opening.conversation_id })
      expect(res.status).toBe(404)
      expect((await res.json()).error.code).toBe('not_found')
    }
    const history = await (await t.request('GET', `/api/v1/query/history?conversation_id=${opening.conversation_id}`, { key: owner.key })).json()
    expect(history.data).toHaveLength(1)
    expect((await t.request('DELETE', `/api/v1/api-keys/${owner.id}`)).status).toBe(204)
    expect((await ask(owner.key, { question: 'by state', conversation_id: opening.conversation_id })).status).toBe(401)
  })
})
