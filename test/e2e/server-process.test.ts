// `npm start` as a user runs it: a real process with the embedded store and
// demo, a configured bootstrap key, the CLI over HTTP, graceful shutdown and
// a restart that keeps its data.
import { afterAll, describe, expect, it } from 'vitest'
import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'

const run = promisify(execFile)
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nexatron-proc-'))
const KEY = `nxa_${randomBytes(24).toString('hex')}`
const port = 21000 + Math.floor(Math.random() * 20000)
const url = `http://127.0.0.1:${port}`
let proc: ChildProcess | undefined
let out = ''

async function start(env: Record<string, string>): Promise<ChildProcess> {
  out = ''
  const p = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, PORT: String(port), NEXATRON_DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  })
  p.stdout!.on('data', (d) => { out += d })
  p.stderr!.on('data', (d) => { out += d })
  for (let i = 0; i < 1200; i++) {
    try { if ((await fetch(`${url}/health`)).ok) return p } catch { /* starting */ }
    if (p.exitCode !== null) throw new Error(`server exited: ${out}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`server did not start: ${out}`)
}
const stop = (p: ChildProcess) => new Promise<number | null>((resolve) => { p.once('exit', (code) => resolve(code)); p.kill('SIGTERM') })
const ask = (question: string) => fetch(`${url}/api/v1/query`, {
  method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ question }),
})

afterAll(async () => {
  if (proc && proc.exitCode === null) await stop(proc)
  rmSync(dataDir, { recursive: true, force: true })
})

describe('the server process', () => {
  it('starts with the embedded store and demo, registers the configured key and answers', async () => {
    proc = await start({ NEXATRON_BOOTSTRAP_API_KEY: KEY })
    expect(out).not.toContain('shown once') // a configured key is not printed
    expect(statSync(path.join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600)
    const res = await ask('What were total sales last quarter?')
    expect(res.status).toBe(200)
    const body = await res.json() as { summary: string; data: Array<{ total_sales: number }> }
    expect(body.data[0].total_sales).toBeGreaterThan(0)
    expect(body.summary).toMatch(/^Total sales last quarter were \$[\d,]+\.\d\d\.$/)
  })

  it('imports MetricFlow files through the CLI', async () => {
    const { stdout } = await run(process.execPath, ['bin/nexatron.mjs', 'semantic', 'import', '--connection', 'demo', 'src/demo/semantic'], {
      env: { ...process.env, NEXATRON_URL: url, NEXATRON_API_KEY: KEY }, timeout: 120_000,
    })
    expect(JSON.parse(stdout)).toMatchObject({ mode: 'merge', models: 5, metrics: 5 })
    await expect(run(process.execPath, ['bin/nexatron.mjs', 'semantic', 'import', '--connection', 'nope', 'src/demo/semantic'], {
      env: { ...process.env, NEXATRON_URL: url, NEXATRON_API_KEY: KEY }, timeout: 60_000,
    })).rejects.toMatchObject({ stderr: expect.stringContaining('no connection named "nope"') })
  })

  it('shuts down gracefully on SIGTERM, finishing the request in flight', async () => {
    const inflight = ask('daily sales by product')
    await new Promise((r) => setTimeout(r, 50))
    const code = await stop(proc!)
    expect(code).toBe(0)
    expect(out).toContain('"msg":"stopped"')
    const res = await inflight.catch(() => null)
    // Either it finished before the socket closed, or it was refused outright; never a half answer.
    if (res) expect([200, 503]).toContain(res.status)
    await expect(fetch(`${url}/health`)).rejects.toBeTruthy()
  })

  it('keeps its data across a restart and does not register a different bootstrap key', async () => {
    const other = `nxa_${randomBytes(24).toString('hex')}`
    proc = await start({ NEXATRON_BOOTSTRAP_API_KEY: other })
    expect((await ask('orders last month')).status).toBe(200)
    const res = await fetch(`${url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${other}` } })
    expect(res.status).toBe(401)
  })
})
