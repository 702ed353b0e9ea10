// Attributes in the console (Chromium against a started server): an admin
// sees and edits the attributes access policies read on Settings → Users and
// on API keys (the API then holds the new values), a malformed entry is named
// before anything is sent, and a key can be created with attributes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { apiCall } from './harness'
import { expectAccessible, hasChromium, startAdminSession, type AdminSession } from './admin-session'

describe.skipIf(!hasChromium)('attributes on Settings → Users and API keys', () => {
  let s: AdminSession
  let page: Page
  beforeAll(async () => {
    s = await startAdminSession()
    page = await s.newPage()
    await s.signIn(page, 'admin@example.com')
  })
  afterAll(async () => { await s?.close() })

  const userByEmail = async (email: string) => {
    const list = await (await apiCall(s.server, 'GET', '/api/v1/users?limit=100')).json() as { data: Array<{ email: string; attributes: Record<string, unknown> }> }
    return list.data.find((u) => u.email === email)!
  }

  it("shows and edits a user's attributes", async () => {
    await page.getByRole('link', { name: 'Settings' }).click()
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Users' }).click()
    const row = page.getByRole('row').filter({ hasText: 'analyst@example.com' })
    await row.waitFor()
    await row.getByText('none').waitFor()
    await page.getByRole('button', { name: 'Edit attributes of analyst@example.com' }).click()
    const editor = page.getByLabel('Attributes of analyst@example.com (JSON)')
    // A malformed entry is named, and nothing is saved.
    await editor.fill('{"bad-name": 1}')
    await page.getByRole('button', { name: 'Save attributes' }).click()
    await page.getByRole('alert').filter({ hasText: '"bad-name" is not an attribute name' }).waitFor()
    expect((await userByEmail('analyst@example.com')).attributes).toEqual({})
    await editor.fill('{"region": ["West", "South"]}')
    await expectAccessible(page, 'users (attributes editor)')
    await page.getByRole('button', { name: 'Save attributes' }).click()
    await row.getByText('region: West, South').waitFor()
    expect((await userByEmail('analyst@example.com')).attributes).toEqual({ region: ['West', 'South'] })
  })

  it('creates a key with attributes and edits them', async () => {
    await page.getByRole('link', { name: 'API keys' }).first().click()
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor()
    await page.getByRole('button', { name: 'Create API key' }).click()
    await page.getByLabel('Name', { exact: true }).fill('partner dashboard')
    await page.getByLabel('Attributes (JSON)').fill('{"partner_id": 42}')
    await page.getByRole('button', { name: 'Create', exact: true }).click()
    await page.getByRole('heading', { name: /partner dashboard/ }).waitFor()
    await page.getByRole('button', { name: 'Done' }).click()
    const row = page.getByRole('row').filter({ hasText: 'partner dashboard' })
    await row.getByText('partner_id: 42').waitFor()
    await page.getByRole('button', { name: 'Edit attributes of partner dashboard' }).click()
    await page.getByLabel('Attributes of partner dashboard (JSON)').fill('{"partner_id": 7}')
    await page.getByRole('button', { name: 'Save attributes' }).click()
    await row.getByText('partner_id: 7').waitFor()
    const keys = await (await apiCall(s.server, 'GET', '/api/v1/api-keys?limit=100')).json() as { data: Array<{ name: string; attributes: Record<string, unknown> }> }
    expect(keys.data.find((k) => k.name === 'partner dashboard')!.attributes).toEqual({ partner_id: 7 })
    expect(s.problems).toEqual([])
  })
})
