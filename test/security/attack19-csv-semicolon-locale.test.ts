// Attack: formula injection into a CSV export past the leading-character check.
// A spreadsheet in a locale whose list separator is ";" (Excel in Germany,
// France, Italy, ...: the "sep" a CSV is split on there) cuts an unquoted
// field at every ";". The neutraliser looks only at the start of the whole
// value, and quotes only values holding , " CR or LF, so a value such as
// `Mozilla;@SUM(1+1)*cmd|' /C calc'!A0` went out bare and its second half
// became a cell of its own that starts with @. An anonymous client puts that
// text in the audit log as the User-Agent of a failed login; the admin opens
// the CSV export. Every cell must read as text under either separator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'

const AGENTS = ["Mozilla;@SUM(1+1)*cmd|' /C calc'!A0", 'curl;=1+1', 'x ; +cmd|calc!A0', 'bot;-2+3;ok', 'q;"=1+1']

let t: TestApp
beforeAll(async () => { t = await createTestApp({ NEXATRON_RATE_LIMIT_PER_HOUR: '100000' }) })
afterAll(async () => { await t?.close() })

/** The cells of one CSV line as a spreadsheet splits it on `sep`: quoted fields whole, quotes undone. */
function cells(line: string, sep: string): string[] {
  const out: string[] = []
  let i = 0
  for (;;) {
    let cell = ''
    if (line[i] === '"') {
      i++
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') { cell += '"'; i += 2 } else if (line[i] === '"') { i++; break } else cell += line[i++]
      }
      // A spreadsheet appends what follows the closing quote up to the separator.
      while (i < line.length && line[i] !== sep) cell += line[i++]
    } else {
      while (i < line.length && line[i] !== sep) cell += line[i++]
    }
    out.push(cell)
    if (i >= line.length) return out
    i++
  }
}

const FORMULA = /^[\t\r]|^\s*[=+@-](?!\d+(\.\d+)?$)/

describe('attack: formulas hidden behind a semicolon in CSV exports', () => {
  it('leaves no cell that starts a formula when the audit export is split on ";" or ","', async () => {
    const email = 'victim@example.com'
    expect((await t.request('POST', '/api/v1/users', { body: { email, password: 'right password 1', role: 'viewer' } })).status).toBe(201)
    for (const agent of AGENTS) {
      const res = await t.request('POST', '/api/v1/auth/login', { key: null, body: { email, password: 'wrong password 1' }, headers: { 'user-agent': agent } })
      expect(res.status).toBe(401)
    }
    const res = await t.request('GET', '/api/v1/audit-log/export?format=csv')
    expect(res.status).toBe(200)
    const lines = (await res.text()).split('\r\n').filter(Boolean)
    // The attack landed: each agent is in the export, as one comma-separated cell.
    const agentAt = cells(lines[0], ',').indexOf('user_agent')
    const written = lines.slice(1).map((l) => cells(l, ',')[agentAt])
    // (the neutraliser may put a ' at the start and after a ";": undone here)
    const undo = (w: string | undefined) => w?.replace(/^'/, '').replace(/;'/g, ';')
    for (const agent of AGENTS) expect(written.map(undo)).toContain(agent)
    for (const line of lines.slice(1)) {
      for (const sep of [',', ';']) {
        for (const cell of cells(line, sep)) expect(cell, `${sep} ${line}`).not.toMatch(FORMULA)
      }
    }
  })
})
