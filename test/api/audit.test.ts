import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { auditLog } from '../../src/store/schema'

const PASSWORD = 'audit password 12345'
let t: TestApp
let adminKeyId: string

type Entry = Record<string, string | null>
// The API's record, flattened for compact assertions (actor.id -> actor_id, resource.id -> target_id).
const flat = (e: Record<string, any>): Entry => ({
  ...e, actor_id: e.actor?.id ?? null, actor_type: e.actor?.type ?? null, actor_display: e.actor?.display ?? null,
  target_id: e.resource?.id ?? null, resource_type: e.resource?.type ?? null, created_at: e.occurred_at,
})
const audit = async (query = '', key?: string | null) => {
  const res = await t.request('GET', `/api/v1/audit-log${query ? `?${query}` : ''}`, { key })
  expect(res.status, await res.clone().text()).toBe(200)
  const body = await res.json()
  return { data: body.data.map(flat) as Entry[], next_cursor: body.next_cursor as string | null }
}
const latest = async (action: string) => (await audit(`action=${action}&limit=1`)).data[0]

beforeAll(async () => {
  t = await createTestApp({ NEXATRON_LOGIN_RATE_LIMIT_PER_15MIN: '1000' })
  adminKeyId = (await (await t.request('GET', '/api/v1/auth/me')).json()).id
})
afterAll(async () => { await t?.close() })

describe('recording', () => {
  it('records API key creation and revocation with actor, target, outcome and request id', async () => {
    const created = await t.request('POST', '/api/v1/api-keys', { body: { name: 'audited', scopes: ['query:read'] } })
    const key = await created.json()
    const requestId = created.headers.get('x-request-id')
    const e = await latest('api_key.create')
    expect(e).toMatchObject({ action: 'api_key.create', outcome: 'success', actor_id: adminKeyId, actor_type: 'api_key', target_id: key.id, request_id: requestId })
    expect((await t.request('DELETE', `/api/v1/api-keys/${key.id}`)).status).toBe(204)
    expect(await latest('api_key.revoke')).toMatchObject({ outcome: 'success', target_id: key.id })
  })

  it('records user create, update and delete, and a refused delete of the last admin as a failure', async () => {
    const u = await (await t.request('POST', '/api/v1/users', { body: { email: 'audit-u@example.com', password: PASSWORD, role: 'admin' } })).json()
    expect(await latest('user.create')).toMatchObject({ outcome: 'success', target_id: u.id })
    await t.request('PATCH', `/api/v1/users/${u.id}`, { body: { name: 'Renamed' } })
    expect(await latest('user.update')).toMatchObject({ outcome: 'success', target_id: u.id })
    // The only admin user: deleting it is refused (409) and recorded as a failure.
    expect((await t.request('DELETE', `/api/v1/users/${u.id}`)).status).toBe(409)
    expect(await latest('user.delete')).toMatchObject({ outcome: 'failure', target_id: u.id })
  })

  it('records a request refused for lack of scope as denied', async () => {
    const k = await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'weak', scopes: ['query:read'] } })).json()
    expect((await t.request('POST', '/api/v1/connections', { key: k.key, body: { name: 'x', type: 'pglite', config: { demo: true } } })).status).toBe(403)
    expect(await latest('connection.create')).toMatchObject({ outcome: 'denied', actor_id: k.id, target_id: null })
  })

  it('records login success and failure, logout, and refresh-token reuse', async () => {
    const u = await (await t.request('POST', '/api/v1/users', { body: { email: 'audit-login@example.com', password: PASSWORD, role: 'viewer' } })).json()
    const login = (password: string) => t.request('POST', '/api/v1/auth/login', { key: null, body: { email: 'Audit-Login@example.com', password } })
    expect((await login('wrong password 123')).status).toBe(401)
    expect(await latest('auth.login_failed')).toMatchObject({ outcome: 'failure', actor_id: null, target_id: u.id, resource_type: 'user' })
    const pair = await (await login(PASSWORD)).json()
    expect(await latest('auth.login')).toMatchObject({ outcome: 'success', actor_id: u.id, actor_type: 'user', actor_display: 'audit-login@example.com', target_id: u.id })

    const next = await (await t.request('POST', '/api/v1/auth/refresh', { key: null, body: { refresh_token: pair.refresh_token } })).json()
    expect(await latest('auth.refresh')).toMatchObject({ outcome: 'success', actor_id: u.id })
    expect((await audit('action=auth.refresh_reuse_detected')).data).toHaveLength(0)
    expect((await t.request('POST', '/api/v1/auth/refresh', { key: null, body: { refresh_token: pair.refresh_token } })).status).toBe(401)
    expect(await latest('auth.refresh_reuse_detected')).toMatchObject({ outcome: 'failure', target_id: u.id })

    const again = await (await login(PASSWORD)).json()
    expect((await t.request('POST', '/api/v1/auth/logout', { key: again.access_token })).status).toBe(204)
    expect(await latest('auth.logout')).toMatchObject({ outcome: 'success', actor_id: u.id })
    expect(next.access_token).toBeTruthy()
  })

  it('writes nothing for a login with an unknown email (no tenant to attribute it to)', async () => {
    const before = (await audit('action=auth.&limit=100')).data.length
    await t.request('POST', '/api/v1/auth/login', { key: null, body: { email: 'nobody@example.com', password: 'whatever 1234567' } })
    expect((await audit('action=auth.&limit=100')).data.length).toBe(before)
  })

  it('records connection, semantic and webhook secret changes', async () => {
    const conn = await (await t.request('POST', '/api/v1/connections', { body: { name: 'audited conn', type: 'pglite', config: { demo: true } } })).json()
    expect(await latest('connection.create')).toMatchObject({ outcome: 'success', target_id: conn.id })
    await t.request('PATCH', `/api/v1/connections/${conn.id}`, { body: { name: 'audited conn 2' } })
    expect(await latest('connection.update')).toMatchObject({ target_id: conn.id })
    await t.request('POST', '/api/v1/semantic/import', { body: { connection_id: conn.id, files: [{ path: 'e.yml', content: 'semantic_models: []\n' }], refresh_sample_values: false } })
    expect(await latest('semantic.import')).toMatchObject({ target_id: conn.id })
    await t.request('POST', '/api/v1/webhook-secret')
    expect(await latest('settings.webhook_secret.rotate')).toMatchObject({ outcome: 'success', target_id: t.tenantId, resource_type: 'tenant' })
    await t.request('DELETE', `/api/v1/connections/${conn.id}`)
    expect(await latest('connection.delete')).toMatchObject({ target_id: conn.id })
  })

  it('never stores a secret: no key, password, token or secret appears in the log', async () => {
    const key = (await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'secret check', scopes: ['query:read'] } })).json()).key
    const secret = (await (await t.request('POST', '/api/v1/webhook-secret')).json()).secret
    const scimToken = (await (await t.request('POST', '/api/v1/scim-token')).json()).token
    const rows = await t.services.store.db.select().from(auditLog)
    const dump = JSON.stringify(rows)
    expect(rows.length).toBeGreaterThan(10)
    for (const s of [key, secret, scimToken, PASSWORD, t.adminKey]) expect(dump).not.toContain(s)
  })

  it('does not record reads', async () => {
    const before = (await audit('limit=100')).data.length
    await t.request('GET', '/api/v1/users')
    await t.request('GET', '/api/v1/api-keys')
    expect((await audit('limit=100')).data.length).toBe(before)
  })
})

describe('GET /api/v1/audit-log', () => {
  it('pages newest first with a stable cursor', async () => {
    for (let i = 0; i < 5; i++) await t.request('POST', '/api/v1/api-keys', { body: { name: `page ${i}`, scopes: ['query:read'] } })
    const all = (await audit('limit=100')).data
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page = await audit(`limit=3${cursor ? `&cursor=${cursor}` : ''}`)
      expect(page.data.length).toBeLessThanOrEqual(3)
      seen.push(...page.data.map((e) => e.id!))
      cursor = page.next_cursor
    } while (cursor)
    expect(seen).toEqual(all.map((e) => e.id))
    const times = all.map((e) => e.created_at!)
    expect([...times].sort().reverse()).toEqual(times)
  })

  it('filters by action family, actor, outcome and time', async () => {
    const users = (await audit('action=user.*&limit=100')).data
    expect(users.length).toBeGreaterThan(0)
    expect(users.every((e) => e.action!.startsWith('user.'))).toBe(true)
    const denied = (await audit('outcome=denied&limit=100')).data
    expect(denied.length).toBeGreaterThan(0)
    expect(denied.every((e) => e.outcome === 'denied')).toBe(true)
    const mine = (await audit(`actor_id=${adminKeyId}&limit=100`)).data
    expect(mine.length).toBeGreaterThan(0)
    expect(mine.every((e) => e.actor_id === adminKeyId)).toBe(true)
    expect((await audit('since=2999-01-01T00:00:00Z')).data).toEqual([])
    expect((await audit('until=2000-01-01')).data).toEqual([])
    const newest = (await audit('limit=1')).data[0]
    expect((await audit(`since=${encodeURIComponent(newest.created_at!)}&limit=100`)).data.map((e) => e.id)).toContain(newest.id)
    expect((await audit(`until=${encodeURIComponent(newest.created_at!)}&limit=100`)).data.map((e) => e.id)).not.toContain(newest.id)
  })

  it.each([
    ['limit=0'], ['limit=101'], ['outcome=maybe'], ['since=yesterday'], ['since=2026-01-02&until=2026-01-01'], ['action=DROP%20TABLE'], ['cursor=not-a-cursor'],
  ])('answers 400 validation_error for %s', async (q) => {
    const res = await t.request('GET', `/api/v1/audit-log?${q}`)
    expect(res.status).toBe(400)
    expect((await res.json()).error.code).toBe('validation_error')
  })

  it('needs audit:read: 401 without a credential, 403 for a key without it and for a viewer', async () => {
    expect((await t.request('GET', '/api/v1/audit-log', { key: null })).status).toBe(401)
    const k = (await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'no audit', scopes: ['keys:manage', 'users:manage'] } })).json()).key
    expect((await t.request('GET', '/api/v1/audit-log', { key: k })).status).toBe(403)
    const pair = await (await t.request('POST', '/api/v1/auth/login', { key: null, body: { email: 'audit-login@example.com', password: PASSWORD } })).json()
    expect((await t.request('GET', '/api/v1/audit-log', { key: pair.access_token })).status).toBe(403)
    const reader = (await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'auditor', scopes: ['audit:read'] } })).json()).key
    expect((await t.request('GET', '/api/v1/audit-log', { key: reader })).status).toBe(200)
  })

  it("shows only the caller's tenant", async () => {
    const other = await t.newTenant('audit-other')
    const k = await (await t.request('POST', '/api/v1/api-keys', { key: other.adminKey, body: { name: 'other', scopes: ['query:read'] } })).json()
    const theirs = (await audit('limit=100', other.adminKey)).data
    expect(theirs.map((e) => e.target_id)).toEqual([k.id])
    const mine = (await audit('limit=100')).data
    expect(mine.map((e) => e.target_id)).not.toContain(k.id)
    expect((await audit(`actor_id=${adminKeyId}`, other.adminKey)).data).toEqual([])
  })

  it('records SCIM changes with the SCIM token as actor', async () => {
    const token = (await (await t.request('POST', '/api/v1/scim-token')).json()).token
    const res = await t.request('POST', '/scim/v2/Users', { key: token, body: { userName: 'audit-scim@example.com' }, headers: { 'content-type': 'application/scim+json' } })
    const u = await res.json()
    const e = await latest('scim.user.create')
    expect(e).toMatchObject({ outcome: 'success', actor_type: 'scim', target_id: u.id })
    const g = await (await t.request('POST', '/scim/v2/Groups', { key: token, body: { displayName: 'Audited analysts' }, headers: { 'content-type': 'application/scim+json' } })).json()
    expect(await latest('scim.group.create')).toMatchObject({ outcome: 'success', target_id: g.id, actor_id: e.actor_id })
    await t.request('PATCH', `/scim/v2/Groups/${g.id}`, {
      key: token, headers: { 'content-type': 'application/scim+json' },
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: [{ value: u.id }] }] },
    })
    expect(await latest('scim.group.update')).toMatchObject({ outcome: 'success', target_id: g.id, actor_id: e.actor_id })
  })
})
