// `npm start` runs the compiled build (scripts/build-server.mjs), not the
// TypeScript: everything it finds at run time relative to its own files must
// be there too. The other process-level tests run the sources through tsx, so
// they test the code being edited; this one builds into a scratch folder and
// runs that: migrations applied (PostgreSQL store), the demo's semantic files
// imported, the demo warehouse's thread started from the build, a question
// answered; and the compiled CLI runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { serviceAvailable, SERVICES } from '../support/services'
import { startServerProcess, type ServerProcess } from '../support/server-process'

const run = promisify(execFile)
const hasPg = await serviceAvailable('postgres')
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')
const BUILD = `.tmp-build-${randomBytes(3).toString('hex')}`
const DB = `nexatron_compiled_${randomBytes(4).toString('hex')}`
const KEY = `nxa_${randomBytes(24).toString('hex')}`
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nexatron-compiled-'))
const dbUrl = SERVICES.postgres.url.replace(/\/[^/]*$/, `/${DB}`)

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: SERVICES.postgres.url })
  await c.connect()
  try { await c.query(sql) } finally { await c.end() }
}

let server: ServerProcess | undefined

describe.skipIf(!hasPg)('the compiled server', () => {
  beforeAll(async () => {
    await admin(`CREATE DATABASE ${DB}`)
    const { stdout } = await run(process.execPath, ['scripts/build-server.mjs', `${BUILD}/src`], { cwd: ROOT, timeout: 120_000 })
    expect(stdout).toMatch(/build:server/)
  }, 150_000)
  afterAll(async () => {
    if (server && server.proc.exitCode === null) { server.proc.kill('SIGKILL'); await server.exited }
    rmSync(path.join(ROOT, BUILD), { recursive: true, force: true })
    rmSync(dataDir, { recursive: true, force: true })
    if (hasPg) await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`).catch(() => {})
  })

  it('is plain JavaScript: no TypeScript is loaded at run time', () => {
    const files = readdirSync(path.join(ROOT, BUILD, 'src'))
    expect(files).toEqual(expect.arrayContaining(['server.js', 'cli.js', 'warehouse-thread.js', 'pglite-seed.tar.gz', 'pglite-seed.json']))
    expect(existsSync(path.join(ROOT, BUILD, 'src/demo/semantic/metrics.yaml'))).toBe(true)
  })

  it('runs the compiled CLI', async () => {
    const err = await run(process.execPath, [path.join(BUILD, 'src/cli.js')], { cwd: ROOT, timeout: 60_000 }).catch((e: { code: number; stderr: string }) => e)
    expect(err).toMatchObject({ code: 2 })
    expect((err as { stderr: string }).stderr).toMatch(/usage:\n\s+nexatron semantic import/)
  })

  it('starts, migrates, runs the demo warehouse thread and answers a question', async () => {
    // No --import tsx: a .ts file anywhere in the graph would fail to load.
    server = await startServerProcess({
      args: [path.join(BUILD, 'src/server.js')],
      env: { DATABASE_URL: dbUrl, NEXATRON_SECRET_KEY: randomBytes(32).toString('base64'), NEXATRON_BOOTSTRAP_API_KEY: KEY, NEXATRON_DATA_DIR: dataDir },
    })
    const { url } = server
    expect((await fetch(`${url}/health/ready`)).status).toBe(200)
    const res = await fetch(`${url}/api/v1/query`, {
      method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'What were total sales last quarter?' }),
    })
    const body = await res.json() as { status: string; data: Array<{ total_sales: number }> }
    expect(res.status).toBe(200)
    expect(body.data[0].total_sales).toBeGreaterThan(0)
    expect(await server.stop()).toBe(0)
  }, 180_000)
})
