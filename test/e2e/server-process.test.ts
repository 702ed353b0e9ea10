// `npm start` as a user runs it: a real process with the embedded store and
// demo, a configured bootstrap key, the CLI over HTTP, graceful shutdown and
// a restart that keeps its data.
import { afterAll, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { startServerProcess, type ServerProcess } from '../support/server-process'

const run = promisify(execFile)
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nexatron-proc-'))
const KEY = `nxa_${randomBytes(24).toString('hex')}`
// Each start listens where the kernel puts it: the restart is asked at its own address.
let server: ServerProcess | undefined
const url = () => server!.url
const start = async (env: Record<string, string>) => { server = await startServerProcess({ env: { NEXATRON_DATA_DIR: dataDir, ...env } }) }
const ask = (question: string) => fetch(`${url()}/api/v1/query`, {
  method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ question }),
})

afterAll(async () => {
  await server?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('the server process', () => {
  it('starts with the embedded store and demo, registers the configured key and answers', async () => {
    await start({ NEXATRON_BOOTSTRAP_API_KEY: KEY })
    expect(server!.output()).not.toContain('shown once') // a configured key is not printed
    expect(statSync(path.join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600)
    const res = await ask('What were total sales last quarter?')
    expect(res.status).toBe(200)
    const body = await res.json() as { summary: string; data: Array<{ total_sales: number }> }
    expect(body.data[0].total_sales).toBeGreaterThan(0)
    expect(body.summary).toMatch(/^Total sales last quarter were \$[\d,]+\.\d\d\.$/)
  })

  it('imports MetricFlow files through the CLI', async () => {
    const { stdout } = await run(process.execPath, ['bin/nexatron.mjs', 'semantic', 'import', '--connection', 'demo', 'src/demo/semantic'], {
      env: { ...process.env, NEXATRON_URL: url(), NEXATRON_API_KEY: KEY }, timeout: 120_000,
    })
    expect(JSON.parse(stdout)).toMatchObject({ mode: 'merge', models: 5, metrics: 5 })
    await expect(run(process.execPath, ['bin/nexatron.mjs', 'semantic', 'import', '--connection', 'nope', 'src/demo/semantic'], {
      env: { ...process.env, NEXATRON_URL: url(), NEXATRON_API_KEY: KEY }, timeout: 60_000,
    })).rejects.toMatchObject({ stderr: expect.stringContaining('no connection named "nope"') })
  })

  it('shuts down gracefully on SIGTERM, finishing the request in flight', async () => {
    const inflight = ask('daily sales by product')
    await new Promise((r) => setTimeout(r, 50))
    const code = await server!.stop()
    expect(code).toBe(0)
    expect(server!.output()).toContain('"msg":"stopped"')
    const res = await inflight.catch(() => null)
    // Either it finished before the socket closed, or it was refused outright; never a half answer.
    if (res) expect([200, 503]).toContain(res.status)
    await expect(fetch(`${url()}/health`)).rejects.toBeTruthy()
  })

  it('keeps its data across a restart and does not register a different bootstrap key', async () => {
    const other = `nxa_${randomBytes(24).toString('hex')}`
    await start({ NEXATRON_BOOTSTRAP_API_KEY: other })
    expect((await ask('orders last month')).status).toBe(200)
    const res = await fetch(`${url()}/api/v1/auth/me`, { headers: { authorization: `Bearer ${other}` } })
    expect(res.status).toBe(401)
  })
})
