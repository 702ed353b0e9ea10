// Attack: make one's own actions carry another request's id. The service kept
// any well-formed incoming X-Request-Id as the request's id, in the response,
// the error body and the audit record, so a caller could give its requests the
// id of someone else's (seen in a shared log, a support ticket): an audit
// search by request id then returned the attacker's records beside the
// victim's, and one id no longer named one request. An incoming id is now
// kept only from a trusted proxy (NEXATRON_TRUST_PROXY=true, which sets the
// header itself, overwriting the client's); otherwise the service makes its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

const victimsId = 'req-victim-0000000001'

async function auditByRequestId(t: TestApp, id: string) {
  const res = await t.request('GET', '/api/v1/audit-log?limit=100')
  expect(res.status).toBe(200)
  return ((await res.json()).data as Array<{ action: string; request_id: string }>).filter((e) => e.request_id === id)
}

describe('attack: a direct caller choosing its request ids', () => {
  let t: TestApp
  beforeAll(async () => { t = await createTestApp() }, 60_000)
  afterAll(async () => { await t?.close() })

  it('gives each request an id of the service\'s own, whatever X-Request-Id the caller sends', async () => {
    const a = await t.request('POST', '/api/v1/api-keys', { body: { name: 'first', scopes: ['query:read'] }, headers: { 'x-request-id': victimsId } })
    const b = await t.request('POST', '/api/v1/api-keys', { body: { name: 'second', scopes: ['query:read'] }, headers: { 'x-request-id': victimsId } })
    expect(a.status).toBe(201)
    const ids = [a.headers.get('x-request-id'), b.headers.get('x-request-id')]
    expect(ids[0]).toMatch(/^req_/)
    expect(ids[1]).toMatch(/^req_/)
    expect(ids[0]).not.toBe(ids[1])
    expect(await auditByRequestId(t, victimsId)).toEqual([])
    expect((await auditByRequestId(t, ids[0]!)).map((e) => e.action)).toEqual(['api_key.create'])
  })

  it('names its own id in error bodies too', async () => {
    const res = await t.request('POST', '/api/v1/api-keys', { body: { name: '' }, headers: { 'x-request-id': victimsId } })
    expect(res.status).toBe(400)
    expect((await res.json()).error.request_id).toBe(res.headers.get('x-request-id'))
    expect(res.headers.get('x-request-id')).not.toBe(victimsId)
  })
})

describe('behind a trusted proxy that sets X-Request-Id', () => {
  let t: TestApp
  beforeAll(async () => { t = await createTestApp({ NEXATRON_TRUST_PROXY: 'true' }) }, 60_000)
  afterAll(async () => { await t?.close() })

  it('keeps the proxy\'s id, so its access log and the audit name the same request', async () => {
    const proxyId = '5d41402abc4b2a76b9719d911017c592'
    const res = await t.request('POST', '/api/v1/api-keys', { body: { name: 'proxied', scopes: ['query:read'] }, headers: { 'x-request-id': proxyId } })
    expect(res.headers.get('x-request-id')).toBe(proxyId)
    expect((await auditByRequestId(t, proxyId)).map((e) => e.action)).toEqual(['api_key.create'])
  })
})
