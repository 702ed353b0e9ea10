// Attack: read rows without paying for them. Rows are metered (and counted
// against rows_per_month) from the run's history record once the answer has
// been sent. A run the client walked out of, after rows arrived but before
// the end, was recorded `cancelled` without a row count (or, when the answer
// stopped pulling the run at a yield, not settled at all), so none of the
// rows it had already delivered were metered: a tenant on a plan with a rows
// quota could read any number of rows for one query unit each by
// disconnecting before the last batch, and never meet its quota.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/test-app'
import { listen, type LiveServer } from '../support/live-server'
import { readSse } from '../support/sse-client'
import { SERVICES, serviceAvailable } from '../support/services'

const hasPg = await serviceAvailable('postgres')
const PLANS = JSON.stringify({
  metered: { requests_per_hour: 10_000, queries_per_month: null, rows_per_month: 1_000, llm_tokens_per_month: null, connections: null, seats: null },
})
const LAYER = `
semantic_models:
  - name: events
    node_relation: { schema_name: public, alias: events }
    defaults: { agg_time_dimension: happened_on }
    entities: [{ name: event, type: primary, expr: id }]
    dimensions: [{ name: happened_on, type: time, type_params: { time_granularity: day } }]
    measures: [{ name: amount, agg: sum }]
metrics:
  - { name: total_amount, type: simple, type_params: { measure: amount } }
`
// Twenty thousand rows in one answer: many batches, far more than the month's quota.
const BY_EVENT = { metrics: ['total_amount'], group_by: ['event'] }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe.skipIf(!hasPg)('attack: rows delivered to a client that leaves before the end', () => {
  const db = `nexatron_attack13_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ host: SERVICES.postgres.host, port: SERVICES.postgres.port, user: 'postgres', database: 'postgres' })
  let t: TestApp
  let live: LiveServer

  /** The events warehouse as the default connection of the tenant `key` administers. */
  async function connect(key: string): Promise<string> {
    const created = await t.request('POST', '/api/v1/connections', { key, body: {
      name: 'events', type: 'postgres', is_default: true, options: { allow_elevated_login: true },
      config: { host: SERVICES.postgres.host, port: SERVICES.postgres.port, database: db, user: 'postgres', ssl: 'disable' },
    } })
    expect(created.status, await created.clone().text()).toBe(201)
    const id = (await created.json()).id as string
    const imported = await t.request('POST', '/api/v1/semantic/import', { key, body: { connection_id: id, files: [{ path: 'e.yml', content: LAYER }] } })
    expect(imported.status, await imported.clone().text()).toBe(200)
    return id
  }

  /** Rows metered this month for the tenant `key` belongs to, once they reach at least `atLeast` (or after 5 s). */
  async function meteredRows(key: string, atLeast: number): Promise<number> {
    let n = 0
    for (let i = 0; i < 50; i++) {
      const res = await t.request('GET', `/api/v1/billing/usage?period=${new Date().toISOString().slice(0, 7)}`, { key })
      expect(res.status).toBe(200)
      n = Number((await res.json()).totals.rows)
      if (n >= atLeast) break
      await sleep(100)
    }
    return n
  }

  beforeAll(async () => {
    await admin.connect()
    await admin.query(`CREATE DATABASE ${db}`)
    const setup = new pg.Client({ host: SERVICES.postgres.host, port: SERVICES.postgres.port, user: 'postgres', database: db })
    await setup.connect()
    await setup.query(`CREATE TABLE events AS SELECT g AS id, DATE '2026-01-01' + (g % 300) AS happened_on, (g % 7)::numeric AS amount FROM generate_series(1, 20000) g`)
    await setup.end()
    t = await createTestApp({ NEXATRON_PLANS: PLANS, NEXATRON_DEFAULT_PLAN: 'metered', NEXATRON_RESULT_CACHE_TTL_S: '0' })
    live = await listen(t.app)
  }, 120_000)
  afterAll(async () => {
    await live?.close()
    await t?.close()
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined)
    await admin.end()
  })

  it('meters every row a stream delivered, so the next query meets the spent rows quota', async () => {
    const conn = await connect(t.adminKey)
    let received = 0
    const read = await readSse(`${live.url}/api/v1/query/stream`, { headers: { authorization: `Bearer ${t.adminKey}` }, body: { connection_id: conn, plan: BY_EVENT } }, (e) => {
      if (e.event !== 'rows') return
      received += (JSON.parse(e.data) as unknown[]).length
      // Walk out once more rows than the month's quota are in: summary and done are not needed.
      return received > 1_000 ? 'stop' : undefined
    })
    expect(read.status).toBe(200)
    expect(read.events.some((e) => e.event === 'done')).toBe(false)
    expect(received).toBeGreaterThan(1_000)
    expect(await meteredRows(t.adminKey, received)).toBeGreaterThanOrEqual(received)
    const next = await t.request('POST', '/api/v1/semantic/query', { body: { connection_id: conn, metrics: ['total_amount'] } })
    expect(next.status).toBe(429)
    expect((await next.json()).error.details[0]).toMatchObject({ quota: 'rows_per_month' })
  }, 60_000)

  it('meters the rows of a JSON answer the client stops reading before its end', async () => {
    // A tenant of its own: the stream above spent the first one's quota.
    const other = await t.newTenant(`json-${randomBytes(3).toString('hex')}`)
    const conn = await connect(other.adminKey)
    const controller = new AbortController()
    const res = await fetch(`${live.url}/api/v1/semantic/query`, {
      method: 'POST', signal: controller.signal,
      headers: { authorization: `Bearer ${other.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ connection_id: conn, ...BY_EVENT }),
    })
    expect(res.status).toBe(200)
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let text = ''
    const rowsIn = () => text.match(/"event":/g)?.length ?? 0
    while (rowsIn() <= 1_000) {
      const { value, done } = await reader.read()
      if (done) break
      text += decoder.decode(value, { stream: true })
    }
    controller.abort()
    const received = rowsIn()
    expect(received).toBeGreaterThan(1_000)
    expect(text).not.toContain('"status":"succeeded"')
    expect(await meteredRows(other.adminKey, received)).toBeGreaterThanOrEqual(received)
  }, 60_000)
})
