// Settings → Users and Settings → Webhook secret in Chromium against a
// started server: create a user who can then sign in, change a role, deactivate
// after confirmation (their session ends); rotate the webhook secret (shown
// once); the audit log (filters, verification, export), usage and single
// sign-on pages (against a real OpenID provider on 127.0.0.1); a
// viewer sees no write controls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { apiCall, screenshot } from './harness'
import { expectAccessible, hasChromium, startAdminSession, type AdminSession } from './admin-session'
import { startTestProvider } from '../../support/oidc-test-provider'

async function login(s: AdminSession, email: string, password: string): Promise<number> {
  const res = await fetch(`${s.server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })
  return res.status
}

describe.skipIf(!hasChromium)('Settings → Users and Webhook secret in the console', () => {
  let s: AdminSession
  let page: Page
  beforeAll(async () => {
    s = await startAdminSession()
    page = await s.newPage()
    await s.signIn(page, 'admin@example.com')
  })
  afterAll(async () => { await s?.close() })

  it('creates a user who can then sign in with the given password', async () => {
    await page.getByRole('link', { name: 'Settings' }).click()
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Users' }).click()
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor()
    await page.getByRole('row').filter({ hasText: 'viewer@example.com' }).waitFor()
    await page.getByRole('button', { name: 'Create user' }).click()
    await page.getByLabel('Email').fill('new.analyst@example.com')
    await page.getByLabel('Name', { exact: true }).fill('New Analyst')
    await page.getByLabel('First password').fill('a long first password')
    await page.getByLabel('Role', { exact: true }).selectOption('analyst')
    await expectAccessible(page, 'users (create form)')
    await page.getByRole('button', { name: 'Create', exact: true }).click()
    await page.getByRole('status').filter({ hasText: 'User new.analyst@example.com created' }).waitFor()
    const row = page.getByRole('row').filter({ hasText: 'new.analyst@example.com' })
    expect(await row.innerText()).toContain('New Analyst')
    expect(await row.getByLabel('Role of new.analyst@example.com').inputValue()).toBe('analyst')
    expect(await login(s, 'new.analyst@example.com', 'a long first password')).toBe(200)
  })

  it('refuses a too-short password with the field named', async () => {
    await page.getByRole('button', { name: 'Create user' }).click()
    await page.getByLabel('Email').fill('short@example.com')
    await page.getByLabel('First password').fill('short')
    // The browser's own minlength check would stop the form: lift it to see the API's answer.
    await page.getByLabel('First password').evaluate((el) => el.removeAttribute('minlength'))
    await page.getByRole('button', { name: 'Create', exact: true }).click()
    const alert = page.getByRole('alert').filter({ hasText: 'password' })
    await alert.waitFor()
    expect(await alert.innerText()).toMatch(/password: .*12 characters/)
    await page.getByRole('button', { name: 'Cancel' }).click()
  })

  it('changes a role: the API then answers with the new role', async () => {
    await page.getByLabel('Role of new.analyst@example.com').selectOption('viewer')
    await page.getByRole('status').filter({ hasText: 'new.analyst@example.com is now viewer.' }).waitFor()
    const users = await (await apiCall(s.server, 'GET', '/api/v1/users')).json() as { data: Array<{ email: string; role: string }> }
    expect(users.data.find((u) => u.email === 'new.analyst@example.com')?.role).toBe('viewer')
  })

  it('deactivates a user after confirmation, who then cannot sign in, and reactivates them', async () => {
    await page.getByRole('button', { name: 'Deactivate new.analyst@example.com' }).click()
    await page.getByRole('dialog').waitFor()
    await expectAccessible(page, 'users (deactivate dialog)')
    await page.getByRole('dialog').getByRole('button', { name: 'Deactivate user' }).click()
    await page.getByRole('status').filter({ hasText: 'new.analyst@example.com is deactivated.' }).waitFor()
    expect(await page.getByRole('row').filter({ hasText: 'new.analyst@example.com' }).innerText()).toContain('Deactivated')
    expect(await login(s, 'new.analyst@example.com', 'a long first password')).toBe(401)
    await expectAccessible(page, 'users')
    await screenshot(page, 'admin-09-users')
    await page.getByRole('button', { name: 'Reactivate new.analyst@example.com' }).click()
    await page.getByRole('status').filter({ hasText: 'is active again' }).waitFor()
    expect(await login(s, 'new.analyst@example.com', 'a long first password')).toBe(200)
    // Nobody deactivates or demotes themselves from this page.
    const me = page.getByRole('row').filter({ hasText: 'admin@example.com' })
    expect(await me.getByRole('button').count()).toBe(0)
    expect(await me.getByRole('combobox').isDisabled()).toBe(true)
  })

  it('shows whether a webhook secret is set, masked, and rotates it with the new one shown once', async () => {
    const before = (await (await apiCall(s.server, 'GET', '/api/v1/webhook-secret')).json() as { secret: string }).secret
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Webhook secret' }).click()
    await page.getByRole('heading', { name: 'Webhook secret', level: 1 }).waitFor()
    const masked = page.getByLabel('Current secret (masked)')
    await masked.waitFor()
    expect(await masked.innerText()).toBe(`${before.slice(0, 8)}…${before.slice(-4)}`)
    expect(await page.content()).not.toContain(before)
    await expectAccessible(page, 'webhook secret')
    await page.getByRole('button', { name: 'Rotate secret' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Rotate' }).click()
    const fresh = page.getByLabel('New webhook secret')
    await fresh.waitFor()
    const secret = (await fresh.innerText()).trim()
    expect(secret).not.toBe(before)
    expect((await (await apiCall(s.server, 'GET', '/api/v1/webhook-secret')).json() as { secret: string }).secret).toBe(secret)
    await page.getByRole('button', { name: 'Copy secret' }).waitFor()
    await expectAccessible(page, 'webhook secret (rotated)')
    await screenshot(page, 'admin-10-webhook-secret')
    await page.reload()
    await page.getByLabel('Current secret (masked)').waitFor()
    expect(await page.content()).not.toContain(secret)
  })

  it('lists the audit log with filters, verifies its chain and exports the filtered records', async () => {
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Audit log' }).click()
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor()
    await page.getByRole('cell', { name: 'user.create' }).first().waitFor()
    await page.getByLabel('Action').fill('user.')
    await page.getByLabel('Outcome').selectOption('success')
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await expect.poll(async () => {
      const actions = await page.locator('tbody td:nth-child(3)').allInnerTexts()
      return actions.length > 0 && actions.every((a) => a.startsWith('user.'))
    }).toBe(true)
    const actions = await page.locator('tbody td:nth-child(3)').allInnerTexts()
    expect(actions).toContain('user.update') // the role change and deactivation above
    await page.getByRole('button', { name: 'Verify chain' }).click()
    await page.getByRole('status').filter({ hasText: 'The chain holds' }).waitFor()
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()])
    const csv = readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/)
    expect(download.suggestedFilename()).toBe('audit-log.csv')
    expect(csv.length).toBeGreaterThan(1)
    expect(csv.slice(1).every((line) => line.includes(',user.'))).toBe(true)
    await expectAccessible(page, 'audit log')
    await screenshot(page, 'admin-12-audit-log')
  })

  it('shows the plan’s limits against this period’s use and the query analytics', async () => {
    // A question the semantic layer cannot ground: it shows up among the refused questions.
    expect((await apiCall(s.server, 'POST', '/api/v1/query', { question: 'the meaning of life' })).status).toBe(422)
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Usage' }).click()
    await page.getByRole('heading', { name: 'Usage', level: 1 }).waitFor()
    const plan = await (await apiCall(s.server, 'GET', '/api/v1/billing/plan')).json() as { name: string; usage: { seats: number; queries: number }; limits: { seats: number | null; queries_per_month: number | null } }
    await page.getByRole('heading', { name: `Plan “${plan.name}”` }).waitFor()
    const seats = page.getByRole('row').filter({ hasText: 'Seats (active users)' })
    expect((await seats.getByRole('cell').nth(1).innerText()).trim()).toBe(String(plan.usage.seats))
    // What is left of each limit, next to it.
    const left = (limit: number | null, used: number) => (limit === null ? 'unlimited' : Math.max(0, limit - used).toLocaleString('en-US'))
    expect((await seats.getByRole('cell').nth(3).innerText()).trim()).toBe(left(plan.limits.seats, plan.usage.seats))
    const queries = page.getByRole('row').filter({ hasText: 'Queries this month' })
    expect((await queries.getByRole('cell').nth(3).innerText()).trim()).toBe(left(plan.limits.queries_per_month, plan.usage.queries))
    await page.getByRole('table', { name: 'By day' }).waitFor()
    await page.getByRole('heading', { name: 'Totals' }).waitFor()
    const refused = page.getByRole('table', { name: 'Refused questions (gaps in the semantic layer)' }).getByRole('row').filter({ hasText: 'the meaning of life' })
    expect((await refused.getByRole('cell').nth(1).innerText()).trim()).toBe('1')
    await page.getByRole('table', { name: 'Top questions' }).getByRole('row').filter({ hasText: 'the meaning of life' }).waitFor()
    await page.getByRole('img', { name: /^Chart: queries by day/ }).waitFor()
    await page.getByLabel('Interval').selectOption('week')
    await page.getByRole('table', { name: 'By week' }).waitFor()
    await page.getByLabel('Group by').selectOption('user')
    await page.getByRole('table', { name: 'By user' }).waitFor()
    await expectAccessible(page, 'usage')
    await screenshot(page, 'admin-13-usage')
  })

  it('configures single sign-on against a real OpenID provider, with the client secret write-only, and removes it after confirmation', async () => {
    const idp = await startTestProvider({ redirectUri: `${s.server.url}/api/v1/auth/sso/callback` })
    try {
      await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Single sign-on' }).click()
      await page.getByRole('heading', { name: 'Single sign-on', level: 1 }).waitFor()
      await page.getByText('Single sign-on is not configured.').waitFor()
      await page.getByLabel('Issuer').fill(idp.issuer)
      await page.getByLabel('Client ID').fill(idp.clientId)
      await page.getByLabel('Client secret').fill(idp.clientSecret)
      await page.getByLabel('Groups claim').fill('groups')
      await page.getByLabel('Role mapping').fill('Nexatron Admins = admin\nno role here')
      await page.getByRole('button', { name: 'Save' }).click()
      await page.getByRole('alert').filter({ hasText: 'no role here' }).waitFor()
      await page.getByLabel('Role mapping').fill('Nexatron Admins = admin\nData team = analyst')
      await page.getByRole('button', { name: 'Save' }).click()
      await page.getByRole('status').filter({ hasText: 'Single sign-on settings saved.' }).waitFor()
      await page.getByText(`${s.server.url}/api/v1/auth/sso/callback`).waitFor()
      expect(await page.getByLabel('Client secret').inputValue()).toBe('')
      expect(await page.content()).not.toContain(idp.clientSecret)
      const stored = await (await apiCall(s.server, 'GET', '/api/v1/sso/settings')).json() as Record<string, unknown>
      expect(stored).toMatchObject({ issuer: idp.issuer, client_id: idp.clientId, client_secret_set: true, groups_claim: 'groups', role_mapping: { 'Nexatron Admins': 'admin', 'Data team': 'analyst' } })
      await expectAccessible(page, 'single sign-on')
      await screenshot(page, 'admin-14-sso')
      await page.getByRole('button', { name: 'Remove single sign-on' }).click()
      await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click()
      await page.getByText('Single sign-on is not configured.').waitFor()
      expect((await apiCall(s.server, 'GET', '/api/v1/sso/settings')).status).toBe(404)
    } finally {
      await idp.close()
    }
  })

  it('shows a viewer neither the Users page’s controls nor the webhook secret', async () => {
    const viewer = await s.newPage()
    await s.signIn(viewer, 'viewer@example.com')
    await viewer.goto(`${s.server.url}/settings/users`)
    await viewer.getByRole('heading', { name: 'Users', level: 1 }).waitFor()
    expect(await viewer.getByRole('button', { name: 'Create user' }).count()).toBe(0)
    expect(await viewer.getByRole('button', { name: /^Deactivate/ }).count()).toBe(0)
    await viewer.goto(`${s.server.url}/settings/webhook-secret`)
    await viewer.getByRole('heading', { name: 'Webhook secret', level: 1 }).waitFor()
    expect(await viewer.getByRole('button', { name: 'Rotate secret' }).count()).toBe(0)
    expect(await viewer.getByRole('link', { name: 'Audit log' }).count()).toBe(0)
    await expectAccessible(viewer, 'webhook secret (viewer)')
    await screenshot(viewer, 'admin-11-viewer-settings')
  })

  it('raised no CSP violation and no script error', () => {
    expect(s.problems).toEqual([])
  })
})
