// The web console in a real browser (Debian's Chromium via playwright-core)
// against a started server: sign-in, Ask (stream, table, chart, SQL, CSV,
// follow-up, clarification, cancel), History, API keys, a viewer's view, XSS,
// the offline /docs page, axe-core on every page, screenshots of each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { serviceAvailable, IN_CI } from '../../support/services'
import {
  apiCall, axeViolations, CHROMIUM, createWarehouse, ensureConsoleBuilt, launchChromium, PASSWORD, ROOT, screenshot, startServer, XSS_VALUE,
  type Server, type Warehouse,
} from './harness'

const hasChromium = existsSync(CHROMIUM)
if (!hasChromium && IN_CI) throw new Error(`no Chromium at ${CHROMIUM} (CI=true: .ci/run installs it)`)
if (!hasChromium) console.warn(`[skip] no Chromium at ${CHROMIUM}: skipping the browser suite`)
const hasPg = hasChromium && await serviceAvailable('postgres')

let server: Server
let warehouse: Warehouse | undefined
let browser: Browser
let context: BrowserContext
let page: Page
const cspViolations: string[] = []
const pageErrors: string[] = []

async function watch(p: Page) {
  p.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text()) })
  p.on('pageerror', (e) => pageErrors.push(String(e)))
}

async function newPage(ctx: BrowserContext): Promise<Page> {
  const p = await ctx.newPage()
  await watch(p)
  return p
}

async function signIn(p: Page, email: string) {
  await p.goto(`${server.url}/`)
  await p.getByLabel('Email').fill(email)
  await p.getByLabel('Password').fill(PASSWORD)
  await p.getByRole('button', { name: 'Sign in', exact: true }).click()
  await p.getByRole('link', { name: 'Ask' }).waitFor()
}

async function expectAccessible(p: Page, name: string) {
  expect(await axeViolations(p), `axe on ${name}`).toEqual([])
}

/** Leaves the conversation; `after` says a successful answer came last, so its conversation id is on its way. */
async function newConversation(p: Page, after: 'answer' | 'other' = 'other') {
  const button = p.getByRole('button', { name: 'New conversation' })
  if (after === 'answer') await button.waitFor()
  if (await button.count()) await button.click()
}

async function ask(p: Page, question: string) {
  await p.getByLabel('Ask a question').fill(question)
  await p.getByRole('button', { name: 'Ask', exact: true }).click()
}

describe.skipIf(!hasChromium)('the web console in Chromium', () => {
  beforeAll(async () => {
    ensureConsoleBuilt()
    server = await startServer()
    for (const [email, role] of [['analyst@example.com', 'analyst'], ['viewer@example.com', 'viewer']]) {
      const res = await apiCall(server, 'POST', '/api/v1/users', { email, password: PASSWORD, role })
      expect(res.status).toBe(201)
    }
    if (hasPg) warehouse = await createWarehouse(server)
    browser = await launchChromium()
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })
    page = await newPage(context)
  }, 300_000) // a server start, a warehouse and a browser, on a loaded CI machine
  afterAll(async () => {
    await browser?.close()
    await warehouse?.drop()
    await server?.stop()
  })

  it('shows the sign-in page with first-start help, and refuses a wrong password', async () => {
    await page.goto(`${server.url}/`)
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    const help = await page.getByRole('region', { name: 'First sign-in' }).innerText()
    expect(help).toContain('NEXATRON_BOOTSTRAP_ADMIN_EMAIL')
    expect(help).toContain('npx nexatron users create')
    await expectAccessible(page, 'sign-in')
    await screenshot(page, '01-sign-in')
    await page.getByLabel('Email').fill('admin@example.com')
    await page.getByLabel('Password').fill('not the password')
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await expect(page.getByRole('alert').innerText()).resolves.toMatch(/invalid|incorrect|wrong/i)
  })

  it('signs in, keeps the refresh token out of script reach, and survives a reload through the Secure cookie on http://127.0.0.1', async () => {
    await signIn(page, 'admin@example.com')
    expect(await page.evaluate('document.cookie')).not.toContain('nexatron_refresh')
    const cookies = await context.cookies()
    const refresh = cookies.find((c) => c.name === 'nexatron_refresh')!
    expect(refresh).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/api/v1/auth' })
    await page.reload()
    await page.getByRole('link', { name: 'Ask' }).waitFor()
    expect(await page.getByText('admin@example.com').count()).toBeGreaterThan(0)
    // the reload spent the old refresh token and got a new one
    const rotated = (await context.cookies()).find((c) => c.name === 'nexatron_refresh')!
    expect(rotated.value).not.toBe(refresh.value)
    for (const name of ['Ask', 'History', 'Connections', 'Semantic layer', 'Settings']) {
      await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).count()).resolves.toBe(1)
    }
  })

  it('asks a question: the summary, a big-number chart, the table and the SQL disclosure', async () => {
    await ask(page, 'total sales last quarter')
    const summary = page.locator('.summary')
    await summary.waitFor()
    expect(await summary.innerText()).toMatch(/^Total sales last quarter were \$[\d,]+\.\d\d\.$/)
    const chart = page.getByRole('img', { name: /^Chart/ })
    await chart.waitFor()
    expect(await chart.innerText()).toMatch(/^\$[\d,]+\.\d\d/)
    const table = page.getByRole('table')
    expect(await table.getByRole('row').count()).toBe(2)
    // formatted with the metric's currency format
    expect(await table.locator('tbody td').first().innerText()).toMatch(/^\$[\d,]+\.\d\d$/)
    await page.getByText('SQL', { exact: true }).click()
    const sql = await page.locator('details.sql').innerText()
    expect(sql).toMatch(/SELECT/)
    expect(sql).toContain('Explanation.')
    expect(sql).toMatch(/\$1 = "\d{4}-\d{2}-\d{2}/)
  })

  it('follows up in the same conversation and draws a bar chart, sorts the table and downloads CSV', async () => {
    const bodies: string[] = []
    page.on('request', (r) => { if (r.url().endsWith('/api/v1/query/stream')) bodies.push(r.postData() ?? '') })
    // the conversation id arrives from history just after the first answer
    await page.getByRole('button', { name: 'New conversation' }).waitFor()
    await ask(page, 'and by region?')
    await page.getByRole('img', { name: /^Chart: .* by / }).waitFor()
    expect(JSON.parse(bodies.at(-1)!).conversation_id).toMatch(/^conv_/)
    expect(await page.locator('figure.chart rect').count()).toBeGreaterThan(1)
    await expect(page.getByRole('region', { name: 'Conversation' }).innerText()).resolves.toContain('total sales last quarter')
    const header = page.getByRole('columnheader').filter({ hasText: /sales/i })
    await header.getByRole('button').click()
    expect(await header.getAttribute('aria-sort')).toBe('ascending')
    const values = await page.locator('tbody tr td.num').allInnerTexts()
    const numbers = values.map((v) => Number(v.replace(/[$,]/g, '')))
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b))
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()])
    const csv = readFileSync((await download.path())!, 'utf8')
    expect(csv.split('\r\n')[0]).toBe('total_sales,store__region')
    expect(download.suggestedFilename()).toMatch(/^qry_.*\.csv$/)
    await expectAccessible(page, 'ask')
    const shot = await screenshot(page, '02-ask')
    mkdirSync(path.join(ROOT, 'docs/screenshots'), { recursive: true })
    copyFileSync(shot, path.join(ROOT, 'docs/screenshots/ask.png'))
  })

  it('draws two metrics over time as two lines with a legend', async () => {
    await newConversation(page, 'answer')
    await ask(page, 'monthly sales and orders this year')
    await page.getByRole('img', { name: /^Chart: .* over / }).waitFor()
    expect(await page.locator('figure.chart polyline').count()).toBe(2)
    expect(await page.locator('figure.chart .legend li').count()).toBe(2)
    await expectAccessible(page, 'ask (line chart)')
    await screenshot(page, '02b-ask-lines')
  })

  it('shows clarification candidates as buttons and runs the chosen interpretation', async () => {
    await newConversation(page, 'answer')
    const posted: string[] = []
    page.on('request', (r) => { if (r.url().endsWith('/api/v1/query') && r.method() === 'POST') posted.push(r.postData() ?? '') })
    await ask(page, 'units of headphones sold this year')
    const region = page.getByRole('region', { name: 'Clarification' })
    await region.waitFor()
    const candidate = region.getByRole('button').first()
    await candidate.click()
    await page.getByRole('table').waitFor()
    expect(JSON.parse(posted.at(-1)!)).toMatchObject({ question: 'units of headphones sold this year', interpretation: expect.stringMatching(/^int_/) })
    expect(await page.locator('.summary').innerText()).not.toBe('')
    await expectAccessible(page, 'ask (clarified)')
  })

  it.skipIf(!hasPg)('cancels a slow query: the stream closes and the query stops in PostgreSQL', async () => {
    await newConversation(page)
    await page.getByLabel('Connection').selectOption({ label: 'warehouse (postgres)' })
    await ask(page, 'slow revenue')
    const cancel = page.getByRole('button', { name: 'Cancel' })
    await cancel.waitFor()
    const deadline = Date.now() + 20_000
    while (!(await warehouse!.active('slow_sales')).some((r) => r.state === 'active') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    expect((await warehouse!.active('slow_sales')).some((r) => r.state === 'active')).toBe(true)
    await cancel.click()
    await page.getByText('Cancelled. The query was stopped in the database.').waitFor()
    const gone = Date.now() + 3000
    let running = await warehouse!.active('slow_sales')
    while (running.some((r) => r.state === 'active') && Date.now() < gone) {
      await new Promise((r) => setTimeout(r, 100))
      running = await warehouse!.active('slow_sales')
    }
    expect(running.filter((r) => r.state === 'active')).toEqual([])
    // recorded as cancelled: the History test below finds it under that status
  })

  it.skipIf(!hasPg)('renders a data value holding HTML as inert text', async () => {
    await newConversation(page)
    await page.getByLabel('Connection').selectOption({ label: 'warehouse (postgres)' })
    await ask(page, 'revenue by region')
    await page.getByRole('table').waitFor()
    await page.getByText('Download CSV').waitFor()
    await expect(page.getByRole('cell', { name: XSS_VALUE }).count()).resolves.toBe(1)
    expect(await page.locator('main img').count()).toBe(0)
    expect(await page.evaluate('window.__xss')).toBeUndefined()
  })

  it('renders a question holding HTML as inert text', async () => {
    await newConversation(page, hasPg ? 'answer' : 'other')
    await page.getByLabel('Connection').selectOption({ index: 0 })
    const hostile = 'total sales <img src=x onerror="window.__xss=2"> last quarter'
    await ask(page, hostile)
    await page.waitForSelector('.summary, .error, .clarify')
    await page.goto(`${server.url}/history`)
    await page.getByRole('link', { name: hostile }).waitFor()
    expect(await page.locator('main img').count()).toBe(0)
    expect(await page.evaluate('window.__xss')).toBeUndefined()
  })

  it('lists history newest first, filters by status, opens, re-runs and deletes a query', async () => {
    await page.goto(`${server.url}/history`)
    await page.getByRole('table').waitFor()
    const firstRow = page.locator('tbody tr').first()
    expect(await firstRow.innerText()).toContain('total sales <img')
    await expectAccessible(page, 'history')
    await screenshot(page, '03-history')
    if (hasPg) {
      await page.getByLabel('Status').selectOption('cancelled')
      await expect.poll(() => page.locator('tbody tr').count()).toBe(1)
      await page.getByRole('link', { name: 'slow revenue' }).waitFor()
      await expect(page.locator('tbody').innerText()).resolves.toContain('cancelled')
      await page.getByLabel('Status').selectOption('')
    }
    await page.getByRole('link', { name: 'and by region?' }).click()
    await page.getByRole('heading', { name: 'and by region?' }).waitFor()
    await page.getByRole('table').waitFor()
    // the stored result is drawn again by the same chart rules
    await page.getByRole('img', { name: /^Chart: .* by / }).waitFor()
    await expectAccessible(page, 'history detail')
    await screenshot(page, '04-history-detail')
    const detailUrl = page.url()
    const rowsBefore = await page.locator('tbody tr').count()
    // a follow-up re-runs its own plan (its words alone would lose the conversation), as a new run
    await page.getByRole('button', { name: 'Re-run' }).click()
    await page.waitForURL((u) => u.href !== detailUrl && /\/history\/qry_/.test(u.pathname))
    await page.getByRole('heading', { name: 'and by region?' }).waitFor()
    await expect.poll(() => page.locator('tbody tr').count()).toBe(rowsBefore)
    await page.goto(detailUrl)
    await page.getByRole('button', { name: 'Delete' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByRole('button', { name: 'Delete' }).click()
    await page.waitForURL(`${server.url}/history`)
    const res = await page.goto(detailUrl)
    expect(res?.status()).toBe(200) // the console itself answers; the API says 404
    await expect(page.getByRole('alert').innerText()).resolves.toMatch(/not found/i)
  })

  it('creates an API key shown once that works against the API, and revokes it after confirmation', async () => {
    await page.goto(`${server.url}/`)
    await page.getByRole('link', { name: 'Settings' }).click()
    await page.getByRole('link', { name: 'API keys' }).click()
    await page.getByRole('button', { name: 'Create API key' }).click()
    await page.getByLabel('Name').fill('console e2e key')
    await page.getByRole('button', { name: 'Create', exact: true }).click()
    const secret = page.getByLabel('New API key', { exact: true })
    await secret.waitFor()
    const key = (await secret.innerText()).trim()
    expect(key).toMatch(/^nxa_[A-Za-z0-9]{40,}$/)
    expect((await apiCall(server, 'GET', '/api/v1/auth/me', undefined, key)).status).toBe(200)
    await expect(page.getByRole('button', { name: 'Copy key' }).count()).resolves.toBe(1)
    const row = page.getByRole('row').filter({ hasText: 'console e2e key' })
    expect(await row.innerText()).toContain(`${key.slice(0, 8)}…${key.slice(-4)}`)
    await expectAccessible(page, 'api keys (created)')
    const shot = await screenshot(page, '05-api-keys')
    copyFileSync(shot, path.join(ROOT, 'docs/screenshots/api-keys.png'))
    // shown once: gone after a reload
    await page.reload()
    await page.getByRole('row').filter({ hasText: 'console e2e key' }).waitFor()
    expect(await page.content()).not.toContain(key)
    await page.getByRole('button', { name: 'Revoke console e2e key' }).click()
    await expectAccessible(page, 'api keys (revoke dialog)')
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click()
    await page.getByRole('dialog').waitFor({ state: 'hidden' })
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'console e2e key' }).count()).toBe(0)
    expect((await apiCall(server, 'GET', '/api/v1/auth/me', undefined, key)).status).toBe(401)
  })

  it('passes axe on the admin pages', async () => {
    for (const [link, name] of [['Connections', 'connections'], ['Semantic layer', 'semantic-layer']] as const) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click()
      await page.getByRole('heading', { name: link, level: 1 }).waitFor()
      await expectAccessible(page, name)
      await screenshot(page, `06-${name}`)
    }
    for (const [link, name] of [['Users', 'users'], ['Webhook secret', 'webhook-secret']] as const) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click()
      await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: link }).click()
      await page.getByRole('heading', { name: link, level: 1 }).waitFor()
      await expectAccessible(page, name)
      await screenshot(page, `07-${name}`)
    }
  })

  it('shows a viewer no write controls', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const p = await newPage(ctx)
    await signIn(p, 'viewer@example.com')
    await expect(p.getByText(/cannot run questions/).count()).resolves.toBe(1)
    expect(await p.getByRole('button', { name: 'Ask', exact: true }).count()).toBe(0)
    await expectAccessible(p, 'ask (viewer)')
    await screenshot(p, '08-viewer-ask')
    await p.getByRole('link', { name: 'Settings' }).click()
    await p.getByRole('heading', { name: 'API keys' }).waitFor()
    expect(await p.getByRole('button', { name: 'Create API key' }).count()).toBe(0)
    expect(await p.getByRole('link', { name: 'Users' }).count()).toBe(0)
    await p.getByRole('link', { name: 'History' }).click()
    await p.getByRole('table').waitFor()
    expect(await p.getByRole('button', { name: 'Delete' }).count()).toBe(0)
    await ctx.close()
  })

  it('signs out: the session cookie is cleared and a reload shows the sign-in page', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
    expect((await context.cookies()).find((c) => c.name === 'nexatron_refresh')).toBeUndefined()
    await page.reload()
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
  })

  it('serves /docs offline: Swagger UI renders from local files with the strict CSP', async () => {
    const requests: string[] = []
    page.on('request', (r) => requests.push(r.url()))
    await page.goto(`${server.url}/docs`)
    await page.locator('.swagger-ui .info .title').waitFor({ timeout: 30_000 })
    expect(await page.locator('.swagger-ui .info .title').innerText()).toContain('Nexatron API')
    expect(requests.filter((u) => !u.startsWith(server.url) && !u.startsWith('data:'))).toEqual([])
    await screenshot(page, '09-docs')
  })

  it('raised no CSP violation and no script error on any page', () => {
    expect(cspViolations).toEqual([])
    expect(pageErrors).toEqual([])
  })
})
