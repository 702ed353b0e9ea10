import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

let t: TestApp
beforeAll(async () => { t = await createTestApp() })
afterAll(async () => { await t?.close() })

describe('webhook secret status', () => {
  it('says no secret is set on a fresh tenant, and creates none by being asked', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await t.request('GET', '/api/v1/webhook-secret/status')
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ set: false, hint: null, algorithm: 'hmac-sha256', header: 'X-Nexatron-Signature' })
    }
  })

  it('answers a hint of the secret (its ends), never the secret, and follows rotation', async () => {
    const { secret } = await (await t.request('GET', '/api/v1/webhook-secret')).json()
    const status = await (await t.request('GET', '/api/v1/webhook-secret/status')).text()
    expect(status).not.toContain(secret)
    expect(JSON.parse(status)).toMatchObject({ set: true, hint: `${secret.slice(0, 8)}…${secret.slice(-4)}` })

    const rotated = (await (await t.request('POST', '/api/v1/webhook-secret')).json()).secret
    expect(rotated).not.toBe(secret)
    expect((await (await t.request('GET', '/api/v1/webhook-secret/status')).json()).hint).toBe(`${rotated.slice(0, 8)}…${rotated.slice(-4)}`)
  })

  it('is refused to a key without keys:manage', async () => {
    const { key } = await (await t.request('POST', '/api/v1/api-keys', { body: { name: 'reader', scopes: ['query:read'] } })).json()
    const res = await t.request('GET', '/api/v1/webhook-secret/status', { key })
    expect(res.status).toBe(403)
    expect((await res.json()).error.code).toBe('forbidden')
  })
})
