// What each admin-page browser test file shares on top of harness.ts: one
// started server with an admin, an analyst and a viewer, Chromium, signing
// in, axe, and a watch for CSP violations and script errors.
import { expect } from 'vitest'
import { existsSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { IN_CI, serviceAvailable } from '../../support/services'
import { apiCall, axeViolations, CHROMIUM, ensureConsoleBuilt, launchChromium, PASSWORD, startServer, type Server } from './harness'

export const hasChromium = existsSync(CHROMIUM)
if (!hasChromium && IN_CI) throw new Error(`no Chromium at ${CHROMIUM} (CI=true: .ci/run installs it)`)
if (!hasChromium) console.warn(`[skip] no Chromium at ${CHROMIUM}: skipping the admin browser suite`)

export interface AdminSession {
  server: Server
  browser: Browser
  /** Problems any page raised: CSP violations and uncaught script errors. */
  problems: string[]
  newPage(ctx?: BrowserContext): Promise<Page>
  signIn(p: Page, email: string): Promise<void>
  close(): Promise<void>
}

export async function startAdminSession(): Promise<AdminSession> {
  ensureConsoleBuilt()
  const server = await startServer()
  for (const [email, role] of [['analyst@example.com', 'analyst'], ['viewer@example.com', 'viewer']]) {
    const res = await apiCall(server, 'POST', '/api/v1/users', { email, password: PASSWORD, role })
    expect(res.status).toBe(201)
  }
  const browser = await launchChromium()
  const problems: string[] = []
  const contexts: BrowserContext[] = []
  return {
    server, browser, problems,
    async newPage(ctx) {
      let c = ctx
      if (!c) { c = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true }); contexts.push(c) }
      const p = await c.newPage()
      p.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text()) })
      p.on('pageerror', (e) => problems.push(String(e)))
      return p
    },
    async signIn(p, email) {
      await p.goto(`${server.url}/`)
      await p.getByLabel('Email').fill(email)
      await p.getByLabel('Password').fill(PASSWORD)
      await p.getByRole('button', { name: 'Sign in', exact: true }).click()
      await p.getByRole('link', { name: 'Ask' }).waitFor()
    },
    async close() {
      await browser.close()
      await server.stop()
    },
  }
}

export async function expectAccessible(p: Page, name: string): Promise<void> {
  expect(await axeViolations(p), `axe on ${name}`).toEqual([])
}

export const pgAvailable = async () => hasChromium && await serviceAvailable('postgres')

/** A schema of its own in the `test` database, with a couple of tables (dropped afterwards). */
export async function createPgSchema(sql: (schema: string) => string): Promise<{ schema: string; query(text: string): Promise<unknown>; drop(): Promise<void> }> {
  const schema = `console_admin_${randomBytes(4).toString('hex')}`
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' })
  await client.connect()
  await client.query(`CREATE SCHEMA ${schema}; ${sql(schema)}`)
  return { schema, query: (text) => client.query(text), drop: async () => { await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`); await client.end() } }
}

/** The `test` database on the local PostgreSQL, whose login is a superuser (hence allow_elevated_login). */
export async function createPgConnection(server: Server, name: string, schema: string): Promise<string> {
  const res = await apiCall(server, 'POST', '/api/v1/connections', {
    name, type: 'postgres', config: { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', ssl: 'disable', schemas: [schema] },
    credentials: { password: 'not-needed-with-trust' }, options: { allow_elevated_login: true },
  })
  if (res.status !== 201) throw new Error(`connection: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { id: string }).id
}
