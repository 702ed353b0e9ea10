// Route inputs that point the service somewhere (webhook URLs, connection
// hosts, the embedded demo warehouse) on an app configured the strict way:
// NEXATRON_ALLOWED_NETWORKS=external and no demo warehouse running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestResponse } from '../support/test-app'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ NEXATRON_ALLOWED_NETWORKS: 'external' }, { fetch: async () => new Response('ok') })
  // A connection that passes the host policy, so questions reach the webhook check.
  const res = await t.request('POST', '/api/v1/connections', {
    body: { name: 'public', type: 'postgres', config: { host: '203.0.113.10', port: 5432, database: 'x', user: 'x' }, is_default: true },
  })
  expect(res.status, await res.clone().text()).toBe(201)
})
afterAll(async () => { await t?.close() })

const envelope = async (res: TestResponse, context: string) => {
  const text = await res.text()
  expect(res.status, `${context}: ${text.slice(0, 300)}`).toBeLessThan(500)
  expect(res.status, `${context} was accepted: ${text.slice(0, 300)}`).toBeGreaterThanOrEqual(400)
  const body = JSON.parse(text)
  expect(body.error?.request_id, context).toBe(res.headers.get('x-request-id'))
  return { status: res.status, body }
}

describe('outbound targets with NEXATRON_ALLOWED_NETWORKS=external', () => {
  // IPv6 spellings that reach this host or the metadata service: "::" is the
  // unspecified address (connects to localhost on Linux), "::a.b.c.d" is
  // IPv4-compatible and 64:ff9b::/96 is NAT64 for the embedded IPv4 address.
  it.each([
    'http://127.0.0.1:6379/', 'http://[::1]:6379/', 'http://[::]:6379/', 'http://[::ffff:127.0.0.1]:6379/',
    'http://[::127.0.0.1]:6379/', 'http://[::169.254.169.254]/latest/meta-data/', 'http://[64:ff9b::169.254.169.254]/latest/meta-data/',
  ])('refuses the webhook URL %s with 422 host_not_allowed', async (url) => {
    const { status, body } = await envelope(await t.request('POST', '/api/v1/query', { body: { question: 'total sales', webhook_url: url } }), url)
    expect(status, JSON.stringify(body)).toBe(422)
    expect(body.error.code).toBe('host_not_allowed')
  })

  it.each(['::', '::127.0.0.1', '64:ff9b::a9fe:a9fe'])('refuses the connection host %s with 422 host_not_allowed', async (host) => {
    const res = await t.request('POST', '/api/v1/connections', { body: { name: `h ${host.replace(/[^a-f0-9]/gi, '')}`, type: 'postgres', config: { host, port: 5432, database: 'x', user: 'x' } } })
    const { status, body } = await envelope(res, host)
    expect(status, JSON.stringify(body)).toBe(422)
    expect(body.error.code).toBe('host_not_allowed')
  })
})

describe('the demo warehouse when it is not running', () => {
  it('answers a demo connection without 500: refused at creation or a clear 4xx/503 when used', async () => {
    const created = await t.request('POST', '/api/v1/connections', { body: { name: 'demo copy', type: 'pglite', config: { demo: true }, is_default: false } })
    if (created.status !== 201) {
      await envelope(created, 'create a demo connection without the demo')
      return
    }
    const { id } = await created.json()
    for (const [method, path] of [['POST', `/api/v1/connections/${id}/test`], ['GET', `/api/v1/connections/${id}/schema`], ['POST', '/api/v1/semantic/validate']] as const) {
      const res = await t.request(method, path, { body: path.endsWith('validate') ? { connection_id: id } : undefined })
      const text = await res.text()
      expect(res.status, `${method} ${path}: ${text.slice(0, 300)}`).not.toBe(500)
    }
  })
})
