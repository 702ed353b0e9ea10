import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestResponse } from '../support/test-app'

let t: TestApp
beforeAll(async () => { t = await createTestApp({ NEXATRON_MAX_BODY_BYTES: '4096' }) })
afterAll(async () => { await t?.close() })

const expectEnvelope = async (res: TestResponse | Response, status: number, code: string) => {
  expect(res.status).toBe(status)
  const body = await res.json()
  expect(body.error.code).toBe(code)
  expect(typeof body.error.message).toBe('string')
  expect(Array.isArray(body.error.details)).toBe(true)
  expect(body.error.request_id).toBe(res.headers.get('x-request-id'))
  return body
}

describe('error envelope', () => {
  it('answers health without credentials', async () => {
    const res = await t.request('GET', '/health', { key: null })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
    expect(res.headers.get('x-request-id')).toMatch(/^req_/)
  })

  it('answers 503 naming the store when it is unreachable', async () => {
    const { createApp } = await import('../../src/app')
    const app = createApp({ ...t.services, store: { ...t.services.store, ping: async () => { throw new Error('connection refused') } } })
    const res = await app.request('/health')
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({ status: 'unavailable', failing: ['store'] })
  })

  it('returns 401 without a credential, with rate-limit headers', async () => {
    const res = await t.request('GET', '/api/v1/api-keys', { key: null })
    await expectEnvelope(res, 401, 'unauthorized')
    expect(res.headers.get('x-ratelimit-limit')).toBeTruthy()
    expect(res.headers.get('x-ratelimit-remaining')).toBeTruthy()
    expect(res.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/)
  })

  it('returns 401 for a malformed or unknown key', async () => {
    await expectEnvelope(await t.request('GET', '/api/v1/api-keys', { key: 'nxa_short' }), 401, 'unauthorized')
    await expectEnvelope(await t.request('GET', '/api/v1/api-keys', { headers: { authorization: 'Basic abc' }, key: null }), 401, 'unauthorized')
  })

  it('returns 400 invalid_json for malformed JSON', async () => {
    await expectEnvelope(await t.request('POST', '/api/v1/api-keys', { body: '{"name": ' }), 400, 'invalid_json')
  })

  it('returns 415 for a non-JSON body', async () => {
    await expectEnvelope(await t.request('POST', '/api/v1/api-keys', { body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type')
  })

  it('returns 413 for an oversize body', async () => {
    await expectEnvelope(await t.request('POST', '/api/v1/api-keys', { body: { name: 'x'.repeat(10_000), scopes: ['query:read'] } }), 413, 'payload_too_large')
  })

  it('rejects unknown fields naming them', async () => {
    const body = await expectEnvelope(await t.request('POST', '/api/v1/api-keys', { body: { name: 'a', scopes: ['query:read'], admin: true } }), 400, 'validation_error')
    expect(body.error.details[0].path).toBe('admin')
  })

  it('returns 404 envelope for unknown routes', async () => {
    await expectEnvelope(await t.request('GET', '/api/v1/nope'), 404, 'not_found')
  })

  it('serves an OpenAPI 3.1 document and the docs page', async () => {
    const res = await t.request('GET', '/openapi.json', { key: null })
    expect(res.status).toBe(200)
    const doc = await res.json()
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.paths['/api/v1/api-keys'].post.operationId).toBe('createApiKey')
    const docs = await t.request('GET', '/docs', { key: null })
    expect(docs.status).toBe(200)
    expect(await docs.text()).toContain('/openapi.json')
  })

  it('never leaks internal error messages', async () => {
    const { createApp } = await import('../../src/app')
    const app = createApp(t.services)
    // Registered on a fresh app before its router is built.
    app.get('/api/v1/boom-test', () => { throw new Error('secret internal detail password=hunter2') })
    const res = await app.request('/api/v1/boom-test', { headers: { authorization: `Bearer ${t.adminKey}` } })
    const body = await expectEnvelope(res, 500, 'internal_error')
    expect(JSON.stringify(body)).not.toContain('hunter2')
  })
})
