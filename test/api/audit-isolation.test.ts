// An audited mutation commits with its audit record in one store transaction,
// but that transaction must never stay open while the request waits on the
// outside world: a customer's warehouse that accepts connections and never
// answers, or a name server that never replies. On the embedded store (PGlite,
// one connection) every other request of every tenant would wait with it; on
// PostgreSQL it would hold a pool connection (and its locks) for as long.
// Each case starts the slow request, waits until it is stuck outside, then
// asks for other tenants' and the same tenant's data and /health/ready: they
// must answer while the slow request is still pending.
import net from 'node:net'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp, type TestResponse } from '../support/test-app'
import { serviceAvailable, SERVICES } from '../support/services'
import { openStore, type Store } from '../../src/store/db'
import type { DnsLookup } from '../../src/security/host-policy'

/** A warehouse that refuses at once (setup) or, once told to hang, accepts and never answers. */
function hangingWarehouse() {
  const held = new Set<net.Socket>()
  let hanging = false
  let arrived = () => {}
  let count = 0
  const server = net.createServer((s) => {
    s.on('error', () => {})
    if (!hanging) return void s.destroy()
    held.add(s)
    s.on('close', () => held.delete(s))
    count++
    arrived()
  })
  return {
    listen: () => new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as net.AddressInfo).port))),
    /** From now on connections hang; resolves when `n` of them have arrived. */
    hang: (n = 1) => {
      hanging = true
      count = 0
      return new Promise<void>((r) => { arrived = () => { if (count >= n) r() } })
    },
    /** Drops every held connection and refuses again. */
    release: () => { hanging = false; for (const s of held) s.destroy() },
    close: () => new Promise<void>((r) => { for (const s of held) s.destroy(); server.close(() => r()) }),
  }
}

/** A resolver whose `*.slow.test` names answer only when released. */
function slowDns() {
  let arrived = () => {}
  let release = () => {}
  let gate = Promise.resolve()
  const lookup: DnsLookup = async (name) => {
    if (name.endsWith('.slow.test')) { arrived(); await gate }
    return [{ address: '127.0.0.1', family: 4 }]
  }
  return {
    lookup,
    hang: () => { gate = new Promise<void>((r) => { release = r }); return new Promise<void>((r) => { arrived = r }) },
    release: () => release(),
  }
}

// A deadlock detector, not a timing: the slow request never ends until released, so a
// request that waits on it waits forever; the bound only turns that into a failure.
const WAIT_MS = 15_000

/** The answer, or a failure naming what waited longer than WAIT_MS. */
async function within(what: string, p: Promise<TestResponse>): Promise<TestResponse> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} waited ${WAIT_MS} ms on the slow request`)), WAIT_MS) })
  try { return await Promise.race([p, late]) } finally { clearTimeout(timer) }
}

interface Stage { t: TestApp; other: { adminKey: string } }

/**
 * Starts `slow`, waits until it is stuck outside (`stuck`), checks that other
 * requests answer meanwhile, then lets it go (`release`) and answers its response.
 */
async function othersAnswerWhile(s: Stage, stuck: Promise<void>, slow: () => Promise<TestResponse>, release: () => void): Promise<TestResponse> {
  let settled = false
  const pending = slow().finally(() => { settled = true })
  try {
    await stuck
    const [mine, theirs, ready] = await Promise.all([
      within('a GET of the same tenant', s.t.request('GET', '/api/v1/connections')),
      within("another tenant's GET", s.t.request('GET', '/api/v1/connections', { key: s.other.adminKey })),
      within('/health/ready', s.t.request('GET', '/health/ready', { key: null })),
    ])
    expect([mine.status, theirs.status, ready.status]).toEqual([200, 200, 200])
    expect(settled, 'the slow request was still waiting on the outside world').toBe(false)
  } finally {
    release()
  }
  return pending
}

const layer = `
semantic_models:
  - name: orders
    node_relation: { schema_name: public, alias: orders }
    defaults: { agg_time_dimension: ordered_on }
    entities: [{ name: order, type: primary, expr: id }]
    dimensions:
      - { name: ordered_on, type: time, type_params: { time_granularity: day } }
      - { name: status, type: categorical }
    measures:
      - { name: order_count, agg: count, expr: id }
metrics:
  - { name: orders, type: simple, type_params: { measure: order_count } }
`

describe('audited mutations waiting on the outside world (embedded store)', () => {
  const warehouse = hangingWarehouse()
  const dns = slowDns()
  let s: Stage
  let conn: string
  beforeAll(async () => {
    const port = await warehouse.listen()
    const t = await createTestApp({}, { dnsLookup: dns.lookup })
    s = { t, other: await t.newTenant('bystander') }
    const created = await t.request('POST', '/api/v1/connections', { body: {
      name: 'stuck', type: 'postgres', config: { host: '127.0.0.1', port, database: 'dw', user: 'reader', ssl: 'disable' },
      credentials: { password: 'pw' }, options: { connect_timeout_ms: 120_000, timeout_ms: 120_000 },
    } })
    expect(created.status).toBe(201)
    conn = (await created.json()).id
  })
  afterEach(() => { warehouse.release(); dns.release() })
  afterAll(async () => { await s?.t.close(); await warehouse.close() })

  it('answers others while a connection test waits on a warehouse that never replies', async () => {
    const res = await othersAnswerWhile(s, warehouse.hang(), () => s.t.request('POST', `/api/v1/connections/${conn}/test`), warehouse.release)
    expect(res.status).toBe(503)
    const [e] = (await (await s.t.request('GET', `/api/v1/audit-log?action=connection.test&resource_id=${conn}`)).json()).data
    expect(e).toMatchObject({ outcome: 'failure', details: { status: 503 } })
  })

  it('answers others while a new connection has its login checked on a warehouse that never replies', async () => {
    const { port } = (await (await s.t.request('GET', `/api/v1/connections/${conn}`)).json()).config
    const res = await othersAnswerWhile(s, warehouse.hang(), () => s.t.request('POST', '/api/v1/connections', { body: {
      name: 'stuck-too', type: 'postgres', config: { host: '127.0.0.1', port, database: 'dw', user: 'reader', ssl: 'disable' },
      credentials: { password: 'pw' }, options: { connect_timeout_ms: 120_000 },
    } }), warehouse.release)
    expect(res.status).toBe(201)
    const { id } = await res.json()
    expect((await (await s.t.request('GET', `/api/v1/audit-log?action=connection.create&resource_id=${id}`)).json()).data).toHaveLength(1)
  })

  it('answers others while a connection update waits on a name server that never replies', async () => {
    const res = await othersAnswerWhile(s, dns.hang(), () => s.t.request('PATCH', `/api/v1/connections/${conn}`, {
      body: { config: { host: 'wh.slow.test' }, credentials: { password: 'pw' } },
    }), dns.release)
    expect(res.status).toBe(200)
    expect((await res.json()).config.host).toBe('wh.slow.test')
    await s.t.request('PATCH', `/api/v1/connections/${conn}`, { body: { config: { host: '127.0.0.1' }, credentials: { password: 'pw' } } })
  })

  it('answers others while single sign-on settings wait on a name server that never replies', async () => {
    const res = await othersAnswerWhile(s, dns.hang(), () => s.t.request('PUT', '/api/v1/sso/settings', {
      body: { issuer: 'https://idp.slow.test', client_id: 'nexatron', client_secret: 'shh' },
    }), dns.release)
    expect(res.status).toBe(200)
  })

  it('answers others while an import checks its relations in a warehouse that never replies', async () => {
    const res = await othersAnswerWhile(s, warehouse.hang(), () => s.t.request('POST', '/api/v1/semantic/import', {
      body: { connection_id: conn, files: [{ path: 'l.yml', content: layer }], refresh_sample_values: false },
    }), warehouse.release)
    // Introspection failed once released: the import goes on, with a warning.
    const body = await res.json()
    expect(res.status, JSON.stringify(body)).toBe(200)
    expect(body.warnings[0].message).toMatch(/relations were not checked/)
  })

  it('answers others while an import reads sample values from a warehouse that never replies, and keeps the layer and its record together', async () => {
    const imports = async () => (await (await s.t.request('GET', `/api/v1/audit-log?action=semantic.import&resource_id=${conn}&limit=100`)).json()).data.length as number
    const before = await imports()
    const res = await othersAnswerWhile(s, warehouse.hang(), () => s.t.request('POST', '/api/v1/semantic/import', {
      body: { connection_id: conn, files: [{ path: 'l.yml', content: layer }], check_relations: false, mode: 'replace' },
    }), warehouse.release)
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body).toMatchObject({ models: 1, metrics: 1, sample_values: { refreshed: 0, failed: [{ dimension: 'orders.status' }] } })
    expect(await imports()).toBe(before + 1)
  })

  it('answers others while a dimension refreshes its sample values from a warehouse that never replies', async () => {
    const dims = (await (await s.t.request('GET', `/api/v1/semantic/dimensions?connection_id=${conn}`)).json()).data as Array<{ id: string; name: string }>
    const dim = dims.find((d) => d.name === 'status')!
    const res = await othersAnswerWhile(s, warehouse.hang(), () => s.t.request('POST', `/api/v1/semantic/dimensions/${dim.id}/sample-values/refresh`), warehouse.release)
    expect(res.status).toBe(503)
  })
})

const hasPg = await serviceAvailable('postgres')
const DB = `nexatron_isolation_${randomBytes(4).toString('hex')}`
const admin = async (statement: string) => {
  const c = new pg.Client({ connectionString: SERVICES.postgres.url })
  await c.connect()
  try { await c.query(statement) } finally { await c.end() }
}

describe.skipIf(!hasPg)('audited mutations waiting on the outside world (PostgreSQL store)', () => {
  const warehouse = hangingWarehouse()
  let s: Stage
  let store: Store | undefined
  let conn: string
  const POOL = 2
  beforeAll(async () => {
    await admin(`CREATE DATABASE ${DB}`)
    const port = await warehouse.listen()
    const url = `postgres://postgres@${SERVICES.postgres.host}:${SERVICES.postgres.port}/${DB}`
    // A pool as small as the number of stuck requests below: one held connection and the GETs would wait.
    store = await openStore({ databaseUrl: url, poolMax: POOL })
    const t = await createTestApp({ DATABASE_URL: url, NEXATRON_SECRET_KEY: randomBytes(32).toString('base64') }, { store })
    s = { t, other: await t.newTenant('bystander') }
    const created = await t.request('POST', '/api/v1/connections', { body: {
      name: 'stuck', type: 'postgres', config: { host: '127.0.0.1', port, database: 'dw', user: 'reader', ssl: 'disable' },
      credentials: { password: 'pw' }, options: { connect_timeout_ms: 120_000 },
    } })
    expect(created.status).toBe(201)
    conn = (await created.json()).id
  }, 60_000)
  afterAll(async () => {
    warehouse.release()
    await s?.t.close()
    await store?.close() // a store given to the app is the giver's to close
    await warehouse.close()
    await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`)
  })

  it('holds no pool connection while connection tests wait on a warehouse that never replies', async () => {
    // As many stuck tests as the pool has connections: none of them may hold one.
    const stuck = warehouse.hang(POOL)
    const others = Array.from({ length: POOL - 1 }, () => s.t.request('POST', `/api/v1/connections/${conn}/test`))
    const res = await othersAnswerWhile(s, stuck, () => s.t.request('POST', `/api/v1/connections/${conn}/test`), warehouse.release)
    expect([res.status, ...(await Promise.all(others)).map((r) => r.status)]).toEqual(Array(POOL).fill(503))
  }, 30_000)
})
