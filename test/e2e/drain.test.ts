// SIGTERM on a real server process (PostgreSQL store, no demo): readiness
// turns 503 at once while liveness stays up, a stream still running when the
// grace period ends is cancelled in the database, a running async job is
// handed back to the queue and picked up by the next instance, and the
// process exits 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { serviceAvailable, SERVICES } from '../support/services'
import { readSse } from '../support/sse-client'
import { startServerProcess } from '../support/server-process'

const hasPg = await serviceAvailable('postgres')
const suffix = randomBytes(4).toString('hex')
const STORE_DB = `nexatron_drain_store_${suffix}`
const WH_DB = `nexatron_drain_wh_${suffix}`
const KEY = `nxa_${randomBytes(24).toString('hex')}`
const SECRET = randomBytes(32).toString('base64')
const GRACE_MS = 1500
const dbUrl = (db: string) => SERVICES.postgres.url.replace(/\/[^/]*$/, `/${db}`)
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nexatron-drain-'))

// Every row costs 50 ms in the database: any query over it runs for minutes.
const SEMANTIC = `
semantic_model:
  name: slow_sales
  node_relation: { schema_name: shop, alias: slow_sales }
  defaults: { agg_time_dimension: sold_on }
  entities: [{ name: slow_sale, type: primary, expr: id }]
  dimensions: [{ name: sold_on, type: time, type_params: { time_granularity: day } }]
  measures: [{ name: slow_amount, agg: sum, expr: amount }]
---
metrics:
  - { name: slow_revenue, label: Slow revenue, type: simple, type_params: { measure: slow_amount } }
`

interface Instance { proc: ChildProcess; url: string; out: () => string; exit: Promise<number | null> }

async function startInstance(): Promise<Instance> {
  const server = await startServerProcess({
    env: {
      DATABASE_URL: dbUrl(STORE_DB), NEXATRON_DEMO: 'false', NEXATRON_SECRET_KEY: SECRET,
      NEXATRON_BOOTSTRAP_API_KEY: KEY, NEXATRON_DATA_DIR: dataDir, NEXATRON_SHUTDOWN_TIMEOUT_MS: String(GRACE_MS),
    },
  })
  const instance = { proc: server.proc, url: server.url, out: server.output, exit: server.exited }
  await until('the server to be ready', async () => ((await fetch(`${server.url}/health/ready`)).status === 200 ? true : undefined), 60_000)
  return instance
}

const api = async (i: Instance, method: string, p: string, body?: unknown) => {
  const res = await fetch(`${i.url}${p}`, { method, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
  return { status: res.status, body: await res.json() as Record<string, unknown> }
}

async function admin<T = Record<string, unknown>>(db: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: dbUrl(db) })
  await c.connect()
  try { return (await c.query(sql, params)).rows as T[] } finally { await c.end() }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await probe()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

const activeSlowQueries = async () =>
  (await admin<{ state: string }>(WH_DB, `SELECT state FROM pg_stat_activity WHERE query LIKE '%slow_sales%' AND pid <> pg_backend_pid()`))
    .filter((r) => r.state === 'active').length

let first: Instance | undefined
let second: Instance | undefined

describe.skipIf(!hasPg)('draining on SIGTERM', () => {
  beforeAll(async () => {
    await admin('postgres', `CREATE DATABASE ${STORE_DB}`)
    await admin('postgres', `CREATE DATABASE ${WH_DB}`)
    await admin(WH_DB, `CREATE SCHEMA shop;
      CREATE TABLE shop.sales (id int PRIMARY KEY, sold_on date NOT NULL, amount numeric(10,2) NOT NULL);
      INSERT INTO shop.sales SELECT g, date '2026-01-01' + (g % 300), g % 97 FROM generate_series(1, 5000) g;
      CREATE VIEW shop.slow_sales AS SELECT s.* FROM shop.sales s WHERE pg_sleep(0.05) IS NOT NULL;`)
  }, 60_000)

  afterAll(async () => {
    for (const i of [first, second]) if (i && i.proc.exitCode === null) { i.proc.kill('SIGKILL'); await i.exit }
    rmSync(dataDir, { recursive: true, force: true })
    if (hasPg) for (const db of [STORE_DB, WH_DB]) await admin('postgres', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => {})
  })

  it('stops taking traffic, cancels what outlives the grace period, hands the job back and exits 0', async () => {
    first = await startInstance()
    const conn = await api(first, 'POST', '/api/v1/connections', {
      name: 'wh', type: 'postgres', config: { host: '127.0.0.1', port: SERVICES.postgres.port, database: WH_DB, user: 'postgres', ssl: 'disable' },
      // The test database's login is the local superuser: allowed here on purpose.
      options: { allow_elevated_login: true, timeout_ms: 600_000 },
    })
    expect(conn.status).toBe(201)
    const imported = await api(first, 'POST', '/api/v1/semantic/import', { connection_id: conn.body.id, files: [{ path: 'slow.yml', content: SEMANTIC }], refresh_sample_values: false })
    expect(imported.status).toBe(200)

    // A running async job...
    const job = await api(first, 'POST', '/api/v1/query', { connection_id: conn.body.id, question: 'slow revenue', async: true })
    expect(job.status).toBe(202)
    const jobId = job.body.id as string
    await until('the job to run', async () => ((await api(first!, 'GET', `/api/v1/query/${jobId}`)).body.status === 'running' ? true : undefined))
    // ...and a stream whose query runs in the database.
    let terminated = 0
    const streamed = readSse(`${first.url}/api/v1/query/stream`, { headers: { authorization: `Bearer ${KEY}` }, body: { connection_id: conn.body.id, question: 'slow revenue' } },
      (e) => { if (e.event === 'sql' && !terminated) { terminated = Date.now(); first!.proc.kill('SIGTERM') } })
    await until('SIGTERM after the stream started', async () => (terminated ? true : undefined))

    // Draining: not ready, still live, still serving. (The signal reaches the server's handler a moment
    // after kill() returns: on a loaded machine a request sent at once can still be answered before it.)
    const readiness = await until('readiness to flip', async () => {
      const r = await fetch(`${first!.url}/health/ready`)
      return r.status === 503 ? r : undefined
    }, 5_000)
    expect(readiness.status).toBe(503)
    expect(await readiness.json()).toEqual({ status: 'unavailable', failing: ['draining'] })
    // Its clients are asked to reconnect elsewhere.
    expect(readiness.headers.get('connection')).toBe('close')
    expect((await fetch(`${first.url}/health`)).status).toBe(200)
    await until('both queries in the database', async () => ((await activeSlowQueries()) >= 2 ? true : undefined))

    // The stream outlives the grace period: it ends with an error event and its query is gone from the database.
    const res = await streamed
    expect(Date.now() - terminated).toBeGreaterThanOrEqual(GRACE_MS - 100)
    const last = res.events.at(-1)!
    expect(last.event).toBe('error')
    expect(JSON.parse(last.data).code ?? JSON.parse(last.data).error?.code).toBe('query_cancelled')
    expect(await first.exit).toBe(0)
    expect(await activeSlowQueries()).toBe(0)
    expect(first.out()).toContain('handed running jobs back to the queue')

    // The job is queued again, as if never claimed, and the next instance takes it.
    const [row] = await admin<{ status: string; locked_by: string | null; error: unknown; webhook_status: string | null }>(STORE_DB, 'SELECT status, locked_by, error, webhook_status FROM queries WHERE id = $1', [jobId])
    expect(row).toMatchObject({ status: 'queued', locked_by: null, error: null })
    second = await startInstance()
    await until('the next instance to run the job', async () => ((await api(second!, 'GET', `/api/v1/query/${jobId}`)).body.status === 'running' ? true : undefined))
    second.proc.kill('SIGTERM')
    expect(await second.exit).toBe(0)
  }, 120_000)
})
