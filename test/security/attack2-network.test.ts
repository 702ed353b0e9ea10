// Second red team against the network policy. The IPv4 and IPv6 spellings
// of loopback, metadata and "this host" (decimal, octal, hex, IPv4-mapped,
// NAT64, 6to4) were already refused; one metadata-class address was not:
// fd00:ec2::23, the IPv6 address of the EKS Pod Identity agent, which hands
// out the pod's AWS credentials (its IPv4 twin 169.254.170.23 is link-local,
// refused whatever the setting). With the default NEXATRON_ALLOWED_NETWORKS=all
// a connection or a webhook could name it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

let t: TestApp
let n = 0

beforeAll(async () => { t = await createTestApp({}, { demo: true }) })
afterAll(async () => { await t?.close() })

describe('metadata-class IPv6 addresses under NEXATRON_ALLOWED_NETWORKS=all', () => {
  it.each(['fd00:ec2::23', 'fd00:ec2:0:0:0:0:0:23', 'fd00:ec2::254'])('refuses a connection to %s', async (host) => {
    const res = await t.request('POST', '/api/v1/connections', { body: {
      name: `pod-identity ${++n}`, type: 'postgres', config: { host, port: 80, database: 'x', user: 'x', ssl: 'disable' },
    } })
    const text = await res.text()
    expect(res.status, text.slice(0, 300)).toBe(422)
    expect(JSON.parse(text).error.code).toBe('host_not_allowed')
  })

  it.each(['http://[fd00:ec2::23]/v1/credentials', 'http://[fd00:ec2::254]/latest/meta-data/'])('refuses the webhook_url %s', async (url) => {
    const res = await t.request('POST', '/api/v1/query', { body: { question: 'total sales', webhook_url: url } })
    const text = await res.text()
    expect(res.status, text.slice(0, 300)).toBe(422)
    expect(JSON.parse(text).error.code).toBe('host_not_allowed')
  })

  it('still accepts a private IPv6 address outside those (control)', async () => {
    const res = await t.request('POST', '/api/v1/connections', { body: {
      name: `ula ${++n}`, type: 'postgres', config: { host: 'fd00:ec2::24', port: 5432, database: 'x', user: 'x', ssl: 'disable' },
    } })
    const text = await res.text()
    expect(res.status, text.slice(0, 300)).toBe(201)
  })
})
