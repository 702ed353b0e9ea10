// The event stream's OpenAPI description states the keep-alive interval this
// server is configured with, not a fixed number.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

let t: TestApp
beforeAll(async () => { t = await createTestApp({ NEXATRON_SSE_KEEPALIVE_MS: '2500' }) })
afterAll(async () => { await t?.close() })

describe('POST /api/v1/query/stream in /openapi.json', () => {
  it('describes the keep-alive comments at the configured interval', async () => {
    const doc = await (await t.request('GET', '/openapi.json', { key: null })).json()
    const description: string = doc.paths['/api/v1/query/stream'].post.description
    expect(description).toContain('`: keep-alive` comments every 2.5 s')
    expect(description).not.toMatch(/every 15 s/)
  })
})
