// docs/deploy/ against the server they deploy: the environment file is a
// configuration the server accepts, the nginx and systemd settings agree with
// the server's own limits, and the systemd unit is one systemd accepts.
// (test/e2e/proxy-scale-out.test.ts runs nginx.conf and the env file for real.)
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { loadConfig } from '../../src/config'

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')
const read = (f: string) => readFileSync(path.join(ROOT, f), 'utf8')
const ENV_FILE = read('docs/deploy/nexatron.env')
const UNIT = read('docs/deploy/nexatron@.service')
const NGINX = read('docs/deploy/nginx.conf')

const env = Object.fromEntries([...ENV_FILE.matchAll(/^([A-Z_][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1], m[2].trim()]))
/** `name value;` of an nginx directive (the first one). */
const directive = (name: string) => new RegExp(`^\\s*${name}\\s+([^;]+);`, 'm').exec(NGINX)?.[1]
const seconds = (v: string) => { const m = /^(\d+)(ms|s|m)?$/.exec(v)!; return Number(m[1]) * ({ ms: 0.001, s: 1, m: 60 }[m[2] ?? 's'] as number) }
const defaults = loadConfig({})

describe('docs/deploy', () => {
  it('sets only variables the server reads, and the server accepts them', () => {
    const known = read('src/config.ts')
    expect(Object.keys(env).length).toBeGreaterThan(5)
    for (const name of Object.keys(env)) expect(known, `${name} is not read by src/config.ts`).toMatch(new RegExp(`\\b${name}\\b`))
    // The secret is left for the operator to fill in: the server refuses to start without it.
    expect(env.NEXATRON_SECRET_KEY).toBe('')
    const config = loadConfig({ ...env, NEXATRON_SECRET_KEY: randomBytes(32).toString('base64') })
    expect(config).toMatchObject({ host: '127.0.0.1', demo: false, limits: { trustProxy: true } })
    expect(config.databaseUrl).toMatch(/^postgres:/)
    expect(config.limits.redisUrl).toMatch(/^redis:/)
  })

  it('starts the server with the flags of npm start', () => {
    const flags = (cmd: string) => /node ((?:--\S+ )*)dist\/src\/server\.js/.exec(cmd)?.[1].trim()
    const start = flags(JSON.parse(read('package.json')).scripts.start)
    expect(start).toMatch(/--max-semi-space-size=\d+/)
    expect(flags(/^ExecStart=(.*)$/m.exec(UNIT)![1])).toBe(start)
  })

  it('gives systemd a stop timeout above the drain grace period', () => {
    const stopS = Number(/^TimeoutStopSec=(\d+)$/m.exec(UNIT)?.[1])
    expect(/^KillSignal=SIGTERM$/m.test(UNIT)).toBe(true)
    expect(stopS * 1000).toBeGreaterThan(loadConfig({ NEXATRON_SHUTDOWN_TIMEOUT_MS: env.NEXATRON_SHUTDOWN_TIMEOUT_MS }).shutdownTimeoutMs)
  })

  it('keeps nginx\'s limits in step with the server\'s', () => {
    // A response may be silent for as long as a statement may run.
    expect(seconds(directive('proxy_read_timeout')!) * 1000).toBeGreaterThanOrEqual(defaults.query.maxTimeoutMs)
    // The body limit is the server's, and nginx's refusal names the same figure.
    const size = /^(\d+)([km]?)$/.exec(directive('client_max_body_size')!)!
    expect(Number(size[1]) * ({ '': 1, k: 1024, m: 2 ** 20 }[size[2]] as number)).toBe(defaults.maxBodyBytes)
    expect(NGINX).toContain(`exceeds ${defaults.maxBodyBytes} bytes`)
    expect(directive('proxy_buffering')).toBe('off')
    expect(directive('proxy_http_version')).toBe('1.1')
    expect(directive('proxy_set_header Connection')).toBe('""')
    // the server keeps an incoming request id only from the proxy, so the proxy must overwrite the client's
    expect(directive('proxy_set_header X-Request-Id')).toBe('$request_id')
  })

  const analyze = spawnSync('systemd-analyze', ['--version']).status === 0
  if (!analyze) console.warn('[skip] systemd-analyze is not installed: not verifying docs/deploy/nexatron@.service')
  it.skipIf(!analyze)('is a unit systemd accepts', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nexatron-unit-'))
    try {
      // An instance of the template, with this machine's node in place of /usr/bin/node.
      const unit = path.join(dir, 'nexatron@3000.service')
      writeFileSync(unit, UNIT.replace('/usr/bin/node ', `${process.execPath} `))
      const res = spawnSync('systemd-analyze', ['verify', '--man=no', unit], { encoding: 'utf8', timeout: 60_000 })
      expect(res.status, res.stderr).toBe(0)
      expect(res.stderr).not.toMatch(/nexatron@3000\.service/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
