// Attack: read back answers withheld since the reader's access narrowed, by
// deleting the connection they ran on. Stored answers are withheld once the
// rules a governed viewer is under change (governance/stale-answers.ts), but a
// deleted connection was taken for one no policy governs: a key with
// connections:write whose regions an admin had narrowed deleted the connection
// and read its wider rows again (and any deletion, an admin's re-creating a
// connection included, showed every governed user what had been withheld).
// Now an answer computed under policies stays withheld from anyone but an admin
// once its connection is gone, since nothing can say the viewer may read it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

const POLICY = { name: 'regions', model: 'stores', row_filter: "{{ Dimension('store__region') }} IN {{ Attribute('region') }}", bypass_roles: ['admin'] }

let t: TestApp & { demoConnectionId?: string }
beforeAll(async () => {
  t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000' }, { demo: true })
  expect((await t.request('PUT', '/api/v1/semantic/access-policies', { body: { policies: [POLICY] } })).status).toBe(200)
})
afterAll(async () => { await t?.close() })

const regionsOf = (body: { data?: Array<Record<string, unknown>> | null }) => (body.data ?? []).map((r) => r.store__region).sort()

describe('attack: deleting the connection to read withheld answers again', () => {
  it('keeps an answer withheld after its connection is deleted by the narrowed key itself, and still shows it to an admin', async () => {
    const made = await t.request('POST', '/api/v1/api-keys', { body: { name: 'ops', scopes: ['query:run', 'query:read', 'connections:read', 'connections:write'], attributes: { region: ['West', 'South'] } } })
    const k = (await made.json()) as { id: string; key: string }
    const asked = await t.request('POST', '/api/v1/query', { key: k.key, body: { connection_id: t.demoConnectionId, question: 'total sales by region' } })
    expect(asked.status).toBe(200)
    const answer = await asked.json()
    expect(regionsOf(answer)).toEqual(['South', 'West'])
    const own = await t.request('POST', '/api/v1/query', { body: { connection_id: t.demoConnectionId, question: 'total sales by region' } })
    const adminAnswer = await own.json()

    expect((await t.request('PATCH', `/api/v1/api-keys/${k.id}`, { body: { attributes: { region: ['West'] } } })).status).toBe(200)
    const withheld = await (await t.request('GET', `/api/v1/query/${answer.id}`, { key: k.key })).json()
    expect(withheld.withheld?.reason).toBe('access_changed')

    expect((await t.request('DELETE', `/api/v1/connections/${t.demoConnectionId}`, { key: k.key })).status).toBe(204)
    const after = await (await t.request('GET', `/api/v1/query/${answer.id}`, { key: k.key })).json()
    expect(after.withheld?.reason).toBe('access_changed')
    expect(after.data).toBeNull()
    expect(after.summary).toBeNull()
    const listed = (await (await t.request('GET', '/api/v1/query/history?limit=10', { key: k.key })).json()).data.find((r: { id: string }) => r.id === answer.id)
    expect(listed.withheld?.reason).toBe('access_changed')
    expect(listed.summary).toBeNull()

    // an admin (who decides the policies) still sees what ran, theirs and the key's
    expect(regionsOf(await (await t.request('GET', `/api/v1/query/${answer.id}`)).json())).toEqual(['South', 'West'])
    expect((await (await t.request('GET', `/api/v1/query/${adminAnswer.id}`)).json()).withheld).toBeNull()
  })
})
