// Attack: an instant the store cannot read. The audit log, its export, the
// meter events and the usage report take dates as ISO text; the pattern
// allowed year 0000 (and an offset could carry 0001-01-01 or 9999-12-31 past
// either end), which JavaScript reads but PostgreSQL refuses as out of range.
// The list answered 500 internal_error with a logged failed query; the
// exports had already committed 200 and their body broke off after the
// header, after the export had been recorded in the audit log. The usage
// report also read a bare date of a year below 100 as 19xx (Date.UTC's
// two-digit years) and reported on a range nobody asked for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000', NEXATRON_TENANT_RATE_LIMIT_PER_HOUR: '1000000' })
})
afterAll(async () => { await t?.close() })

const refused = async (path: string, field: string) => {
  const res = await t.request('GET', path)
  const body = await res.text().catch((err: unknown) => `body broke off: ${String(err).slice(0, 120)}`)
  expect(res.status, body).toBe(400)
  const json = JSON.parse(body)
  expect(json.error.code).toBe('validation_error')
  expect(json.error.details.map((d: { path: string }) => d.path)).toContain(field)
}

describe('attack: instants outside what the store holds', () => {
  it.each([
    ['/api/v1/audit-log?since=0000-01-01', 'since'],
    ['/api/v1/audit-log?until=0000-06-30T00:00:00Z', 'until'],
    ['/api/v1/audit-log?since=0001-01-01T00:00:00%2B01:00', 'since'],
    ['/api/v1/audit-log?until=9999-12-31T23:00:00-14:00', 'until'],
    ['/api/v1/audit-log/export?since=0000-01-01', 'since'],
    ['/api/v1/audit-log/export?format=csv&since=0000-01-01', 'since'],
    ['/api/v1/billing/meter-events?since=0000-01-01', 'since'],
    ['/api/v1/analytics/usage?from=0000-01-01&to=0000-01-20', 'from'],
  ])('refuses %s as a validation error, not a server error or a broken download', async (path, field) => {
    await refused(path, field)
  })

  it('reports on the years asked for, not 19xx', async () => {
    const res = await t.request('GET', '/api/v1/analytics/usage?from=0050-01-01&to=0050-01-08')
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.from).toBe('0050-01-01T00:00:00.000Z')
    expect(body.to).toBe('0050-01-08T00:00:00.000Z')
  })

  it('still takes the ordinary dates', async () => {
    expect((await t.request('GET', '/api/v1/audit-log?since=2026-01-01&until=2026-02-01T00:00:00Z')).status).toBe(200)
    const exp = await t.request('GET', '/api/v1/audit-log/export?format=csv&since=0001-01-01')
    expect(exp.status).toBe(200)
    await exp.text()
  })
})
