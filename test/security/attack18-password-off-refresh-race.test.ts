// Attack: keep a password session alive across "password login off". Turning
// it off revokes the tenant's open password sessions in one transaction
// (sso-settings.ts put). A refresh that has already read its session row when
// that transaction commits still spent the token (the spend checked only that
// it was unspent, not that it was unrevoked) and issued a fresh session in the
// same family: the family is live again, and the password session goes on to
// the end of its refresh TTL, which the setting was meant to end at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

const PASSWORD = 'correct horse battery staple'
let t: TestApp

beforeAll(async () => {
  t = await createTestApp({ NEXATRON_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') })
  const made = await t.request('POST', '/api/v1/users', { body: { email: 'ann@acme.test', password: PASSWORD, role: 'analyst' } })
  expect(made.status, await made.clone().text()).toBe(201)
  const sso = await t.request('PUT', '/api/v1/sso/settings', { body: { issuer: 'http://127.0.0.1:9/idp', client_id: 'nexatron', client_secret: 'shh', allowed_email_domains: ['acme.test'] } })
  expect(sso.status, await sso.clone().text()).toBe(200)
}, 60_000)
afterAll(async () => { await t?.close() })

const turnPasswordLoginOff = async () => {
  const res = await t.request('PUT', '/api/v1/sso/settings', { body: { issuer: 'http://127.0.0.1:9/idp', client_id: 'nexatron', password_login: false, allowed_email_domains: ['acme.test'] } })
  expect(res.status, await res.clone().text()).toBe(200)
}

/** Runs `between` just before the session service's next `write` (update: the spend; insert: the new session) runs. */
function beforeNextSessionWrite(write: 'update' | 'insert', between: () => Promise<void>) {
  const service = t.services.sessions as unknown as { db: Record<string | symbol, unknown> }
  const real = service.db
  service.db = new Proxy(real, {
    get(target, p) {
      if (p === write) {
        service.db = real
        return (table: unknown) => {
          const calls: Array<[string | symbol, unknown[]]> = []
          const chain: unknown = new Proxy({}, {
            get(_, m) {
              if (m === 'then') {
                return (ok: (v: unknown) => unknown, fail: (e: unknown) => unknown) => between()
                  .then(() => calls.reduce((b: any, [name, args]) => b[name](...args), (real[write] as (x: unknown) => unknown).call(real, table)))
                  .then(ok, fail)
              }
              return (...args: unknown[]) => { calls.push([m, args]); return chain }
            },
          })
          return chain
        }
      }
      const v = Reflect.get(target, p)
      return typeof v === 'function' ? v.bind(target) : v
    },
  })
}

describe('attack: a refresh racing "password login off"', () => {
  it.each([
    ['between a refresh\'s read and its spend', 'update'],
    ['between a refresh\'s spend and its new session', 'insert'],
  ] as const)('leaves no live password session when the setting commits %s', async (_when, write) => {
    await t.request('DELETE', '/api/v1/sso/settings')
    const on = await t.request('PUT', '/api/v1/sso/settings', { body: { issuer: 'http://127.0.0.1:9/idp', client_id: 'nexatron', client_secret: 'shh', allowed_email_domains: ['acme.test'] } })
    expect(on.status, await on.clone().text()).toBe(200)
    const login = await t.request('POST', '/api/v1/auth/login', { key: null, body: { email: 'ann@acme.test', password: PASSWORD } })
    expect(login.status, await login.clone().text()).toBe(200)
    const { refresh_token } = await login.json()
    beforeNextSessionWrite(write, turnPasswordLoginOff)
    const refreshed = await t.request('POST', '/api/v1/auth/refresh', { key: null, body: { refresh_token } })
    if (refreshed.status === 200) {
      const { access_token } = await refreshed.json()
      const me = await t.request('GET', '/api/v1/auth/me', { key: access_token })
      expect(me.status).toBe(401)
    } else {
      expect(refreshed.status).toBe(401)
    }
  })
})
