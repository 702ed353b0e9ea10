// Attack: /metrics as an anonymous client on the network and as a tenant.
// Tries: blow up the series with one label value per request (unknown paths,
// ids in paths, ids and injected quotes in query strings and headers), read
// the endpoint with the token in the query string or a tenant key, and find a
// tenant's secrets, questions or values in what it scrapes. The promise: the
// `route` label is the matched pattern (never the raw path), the series stay
// bounded whatever the traffic, and only the operator's token reads them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { createTestApp, type TestApp } from '../support/test-app'

const TOKEN = `metrics-${randomBytes(16).toString('hex')}`

describe('attack: /metrics label cardinality and access', () => {
  let t: TestApp

  const scrape = async () => {
    const res = await t.request('GET', '/metrics', { key: null, headers: { authorization: `Bearer ${TOKEN}` } })
    expect(res.status).toBe(200)
    return res.text()
  }
  const routes = (text: string) => new Set([...text.matchAll(/route="((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]))

  beforeAll(async () => { t = await createTestApp({ NEXATRON_METRICS_TOKEN: TOKEN }) })
  afterAll(async () => { await t?.close() })

  it('keeps one series per route pattern, however many distinct paths, ids and query strings arrive', async () => {
    await t.request('GET', '/api/v1/query/history?limit=1')
    const before = routes(await scrape())
    const marker = randomBytes(6).toString('hex')
    for (let i = 0; i < 60; i++) {
      await t.request('GET', `/api/v1/query/qry_${marker}${i}`)
      await t.request('GET', `/no/such/${marker}/${i}?x="}${i}`, { key: null })
      await t.request('GET', `/api/v1/groups/grp_${marker}${i}`, { headers: { 'x-request-id': `req-${marker}-${i}` } })
      await t.request('DELETE', `/api/v1/api-keys/key_${marker}${i}`)
    }
    const text = await scrape()
    expect(text).not.toContain(marker)
    const added = [...routes(text)].filter((r) => !before.has(r))
    expect(added.length).toBeLessThanOrEqual(4)
    for (const r of added) expect(r === 'unmatched' || r.includes('{') || r.includes(':') || r === '*' || r.startsWith('/'), r).toBe(true)
    expect(added.some((r) => /[0-9a-f]{12}/.test(r))).toBe(false)
  })

  it('reads nothing with the token in the query string, a tenant key, a basic header or a longer token', async () => {
    for (const [path, headers] of [
      [`/metrics?token=${TOKEN}`, {}],
      ['/metrics', { authorization: `Bearer ${t.adminKey}` }],
      ['/metrics', { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }],
      ['/metrics', { authorization: `Bearer ${TOKEN}${TOKEN}` }],
      ['/metrics', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
    ] as Array<[string, Record<string, string>]>) {
      const res = await t.request('GET', path, { key: null, headers })
      expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(401)
      const text = await res.text()
      expect(text).not.toContain('nexatron_http_request_duration_seconds')
      expect(text).not.toContain(TOKEN)
    }
  })

  it('scrapes no tenant key, question or credential', async () => {
    await t.request('POST', '/api/v1/query', { body: { question: `secret question ${TOKEN.slice(-8)}` } })
    const text = await scrape()
    expect(text).not.toContain(t.adminKey)
    expect(text).not.toContain(t.adminKey.slice(0, 12))
    expect(text).not.toContain('secret question')
  })
})
