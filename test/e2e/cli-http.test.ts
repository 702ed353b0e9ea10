// The CLI's HTTP commands against a listening server (ask, semantic validate),
// its one-line answer when the server cannot be reached, and the lock that
// keeps store commands off an embedded store another process is using.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtempSync, rmSync, existsSync } from 'node:fs'
import os from 'node:os'
import net from 'node:net'
import path from 'node:path'
import { createTestApp, type TestApp } from '../support/test-app'
import { listen, type LiveServer } from '../support/live-server'
import { openStore } from '../../src/store/db'

const run = promisify(execFile)
const NOW = new Date('2026-11-23T12:00:00Z')
let t: TestApp
let server: LiveServer
const { DATABASE_URL: _metadataStore, ...baseEnv } = process.env
const cli = (env: Record<string, string>, ...args: string[]) =>
  run(process.execPath, ['bin/nexatron.mjs', ...args], { env: { ...baseEnv, LOG_LEVEL: 'silent', ...env }, timeout: 60_000 })

beforeAll(async () => {
  t = await createTestApp({}, { demo: true, now: () => NOW })
  server = await listen(t.app)
})
afterAll(async () => { await server?.close(); await t?.close() })

describe('npx nexatron over HTTP', () => {
  it('asks a question and prints the streamed answer as a table (no spinner off a terminal), or as JSON', async () => {
    const env = { NEXATRON_URL: server.url, NEXATRON_API_KEY: t.adminKey }
    const { stdout, stderr } = await cli(env, 'ask', 'total sales by region in 2025')
    expect(stderr).toBe('')
    const lines = stdout.split('\n')
    expect(lines[0].split(/\s+/).sort()).toEqual(['store__region', 'total_sales'])
    expect(lines[1]).toMatch(/^-+\s+-+$/)
    expect(stdout).toMatch(/West\s+\d/)
    expect(stdout).toMatch(/Total sales/i)
    const json = JSON.parse((await cli(env, 'ask', '--json', 'total sales in 2025')).stdout)
    expect(json.status).toBe('succeeded')
    expect(json.data[0].total_sales).toBeGreaterThan(0)
    const csv = (await cli(env, 'ask', '--csv', 'total sales in 2025')).stdout
    expect(csv.split('\r\n')[0]).toBe('total_sales')
  })

  it('validates a connection by name and exits 0 when valid', async () => {
    const { stdout } = await cli({ NEXATRON_URL: server.url, NEXATRON_API_KEY: t.adminKey }, 'semantic', 'validate', '--connection', 'demo')
    expect(stdout).toMatch(/^valid/m)
  })

  it('answers a refused question with its message and exit code 1', async () => {
    const err = await cli({ NEXATRON_URL: server.url, NEXATRON_API_KEY: t.adminKey }, 'ask', 'xyzzy plugh frobnicate').catch((e) => e)
    expect(err.code).toBe(1)
    expect(err.stderr).toMatch(/^the question failed \(422\)/)
  })

  it('says in one line that the server cannot be reached, without a stack trace', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)) }) })
    const err = await cli({ NEXATRON_URL: `http://127.0.0.1:${port}`, NEXATRON_API_KEY: 'nxa_x' }, 'ask', 'total sales').catch((e) => e)
    expect(err.code).toBe(1)
    expect(err.stderr.trim().split('\n')).toHaveLength(1)
    expect(err.stderr).toMatch(new RegExp(`^nexatron: cannot reach the Nexatron server at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`))
    expect(err.stderr).not.toMatch(/\n\s+at /)
  })
})

describe('the embedded store lock', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nexatron-lock-'))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('refuses store commands while another process uses the embedded store, and frees it on close', async () => {
    const store = await openStore({ dataDir })
    const env = { NEXATRON_DATA_DIR: dataDir, NEXATRON_USER_PASSWORD: 'a long enough password' }
    const err = await cli(env, 'tenants', 'create', 'acme').catch((e) => e)
    expect(err.code).toBe(2)
    expect(err.stderr).toContain(`is in use by process ${process.pid}`)
    expect(err.stderr).not.toMatch(/\n\s+at /)
    await store.close()
    expect(existsSync(path.join(dataDir, 'store', 'nexatron.lock'))).toBe(false)
    const { stdout } = await cli(env, 'tenants', 'create', 'acme')
    expect(stdout).toContain('created tenant')
  })
})
