import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

let t: TestApp
const PASSWORD = 'correct horse battery staple'
beforeAll(async () => {
  t = await createTestApp({ NEXATRON_LOGIN_RATE_LIMIT_PER_15MIN: '1000' })
  for (const [email, role] of [['admin@example.com', 'admin'], ['analyst@example.com', 'analyst'], ['viewer@example.com', 'viewer']]) {
    const res = await t.request('POST', '/api/v1/users', { body: { email, password: PASSWORD, role } })
    expect(res.status).toBe(201)
  }
})
afterAll(async () => { await t?.close() })

const login = async (email: string, password = PASSWORD) => t.request('POST', '/api/v1/auth/login', { key: null, body: { email, password } })

describe('login, refresh, logout', () => {
  it('logs in and the access token authenticates as the user', async () => {
    const res = await login('analyst@example.com')
    expect(res.status).toBe(200)
    const pair = await res.json()
    expect(pair.token_type).toBe('Bearer')
    expect(pair.expires_in).toBe(900)
    expect(pair.refresh_token).toMatch(/^nxr_/)
    const me = await (await t.request('GET', '/api/v1/auth/me', { key: pair.access_token })).json()
    expect(me.kind).toBe('user')
    expect(me.role).toBe('analyst')
    expect(me.user.email).toBe('analyst@example.com')
    expect(me.scopes).toEqual(expect.arrayContaining(['query:run', 'query:read']))
    expect(me.tenant.id).toBe(t.tenantId)
  })

  it('gives the same answer for a wrong password and an unknown email', async () => {
    const a = await login('analyst@example.com', 'wrong password!!')
    const b = await login('nobody@example.com', 'wrong password!!')
    expect(a.status).toBe(401)
    expect(b.status).toBe(401)
    expect((await a.json()).error.message).toBe((await b.json()).error.message)
  })

  it('rotates refresh tokens and revokes the family when a spent one is reused', async () => {
    const first = await (await login('viewer@example.com')).json()
    const second = await (await t.request('POST', '/api/v1/auth/refresh', { key: null, body: { refresh_token: first.refresh_token } })).json()
    expect(second.refresh_token).not.toBe(first.refresh_token)
    expect((await t.request('GET', '/api/v1/auth/me', { key: second.access_token })).status).toBe(200)
    // Reuse of the spent token: refused, and the whole family dies.
    const reuse = await t.request('POST', '/api/v1/auth/refresh', { key: null, body: { refresh_token: first.refresh_token } })
    expect(reuse.status).toBe(401)
    expect((await t.request('GET', '/api/v1/auth/me', { key: second.access_token })).status).toBe(401)
    expect((await t.request('POST', '/api/v1/auth/refresh', { key: null, body: { refresh_token: second.refresh_token } })).status).toBe(401)
  })

  it('kills the access token on logout', async () => {
    const pair = await (await login('analyst@example.com')).json()
    expect((await t.request('POST', '/api/v1/auth/logout', { key: pair.access_token })).status).toBe(204)
    expect((await t.request('GET', '/api/v1/auth/me', { key: pair.access_token })).status).toBe(401)
    expect((await t.request('POST', '/api/v1/auth/refresh', { key: null, body: { refresh_token: pair.refresh_token } })).status).toBe(401)
  })

  it('refuses a tampered access token', async () => {
    const pair = await (await login('analyst@example.com')).json()
    const [h, p, s] = pair.access_token.split('.')
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString())
    claims.role = 'admin'
    const forged = [h, Buffer.from(JSON.stringify(claims)).toString('base64url'), s].join('.')
    expect((await t.request('GET', '/api/v1/auth/me', { key: forged })).status).toBe(401)
  })
})

describe('roles and scopes', () => {
  it('lets an admin user manage users and a viewer not', async () => {
    const admin = await (await login('admin@example.com')).json()
    const viewer = await (await login('viewer@example.com')).json()
    expect((await t.request('GET', '/api/v1/users', { key: admin.access_token })).status).toBe(200)
    const denied = await t.request('GET', '/api/v1/users', { key: viewer.access_token })
    expect(denied.status).toBe(403)
    expect((await t.request('POST', '/api/v1/query', { key: viewer.access_token, body: { question: 'sales' } })).status).toBe(403)
  })

  it('applies a role change to existing sessions at once', async () => {
    const created = await (await t.request('POST', '/api/v1/users', { body: { email: 'promote@example.com', password: PASSWORD, role: 'viewer' } })).json()
    const pair = await (await login('promote@example.com')).json()
    expect((await t.request('GET', '/api/v1/users', { key: pair.access_token })).status).toBe(403)
    await t.request('PATCH', `/api/v1/users/${created.id}`, { body: { role: 'admin' } })
    // Role changes end sessions: log in again to get the new role.
    expect((await t.request('GET', '/api/v1/auth/me', { key: pair.access_token })).status).toBe(401)
    const again = await (await login('promote@example.com')).json()
    expect((await t.request('GET', '/api/v1/users', { key: again.access_token })).status).toBe(200)
  })

  it('rejects short passwords and duplicate emails', async () => {
    const short = await t.request('POST', '/api/v1/users', { body: { email: 'short@example.com', password: 'short', role: 'viewer' } })
    expect(short.status).toBe(400)
    expect((await short.json()).error.details[0].path).toBe('password')
    const dup = await t.request('POST', '/api/v1/users', { body: { email: 'ADMIN@example.com', password: PASSWORD, role: 'viewer' } })
    expect(dup.status).toBe(409)
  })

  it('keeps at least one admin', async () => {
    const other = await t.newTenant('last-admin')
    const only = await (await t.request('POST', '/api/v1/users', { key: other.adminKey, body: { email: 'only-admin@example.com', password: PASSWORD, role: 'admin' } })).json()
    const del = await t.request('DELETE', `/api/v1/users/${only.id}`, { key: other.adminKey })
    expect(del.status).toBe(409)
    expect((await t.request('PATCH', `/api/v1/users/${only.id}`, { key: other.adminKey, body: { role: 'viewer' } })).status).toBe(409)
    const second = await (await t.request('POST', '/api/v1/users', { key: other.adminKey, body: { email: 'second-admin@example.com', password: PASSWORD, role: 'admin' } })).json()
    expect((await t.request('DELETE', `/api/v1/users/${only.id}`, { key: other.adminKey })).status).toBe(204)
    expect(second.role).toBe('admin')
  })

  it('answers 404 for a user of another tenant', async () => {
    const other = await t.newTenant('other-users')
    const theirs = await (await t.request('POST', '/api/v1/users', { key: other.adminKey, body: { email: 'theirs@example.com', password: PASSWORD } })).json()
    expect((await t.request('GET', `/api/v1/users/${theirs.id}`)).status).toBe(404)
    expect((await t.request('PATCH', `/api/v1/users/${theirs.id}`, { body: { role: 'admin' } })).status).toBe(404)
    expect((await t.request('DELETE', `/api/v1/users/${theirs.id}`)).status).toBe(404)
  })

  it('describes an API key on /auth/me', async () => {
    const me = await (await t.request('GET', '/api/v1/auth/me')).json()
    expect(me.kind).toBe('api_key')
    expect(me.api_key.prefix).toMatch(/^nxa_/)
    expect(me.scopes).toEqual(['*'])
  })

  it('sets the owner of a key created by a user', async () => {
    const admin = await (await login('admin@example.com')).json()
    const key = await (await t.request('POST', '/api/v1/api-keys', { key: admin.access_token, body: { name: 'mine', scopes: ['query:read'] } })).json()
    expect(key.owner.type).toBe('user')
    expect(key.owner.user_id).toMatch(/^usr_/)
  })
})
