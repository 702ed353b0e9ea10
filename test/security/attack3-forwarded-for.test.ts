// Attack: forge the client address behind the documented proxy. With
// NEXATRON_TRUST_PROXY=true, nginx as the README configures it
// (`X-Forwarded-For $proxy_add_x_forwarded_for`) appends the address it saw to
// whatever X-Forwarded-For the client sent. The first hop is therefore the
// client's own words: reading it let one client guess passwords without end
// (a new made-up address per attempt, each with a fresh login budget) and
// write any address it liked into the audit log. The address that counts is
// the one the trusted proxy appended: the last hop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

const PROXY_SAW = '203.0.113.7'
/** What nginx forwards when the client sent `X-Forwarded-For: <forged>`. */
const viaProxy = (forged: string) => ({ 'x-forwarded-for': `${forged}, ${PROXY_SAW}` })

describe('attack: a forged X-Forwarded-For behind the trusted proxy', () => {
  let t: TestApp
  beforeAll(async () => { t = await createTestApp({ NEXATRON_TRUST_PROXY: 'true', NEXATRON_LOGIN_RATE_LIMIT_PER_15MIN: '3' }) }, 60_000)
  afterAll(async () => { await t?.close() })

  it('spends one login budget however the client varies the addresses it forwards', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) {
      const res = await t.request('POST', '/api/v1/auth/login', { key: null, headers: viaProxy(`10.9.8.${i}`), body: { email: 'victim@example.com', password: `guess number ${i}` } })
      statuses.push(res.status)
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429])
    // another client behind the same proxy keeps its own budget
    const other = await t.request('POST', '/api/v1/auth/login', { key: null, headers: { 'x-forwarded-for': '198.51.100.20' }, body: { email: 'victim@example.com', password: 'another guess' } })
    expect(other.status).toBe(401)
  })

  it('records the address the proxy saw in the audit log, not the forged one', async () => {
    const res = await t.request('POST', '/api/v1/users', { headers: viaProxy('1.1.1.1'), body: { email: `xff-${Date.now().toString(36)}@example.com`, password: 'a long enough password', role: 'viewer' } })
    expect(res.status).toBe(201)
    const log = await (await t.request('GET', '/api/v1/audit-log?action=user.create&limit=1')).json()
    const entry = log.data[0]
    expect(entry.ip).toBe(PROXY_SAW)
  })
})
