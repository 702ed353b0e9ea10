// Attack: stall the service for every tenant without a credential. The
// OpenAPI document is public and spends no rate limit (so tools can fetch it
// freely), and it was generated afresh for every request: some 70 ms of
// synchronous CPU walking every route's schemas, so about fifteen requests a
// second from anyone kept the event loop busy. It is now built once and served
// as the same bytes.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

let t: TestApp
beforeAll(async () => { t = await createTestApp() })
afterAll(async () => { await t?.close() })

describe('attack: an anonymous flood of the public OpenAPI document', () => {
  it('serves forty requests in about the time one generation took, the same document each time', async () => {
    const first = await t.request('GET', '/openapi.json', { key: null })
    expect(first.status).toBe(200)
    expect(first.headers.get('content-type')).toMatch(/^application\/json/)
    const doc = await first.text()
    expect(JSON.parse(doc).paths['/api/v1/query']).toBeDefined()

    const delay = monitorEventLoopDelay({ resolution: 5 })
    delay.enable()
    const started = performance.now()
    const bodies = await Promise.all(Array.from({ length: 40 }, async () => (await t.request('GET', '/openapi.json', { key: null })).text()))
    const elapsed = performance.now() - started
    delay.disable()
    expect(new Set(bodies)).toEqual(new Set([doc]))
    // generated per request, 40 requests took ~3 s with the loop blocked the whole time
    expect(elapsed).toBeLessThan(1000)
    expect(delay.max / 1e6).toBeLessThan(300)
  })
})
