// Connections in the console, in Chromium against a started server and the
// local PostgreSQL: create (secrets write-only), test, browse the schema, edit
// one field with the others kept, delete after confirmation; a viewer's view.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { apiCall, screenshot } from './harness'
import { createPgConnection, createPgSchema, expectAccessible, hasChromium, pgAvailable, startAdminSession, type AdminSession } from './admin-session'

const hasPg = await pgAvailable()
const SECRET = 'write-only-secret-4711'

describe.skipIf(!hasChromium || !hasPg)('Connections in the console', () => {
  let s: AdminSession
  let page: Page
  let db: Awaited<ReturnType<typeof createPgSchema>>
  let connectionUrl = ''
  beforeAll(async () => {
    db = await createPgSchema((schema) => `
      CREATE TABLE ${schema}.customers (id int PRIMARY KEY, name text NOT NULL);
      CREATE TABLE ${schema}.orders (id int PRIMARY KEY, customer_id int REFERENCES ${schema}.customers(id), amount numeric(12,2), placed_on date);`)
    s = await startAdminSession()
    page = await s.newPage()
    await s.signIn(page, 'admin@example.com')
  })
  afterAll(async () => {
    await s?.close()
    await db?.drop()
  })

  it('creates a PostgreSQL connection from the engine’s own fields, without showing the secret back', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click()
    await page.getByRole('heading', { name: 'Connections', level: 1 }).waitFor()
    await page.getByRole('button', { name: 'Create connection' }).click()
    await page.getByLabel('Name').fill('e2e warehouse')
    expect(await page.getByLabel('Engine').inputValue()).toBe('postgres')
    await page.getByLabel('Host').fill('127.0.0.1')
    await page.getByLabel('Port').fill('5432')
    await page.getByLabel('Database').fill('test')
    await page.getByLabel('User').fill('postgres')
    await page.getByLabel('TLS mode').selectOption('disable')
    await page.getByLabel('Schemas to introspect').fill(db.schema)
    await page.getByLabel('Password', { exact: true }).fill(SECRET)
    await page.getByLabel('Statement timeout (ms)').fill('20000')
    await page.getByLabel('Accept a login that can do more than read').check()
    await expectAccessible(page, 'connections (create form)')
    await screenshot(page, 'admin-01-connection-create')
    // Another engine shows its own fields.
    await page.getByLabel('Engine').selectOption('snowflake')
    await page.getByLabel('Account').waitFor()
    expect(await page.getByLabel('Host').count()).toBe(0)
    await page.getByLabel('Engine').selectOption('postgres')
    await page.getByLabel('Host').fill('127.0.0.1')
    await page.getByLabel('Database').fill('test')
    await page.getByLabel('User').fill('postgres')
    await page.getByLabel('TLS mode').selectOption('disable')
    await page.getByLabel('Schemas to introspect').fill(db.schema)
    await page.getByLabel('Password', { exact: true }).fill(SECRET)
    await page.getByLabel('Accept a login that can do more than read').check()
    await page.getByRole('button', { name: 'Create', exact: true }).click()
    await page.getByRole('heading', { name: 'e2e warehouse', level: 1 }).waitFor()
    connectionUrl = page.url()
    expect(connectionUrl).toMatch(/\/connections\/conn_/)
    expect(await page.locator('dl.props').innerText()).toContain('Stored (write-only)')
    expect(await page.content()).not.toContain(SECRET)
  })

  it('tests the connection and reports what the login may do', async () => {
    await page.getByRole('button', { name: 'Test', exact: true }).click()
    const status = page.getByRole('status').filter({ hasText: 'Connected.' })
    await status.waitFor()
    const text = await status.innerText()
    expect(text).toMatch(/PostgreSQL \d+/)
    expect(text).toContain('can do more than read') // the local login is a superuser
  })

  it('browses the schema: tables, columns, types and keys', async () => {
    const orders = page.locator('ul.tables summary').filter({ hasText: `${db.schema}.orders` })
    await orders.waitFor()
    await orders.click()
    const table = page.getByRole('table', { name: `Columns of ${db.schema}.orders` })
    await table.waitFor()
    const body = await table.innerText()
    expect(body).toContain('amount')
    expect(body).toContain('numeric(12,2)')
    expect(body).toContain(`→ ${db.schema}.customers`)
    await page.getByLabel('Filter tables').fill('customers')
    await expect.poll(() => page.locator('ul.tables > li').count()).toBe(1)
    await expectAccessible(page, 'connection detail (schema)')
    await screenshot(page, 'admin-02-connection-detail')
  })

  it('edits one field and keeps every other field and the stored credentials', async () => {
    const patches: string[] = []
    page.on('request', (r) => { if (r.method() === 'PATCH' && r.url().includes('/api/v1/connections/')) patches.push(r.postData() ?? '') })
    await page.getByRole('button', { name: 'Edit', exact: true }).click()
    await page.getByRole('heading', { name: 'Edit e2e warehouse' }).waitFor()
    expect(await page.getByLabel('Host').inputValue()).toBe('127.0.0.1')
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('') // write-only: never filled back
    await page.getByLabel('Row limit').fill('1234')
    await page.getByLabel('Schemas to introspect').fill(`${db.schema}, public`)
    await expectAccessible(page, 'connections (edit form)')
    await screenshot(page, 'admin-03-connection-edit')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('heading', { name: 'e2e warehouse', level: 1 }).waitFor()
    expect(patches).toHaveLength(1)
    const shown = await page.locator('dl.props').innerText()
    for (const kept of ['127.0.0.1', '5432', 'postgres', 'disable', 'Stored (write-only)', '1234', `${db.schema}, public`]) expect(shown).toContain(kept)
    expect(JSON.parse(patches[0])).not.toHaveProperty('credentials')
    const id = connectionUrl.split('/').pop()!
    const conn = await (await apiCall(s.server, 'GET', `/api/v1/connections/${id}`)).json() as { config: Record<string, unknown>; options: Record<string, unknown>; has_credentials: boolean }
    expect(conn.config).toEqual({ host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', ssl: 'disable', schemas: [db.schema, 'public'] })
    expect(conn.options).toMatchObject({ max_rows: 1234, allow_elevated_login: true })
    expect(conn.has_credentials).toBe(true)
    // The kept password still works.
    expect((await apiCall(s.server, 'POST', `/api/v1/connections/${id}/test`)).status).toBe(200)
  })

  it('shows a viewer the connections without Create, Edit or Delete', async () => {
    const viewer = await s.newPage()
    await s.signIn(viewer, 'viewer@example.com')
    await viewer.getByRole('link', { name: 'Connections' }).click()
    await viewer.getByRole('link', { name: 'e2e warehouse' }).waitFor()
    expect(await viewer.getByRole('button', { name: 'Create connection' }).count()).toBe(0)
    await viewer.getByRole('link', { name: 'e2e warehouse' }).click()
    await viewer.getByRole('heading', { name: 'e2e warehouse', level: 1 }).waitFor()
    await viewer.getByRole('button', { name: 'Test', exact: true }).waitFor()
    expect(await viewer.getByRole('button', { name: 'Edit' }).count()).toBe(0)
    expect(await viewer.getByRole('button', { name: 'Delete' }).count()).toBe(0)
    await expectAccessible(viewer, 'connection detail (viewer)')
    await screenshot(viewer, 'admin-04-connection-viewer')
  })

  it('deletes a connection only after confirmation', async () => {
    const id = await createPgConnection(s.server, 'to delete', db.schema)
    await page.goto(`${s.server.url}/connections/${id}`)
    await page.getByRole('heading', { name: 'to delete', level: 1 }).waitFor()
    await page.getByRole('button', { name: 'Delete', exact: true }).click()
    const dialog = page.getByRole('dialog')
    await dialog.waitFor()
    await expectAccessible(page, 'connection delete dialog')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    expect((await apiCall(s.server, 'GET', `/api/v1/connections/${id}`)).status).toBe(200)
    await page.getByRole('button', { name: 'Delete', exact: true }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Delete connection' }).click()
    await page.waitForURL(`${s.server.url}/connections`)
    await page.getByRole('link', { name: 'e2e warehouse' }).waitFor()
    expect(await page.getByRole('link', { name: 'to delete' }).count()).toBe(0)
    expect((await apiCall(s.server, 'GET', `/api/v1/connections/${id}`)).status).toBe(404)
    await expectAccessible(page, 'connections list')
    await screenshot(page, 'admin-05-connections')
  })

  it('offers no edit form for a connection whose engine has none (the operator’s PGlite demo)', async () => {
    const list = await (await apiCall(s.server, 'GET', '/api/v1/connections?limit=100')).json() as { data: Array<{ id: string; name: string; type: string }> }
    const demo = list.data.find((c) => c.type === 'pglite')
    if (!demo) return // a server started without the demo warehouse
    await page.goto(`${s.server.url}/connections/${demo.id}`)
    await page.getByRole('heading', { name: demo.name, level: 1 }).waitFor()
    await page.getByRole('button', { name: 'Delete', exact: true }).waitFor()
    expect(await page.getByRole('button', { name: 'Edit', exact: true }).count()).toBe(0)
    await page.goto(`${s.server.url}/connections/${demo.id}/edit`)
    await page.getByText('is set up by the operator').waitFor()
    expect(await page.getByRole('button', { name: 'Save' }).count()).toBe(0)
  })

  it('raised no CSP violation and no script error', () => {
    expect(s.problems).toEqual([])
  })
})
