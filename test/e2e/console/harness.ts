// What the browser suite needs: a built console, a started server (as `npm
// start` runs it, with a bootstrap admin user), a PostgreSQL warehouse with a
// slow view (to cancel) and a hostile value (XSS), Chromium, and axe-core.
import { execFileSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { chromium, type Browser, type Page } from 'playwright-core'
import { startServerProcess } from '../../support/server-process'

export const ROOT = path.resolve(import.meta.dirname, '../../..')
export const ARTIFACTS = path.join(ROOT, 'test-artifacts/console')
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const PASSWORD = 'console e2e password'
export const XSS_VALUE = '<img src=x onerror="window.__xss=1">'

/** `npm install` builds the console (prepare); a checkout that skipped it is built here. */
export function ensureConsoleBuilt(): void {
  if (existsSync(path.join(ROOT, 'console/dist/index.html'))) return
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', 'console', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit', timeout: 120_000 })
}

export interface Server { url: string; key: string; proc: ChildProcess; dataDir: string; output: () => string; stop(): Promise<void> }

export async function startServer(): Promise<Server> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nexatron-console-e2e-'))
  const key = `nxa_${randomBytes(24).toString('hex')}`
  const server = await startServerProcess({
    env: {
      NEXATRON_DATA_DIR: dataDir, NEXATRON_BOOTSTRAP_API_KEY: key,
      NEXATRON_BOOTSTRAP_ADMIN_EMAIL: 'admin@example.com', NEXATRON_BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
      NEXATRON_LOGIN_RATE_LIMIT_PER_15MIN: '1000', NEXATRON_RATE_LIMIT_PER_HOUR: '100000', NEXATRON_TENANT_RATE_LIMIT_PER_HOUR: '1000000',
      NEXATRON_SSE_KEEPALIVE_MS: '200',
    },
  }).catch((err) => { rmSync(dataDir, { recursive: true, force: true }); throw err })
  return {
    url: server.url, key, proc: server.proc, dataDir, output: server.output,
    stop: async () => { await server.stop(); rmSync(dataDir, { recursive: true, force: true }) },
  }
}

export async function apiCall(s: Server, method: string, p: string, body?: unknown, key = s.key): Promise<Response> {
  return fetch(`${s.url}${p}`, {
    method, headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

const SEMANTIC = `
semantic_model:
  name: sales
  node_relation: { schema_name: shop, alias: sales }
  defaults: { agg_time_dimension: sold_on }
  entities:
    - { name: sale, type: primary, expr: id }
  dimensions:
    - { name: sold_on, type: time, type_params: { time_granularity: day } }
    - { name: region, type: categorical, label: Region }
  measures:
    - { name: amount, agg: sum }
---
semantic_model:
  name: slow_sales
  node_relation: { schema_name: shop, alias: slow_sales }
  defaults: { agg_time_dimension: sold_on }
  entities:
    - { name: slow_sale, type: primary, expr: id }
  dimensions:
    - { name: sold_on, type: time, type_params: { time_granularity: day } }
  measures:
    - { name: slow_amount, agg: sum, expr: amount }
---
metrics:
  - { name: revenue, label: Revenue, type: simple, type_params: { measure: amount }, format: { type: currency, currency: USD } }
  - { name: slow_revenue, label: Slow revenue, type: simple, type_params: { measure: slow_amount } }
`

export interface Warehouse { db: string; connectionId: string; admin: pg.Client; active(like: string): Promise<Array<{ state: string }>>; drop(): Promise<void> }

/** A PostgreSQL database with a view that sleeps per row (a query to cancel) and a region named like an XSS payload. */
export async function createWarehouse(s: Server): Promise<Warehouse> {
  const db = `nexatron_console_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' })
  await admin.connect()
  // CREATE DATABASE copies template1 and fails while another session (a parallel test) is copying it too: retry.
  for (let attempt = 0; ; attempt++) {
    try { await admin.query(`CREATE DATABASE ${db}`); break } catch (e) {
      if ((e as { code?: string }).code !== '55006' || attempt >= 10) throw e
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 500))
    }
  }
  const setup = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: db })
  await setup.connect()
  await setup.query(`
    CREATE SCHEMA shop;
    CREATE TABLE shop.sales (id int PRIMARY KEY, sold_on date NOT NULL, region text NOT NULL, amount numeric(12,2) NOT NULL);
    INSERT INTO shop.sales SELECT g, current_date - (g % 300), (ARRAY['North','South','East'])[1 + g % 3], (g % 97) + 0.25 FROM generate_series(1, 3000) g;
    INSERT INTO shop.sales VALUES (100000, current_date, $$${XSS_VALUE}$$, 42);
    CREATE VIEW shop.slow_sales AS SELECT s.* FROM shop.sales s WHERE pg_sleep(0.02) IS NOT NULL;`)
  await setup.end()
  const res = await apiCall(s, 'POST', '/api/v1/connections', {
    name: 'warehouse', type: 'postgres', config: { host: '127.0.0.1', port: 5432, database: db, user: 'postgres', ssl: 'disable' },
    credentials: { password: 'not-needed-with-trust' }, options: { max_rows: 50000, timeout_ms: 120000, allow_elevated_login: true },
  })
  if (res.status !== 201) throw new Error(`connection: ${res.status} ${await res.text()}`)
  const connectionId = ((await res.json()) as { id: string }).id
  const imp = await apiCall(s, 'POST', '/api/v1/semantic/import', { connection_id: connectionId, files: [{ path: 'models.yml', content: SEMANTIC }], mode: 'replace' })
  if (imp.status !== 200) throw new Error(`import: ${imp.status} ${await imp.text()}`)
  return {
    db, connectionId, admin,
    active: async (like) => (await admin.query(`SELECT state FROM pg_stat_activity WHERE datname = $1 AND query ILIKE $2 AND pid <> pg_backend_pid()`, [db, `%${like}%`])).rows,
    drop: async () => { await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`); await admin.end() },
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  })
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export interface AxeViolation { id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }

/**
 * axe-core's serious and critical violations on the page. The script is
 * evaluated over the DevTools protocol, which the page's CSP does not govern:
 * no inline <script> is injected, so the CSP under test stays untouched.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE)
  const violations = await page.evaluate("axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)") as AxeViolation[]
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target })) }))
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true })
  const file = path.join(ARTIFACTS, `${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  return file
}
