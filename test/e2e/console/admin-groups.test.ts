// Groups in the console (Chromium against a started server): Settings → Users
// → Groups creates a group, adds and removes a member, edits its attributes
// (the API then holds them) and deletes it, with no accessibility violations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { apiCall } from './harness'
import { expectAccessible, hasChromium, startAdminSession, type AdminSession } from './admin-session'

describe.skipIf(!hasChromium)('groups on Settings → Users', () => {
  let s: AdminSession
  let page: Page
  beforeAll(async () => {
    s = await startAdminSession()
    page = await s.newPage()
    await s.signIn(page, 'admin@example.com')
  })
  afterAll(async () => { await s?.close() })

  const groupNamed = async (name: string) => {
    const list = await (await apiCall(s.server, 'GET', `/api/v1/groups?display_name=${encodeURIComponent(name)}`)).json() as { data: Array<{ id: string }> }
    if (!list.data[0]) return null
    return await (await apiCall(s.server, 'GET', `/api/v1/groups/${list.data[0].id}`)).json() as { attributes: Record<string, unknown>; members: Array<{ email: string }> }
  }

  it('creates a group, manages its members and attributes, and deletes it', async () => {
    await page.getByRole('link', { name: 'Settings' }).click()
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Users' }).click()
    await page.getByRole('tab', { name: 'Groups' }).click()
    await page.getByLabel('New group').fill('Sales West')
    await page.getByRole('button', { name: 'Create group' }).click()
    const row = page.getByRole('row').filter({ hasText: 'Sales West' })
    await row.waitFor()

    await page.getByRole('button', { name: 'Members of Sales West' }).click()
    await page.getByLabel('Add a member').selectOption({ label: 'analyst@example.com' })
    await page.getByRole('button', { name: 'Add', exact: true }).click()
    await page.getByRole('button', { name: 'Remove analyst@example.com from Sales West' }).waitFor()
    expect((await groupNamed('Sales West'))!.members.map((m) => m.email)).toEqual(['analyst@example.com'])

    await page.getByRole('button', { name: 'Edit attributes of Sales West' }).click()
    await page.getByLabel('Attributes of Sales West (JSON)').fill('{"region": ["West"]}')
    await expectAccessible(page, 'groups (members and attributes editor)')
    await page.getByRole('button', { name: 'Save attributes' }).click()
    await row.getByText('region: West').waitFor()
    expect((await groupNamed('Sales West'))!.attributes).toEqual({ region: ['West'] })
    // The Users tab lists each user's groups.
    await page.getByRole('tab', { name: 'Users' }).click()
    await page.getByRole('row').filter({ hasText: 'analyst@example.com' }).getByText('Sales West').waitFor()
    await page.getByRole('tab', { name: 'Groups' }).click()
    await page.getByRole('button', { name: 'Members of Sales West' }).click()

    await page.getByRole('button', { name: 'Remove analyst@example.com from Sales West' }).click()
    await page.getByText('No members.').waitFor()
    await page.getByRole('button', { name: 'Delete Sales West' }).click()
    await page.getByRole('button', { name: 'Delete group' }).click()
    await page.getByText('Group Sales West deleted.').waitFor()
    expect(await groupNamed('Sales West')).toBeNull()
    expect(s.problems).toEqual([])
  })
})
