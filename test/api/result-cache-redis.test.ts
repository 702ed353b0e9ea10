// The result cache shared through Redis: two app instances over one store and
// one Redis serve each other's entries, and a change made through either one
// (connection PATCH, semantic layer edit) is never answered stale by the other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { Redis } from 'ioredis'
import { createTestApp, type TestApp } from '../support/test-app'
import { serviceAvailable, SERVICES } from '../support/services'
import { buildServices } from '../../src/container'
import { createApp } from '../../src/app'
import { loadConfig } from '../../src/config'
import { createLogger } from '../../src/logger'

const hasPg = await serviceAvailable('postgres')
const hasRedis = await serviceAvailable('redis')
const META = `nexatron_cache_meta_${randomBytes(4).toString('hex')}`
const WAREHOUSE = `nexatron_cache_wh_${randomBytes(4).toString('hex')}`
const REDIS_URL = `redis://${SERVICES.redis.host}:${SERVICES.redis.port}`
const env = {
  DATABASE_URL: `postgres://postgres@${SERVICES.postgres.host}:${SERVICES.postgres.port}/${META}`,
  NEXATRON_SECRET_KEY: randomBytes(32).toString('base64'), REDIS_URL,
}
const LAYER = `
semantic_models:
  - name: sales
    node_relation: { schema_name: shop, alias: sales }
    defaults: { agg_time_dimension: sold_on }
    entities: [{ name: sale, type: primary, expr: id }]
    dimensions:
      - { name: sold_on, type: time, type_params: { time_granularity: day } }
    measures:
      - { name: amount, agg: sum }
metrics:
  - { name: revenue, type: simple, type_params: { measure: amount } }
`
const admin = async (statement: string) => {
  const c = new pg.Client({ connectionString: SERVICES.postgres.url })
  await c.connect()
  try { await c.query(statement) } finally { await c.end() }
}

describe.skipIf(!hasPg || !hasRedis)('result cache shared by two instances through Redis', () => {
  let a: TestApp
  let b: Awaited<ReturnType<typeof buildServices>>
  let appB: ReturnType<typeof createApp>
  let warehouse: pg.Client
  let conn: string
  let nextId = 100

  const ask = async (app: 'a' | 'b', body: Record<string, unknown> = { metrics: ['revenue'] }) => {
    const res = await (app === 'a' ? a.app : appB).request('/api/v1/semantic/query', {
      method: 'POST', headers: { authorization: `Bearer ${a.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ connection_id: conn, ...body }),
    })
    expect(res.status).toBe(200)
    const json = await res.json() as { cache: string; data: Array<{ revenue: unknown }> }
    return { cache: json.cache, revenue: Number(json.data[0]?.revenue ?? 0) }
  }
  const sale = (amount: number) => warehouse.query('INSERT INTO shop.sales VALUES ($1, $2, $3)', [nextId++, '2026-02-01', amount])
  const dbRevenue = async () => Number((await warehouse.query('SELECT sum(amount) AS s FROM shop.sales')).rows[0].s)

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${META}`)
    await admin(`CREATE DATABASE ${WAREHOUSE}`)
    warehouse = new pg.Client({ host: SERVICES.postgres.host, port: SERVICES.postgres.port, user: 'postgres', database: WAREHOUSE })
    await warehouse.connect()
    await warehouse.query(`CREATE SCHEMA shop; CREATE TABLE shop.sales (id int PRIMARY KEY, sold_on date NOT NULL, amount numeric(12,2) NOT NULL);
      INSERT INTO shop.sales SELECT i, DATE '2026-01-01' + i % 30, i * 1.25 FROM generate_series(1, 50) i`)
    a = await createTestApp(env)
    b = await buildServices(loadConfig({ NEXATRON_DEMO: 'false', LOG_LEVEL: 'silent', ...env }), { inMemory: true, logger: createLogger('silent') })
    appB = createApp(b)
    const created = await a.request('POST', '/api/v1/connections', { body: {
      name: 'wh', type: 'postgres', options: { allow_elevated_login: true },
      config: { host: SERVICES.postgres.host, port: SERVICES.postgres.port, database: WAREHOUSE, user: 'postgres', ssl: 'disable' },
    } })
    expect(created.status).toBe(201)
    conn = (await created.json()).id
    expect((await a.request('POST', '/api/v1/semantic/import', { body: { connection_id: conn, files: [{ path: 'l.yml', content: LAYER }] } })).status).toBe(200)
  }, 120_000)

  afterAll(async () => {
    // This run's entries only: the key names start with the tenant id.
    const redis = new Redis(REDIS_URL)
    const keys = a ? await redis.keys(`nexatron:result:${a.tenantId}:*`) : []
    if (keys.length) await redis.del(...keys)
    redis.disconnect()
    await b?.dispose()
    await a?.close()
    await warehouse?.end()
    await admin(`DROP DATABASE IF EXISTS ${META} WITH (FORCE)`)
    await admin(`DROP DATABASE IF EXISTS ${WAREHOUSE} WITH (FORCE)`)
  })

  it('serves on one instance what the other computed', async () => {
    const first = await ask('a')
    expect(first.cache).toBe('miss')
    await sale(500)
    expect(await ask('b')).toEqual({ cache: 'hit', revenue: first.revenue })
    expect(await ask('a')).toEqual({ cache: 'hit', revenue: first.revenue })
  })

  it('answers fresh on both instances after a connection PATCH through one of them', async () => {
    const before = await ask('b')
    await sale(40)
    const patched = await appB.request(`/api/v1/connections/${conn}`, {
      method: 'PATCH', headers: { authorization: `Bearer ${a.adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ options: { timeout_ms: 15_000 } }),
    })
    expect(patched.status).toBe(200)
    const onA = await ask('a')
    expect(onA.cache).toBe('miss')
    expect(onA.revenue).toBeCloseTo(await dbRevenue(), 2)
    expect(onA.revenue).not.toBeCloseTo(before.revenue, 2)
    expect(await ask('b')).toEqual({ cache: 'hit', revenue: onA.revenue })
  })

  it('answers fresh on the other instance after a semantic-layer change', async () => {
    const before = await ask('a')
    await sale(7)
    expect(await ask('b')).toEqual({ cache: 'hit', revenue: before.revenue })
    const metrics = await (await a.request('GET', `/api/v1/semantic/metrics?connection_id=${conn}`)).json()
    const id = metrics.data.find((m: { name: string }) => m.name === 'revenue').id
    expect((await a.request('PATCH', `/api/v1/semantic/metrics/${id}`, { body: { description: 'changed on A' } })).status).toBe(200)
    const onB = await ask('b')
    expect(onB.cache).toBe('miss')
    expect(onB.revenue).toBeCloseTo(await dbRevenue(), 2)
  })
})
