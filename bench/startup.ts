// Start-up and idle footprint of the server, measured from outside as an
// operator would: time from spawn to the first `/health` 200, RSS (`ps -o rss`)
// after 10 s idle, and RSS after the first demo question.
// `npx tsx bench/startup.ts [ts|dist]` prints the figures for the embedded
// default (first and warm start) and for a production start on PostgreSQL.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export type Runtime = 'ts' | 'dist'

/** Node's flags in `npm start` (and the systemd unit), so the bench measures the server as it is run. */
export const START_FLAGS = /node ((?:--\S+ )*)dist\/src\/server\.js/.exec(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start)![1].trim().split(' ').filter(Boolean)

/** How the server is started: compiled JavaScript when built, otherwise TypeScript through tsx in-process (so the pid is the server's). */
export function serverArgs(runtime: Runtime): string[] {
  return [...START_FLAGS, ...(runtime === 'dist' ? [path.join(ROOT, 'dist/src/server.js')] : ['--import', 'tsx', path.join(ROOT, 'src/server.ts')])]
}

export const defaultRuntime = (): Runtime => (existsSync(path.join(ROOT, 'dist/src/server.js')) ? 'dist' : 'ts')

export interface Started { url: string; proc: ChildProcess; startMs: number; spawnedAt: number; key: string; output: () => string; cpuS: number }

export async function startServer(runtime: Runtime, env: Record<string, string>): Promise<Started> {
  // A random port may be taken by another process on a shared machine: try another.
  for (let attempt = 1; ; attempt++) {
    try { return await startOnce(runtime, env) } catch (e) {
      if (attempt >= 3 || !/EADDRINUSE/.test((e as Error).message)) throw e
    }
  }
}

async function startOnce(runtime: Runtime, env: Record<string, string>): Promise<Started> {
  const port = 20000 + Math.floor(Math.random() * 20000)
  const key = env.NEXATRON_BOOTSTRAP_API_KEY ?? `nxa_${randomBytes(24).toString('hex')}`
  const t0 = performance.now()
  const proc = spawn(process.execPath, serverArgs(runtime), {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn', NEXATRON_BOOTSTRAP_API_KEY: key, ...env, PORT: String(port) },
  })
  let out = ''
  proc.stdout!.on('data', (d) => { out += d })
  proc.stderr!.on('data', (d) => { out += d })
  const url = `http://127.0.0.1:${port}`
  while (performance.now() - t0 < 180_000) {
    try {
      if ((await fetch(`${url}/health`)).status === 200) {
        const startMs = performance.now() - t0
        return { url, proc, startMs, spawnedAt: t0, key, output: () => out, cpuS: cpuSeconds(proc.pid!) }
      }
    } catch { /* not yet */ }
    if (proc.exitCode !== null) throw new Error(`server exited (${proc.exitCode}): ${out}`)
    await new Promise((r) => setTimeout(r, 20))
  }
  proc.kill('SIGKILL')
  throw new Error(`server did not answer /health: ${out}`)
}

export async function stopServer(s: Started): Promise<number | null> {
  if (s.proc.exitCode !== null) return s.proc.exitCode
  const exited = new Promise<number | null>((r) => s.proc.once('exit', (code) => r(code)))
  s.proc.kill('SIGTERM')
  return exited
}

/**
 * CPU seconds (user + system, every thread: the demo warehouse's too) the
 * process has used so far, from /proc: far less sensitive than wall time to
 * what else loads a shared machine. NaN where there is no /proc.
 */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(f[11]) + Number(f[12])) / 100 // USER_HZ is 100 on Linux
  } catch { return NaN }
}

/** Resident set size of a process in MiB, as `ps -o rss` reports it. */
export const rssMiB = (pid: number) => Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024

export async function ask(s: Started, question: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${s.url}/api/v1/query`, {
    method: 'POST', headers: { authorization: `Bearer ${s.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ question }),
  })
  const body = await res.json() as Record<string, unknown>
  if (!res.ok) throw new Error(`/query ${res.status}: ${JSON.stringify(body)}`)
  return body
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export interface EmbeddedFigures { firstStartMs: number; firstAnswerMs: number; firstStartCpuS: number; warmStartMs: number; warmStartCpuS: number; idleRssMiB: number; afterQuestionRssMiB: number; firstQuestionMs: number }

/** The embedded default (PGlite store, demo on): a first start in an empty data dir, then a warm start on the same dir. */
export async function measureEmbedded(runtime: Runtime, idleMs = 10_000): Promise<EmbeddedFigures> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nexatron-start-'))
  // One key for both starts: the bootstrap key is registered only on the first.
  const env = { NEXATRON_DATA_DIR: dataDir, NEXATRON_BOOTSTRAP_API_KEY: `nxa_${randomBytes(24).toString('hex')}` }
  try {
    const first = await startServer(runtime, env)
    const firstStartMs = first.startMs
    const firstStartCpuS = first.cpuS
    // The first start answers before the demo's data is built (its sample values are read after /health):
    // the first demo answer, from the spawn, is when a user gets one; it also lets that start finish its work.
    await ask(first, 'What were total sales last quarter?')
    const firstAnswerMs = performance.now() - first.spawnedAt
    await stopServer(first)
    const warm = await startServer(runtime, env)
    try {
      await sleep(idleMs)
      const idleRssMiB = rssMiB(warm.proc.pid!)
      const q0 = performance.now()
      await ask(warm, 'What were total sales last quarter?')
      const firstQuestionMs = performance.now() - q0
      await sleep(1000)
      const afterQuestionRssMiB = rssMiB(warm.proc.pid!)
      return { firstStartMs, firstAnswerMs, firstStartCpuS, warmStartMs: warm.startMs, warmStartCpuS: warm.cpuS, idleRssMiB, afterQuestionRssMiB, firstQuestionMs }
    } finally { await stopServer(warm) }
  } finally { rmSync(dataDir, { recursive: true, force: true }) }
}

export interface ProductionFigures { firstStartMs: number; warmStartMs: number; idleRssMiB: number }

/** A production start: PostgreSQL store (a fresh database; the first start migrates it), demo off. */
export async function measureProduction(runtime: Runtime, idleMs = 10_000): Promise<ProductionFigures> {
  const db = `nexatron_start_${randomBytes(3).toString('hex')}`
  const admin = new pg.Client({ connectionString: PG })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${db}`)
  const env = {
    DATABASE_URL: PG.replace(/\/[^/]*$/, `/${db}`), NEXATRON_DEMO: 'false',
    NEXATRON_SECRET_KEY: randomBytes(32).toString('base64'), NEXATRON_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'nexatron-start-')),
  }
  try {
    const first = await startServer(runtime, env)
    await stopServer(first)
    const warm = await startServer(runtime, env)
    try {
      await sleep(idleMs)
      return { firstStartMs: first.startMs, warmStartMs: warm.startMs, idleRssMiB: rssMiB(warm.proc.pid!) }
    } finally { await stopServer(warm) }
  } finally {
    rmSync(env.NEXATRON_DATA_DIR, { recursive: true, force: true })
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`)
    await admin.end()
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(ROOT, 'bench/startup.ts')) {
  const runtime = (process.argv[2] as Runtime | undefined) ?? defaultRuntime()
  const idle = Number(process.env.BENCH_IDLE_MS ?? 10_000)
  const e = await measureEmbedded(runtime, idle)
  console.log(`[${runtime}] embedded+demo: first start ${e.firstStartMs.toFixed(0)} ms (${e.firstStartCpuS.toFixed(2)} CPU s; its first demo answer at ${e.firstAnswerMs.toFixed(0)} ms), warm start ${e.warmStartMs.toFixed(0)} ms (${e.warmStartCpuS.toFixed(2)} CPU s), idle RSS ${e.idleRssMiB.toFixed(0)} MiB, first question ${e.firstQuestionMs.toFixed(0)} ms, RSS after it ${e.afterQuestionRssMiB.toFixed(0)} MiB`)
  // BENCH_ONLY=embedded: the embedded rows alone (no PostgreSQL needed).
  if (process.env.BENCH_ONLY === 'embedded') process.exit(0)
  const p = await measureProduction(runtime, idle)
  console.log(`[${runtime}] postgres, no demo: first start ${p.firstStartMs.toFixed(0)} ms, warm start ${p.warmStartMs.toFixed(0)} ms, idle RSS ${p.idleRssMiB.toFixed(0)} MiB`)
}
