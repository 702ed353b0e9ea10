// The result cache end to end on PostgreSQL: an identical question is served
// again without running its SQL (rows written to the warehouse meanwhile stay
// unseen until the entry is invalid), on every answer format; principals whose
// policies read different attributes never share an entry; a connection PATCH
// or a semantic-layer change invalidates; raw SQL is cached only when the
// connection asks; cache_ttl_s 0 turns it off and an entry dies with its TTL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { createTestApp, type TestApp } from '../support/test-app'
import { serviceAvailable, SERVICES } from '../support/services'
import { createOfflinePlanner } from '../../src/planner/offline/offline-planner'
import type { Planner } from '../../src/planner/planner'

const hasPg = await serviceAvailable('postgres')
const DB = `nexatron_cache_${randomBytes(4).toString('hex')}`

const LAYER = `
semantic_models:
  - name: stores
    node_relation: { schema_name: shop, alias: stores }
    entities: [{ name: store, type: primary, expr: id }]
    dimensions:
      - { name: region, type: categorical }
  - name: sales
    node_relation: { schema_name: shop, alias: sales }
    defaults: { agg_time_dimension: sold_on }
    entities:
      - { name: sale, type: primary, expr: id }
      - { name: store, type: foreign, expr: store_id }
    dimensions:
      - { name: sold_on, type: time, type_params: { time_granularity: day } }
    measures:
      - { name: amount, agg: sum }
metrics:
  - { name: revenue, type: simple, type_params: { measure: amount } }
`
const POLICIES = [{ name: 'regional', model: 'stores', row_filter: "{{ Dimension('store__region') }} IN {{ Attribute('region') }}", bypass_roles: ['admin'] }]

// Raw SQL plans come from the LLM planner; this one writes SQL for questions starting "sql:" and asks the offline planner otherwise.
const offline = createOfflinePlanner()
const planner: Planner = {
  plan: (question, catalog, turns, opts, signal) => question.startsWith('sql:')
    ? Promise.resolve({ kind: 'sql', sql: question.slice(4).trim(), confidence: 1, reasons: ['test'], planner: 'llm' })
    : offline.plan(question, catalog, turns, opts, signal),
}

describe.skipIf(!hasPg)('result cache', () => {
  let t: TestApp
  let warehouse: pg.Client
  let plain: string
  let governed: string
  let west: string
  let westToo: string
  let east: string
  let nextId = 1000

  const sale = async (storeId: number, amount: number) => {
    await warehouse.query('INSERT INTO shop.sales VALUES ($1, $2, $3, $4)', [nextId++, storeId, '2026-01-05', amount])
  }
  const dbRevenue = async (regions?: string[]) => Number((await warehouse.query(
    `SELECT coalesce(sum(amount), 0) AS s FROM shop.sales s JOIN shop.stores st ON st.id = s.store_id ${regions ? 'WHERE st.region = ANY($1)' : ''}`,
    regions ? [regions] : [])).rows[0].s)
  const semanticQuery = async (conn: string, key = t.adminKey, body: Record<string, unknown> = { metrics: ['revenue'] }) => {
    const res = await t.request('POST', '/api/v1/semantic/query', { key, body: { connection_id: conn, ...body } })
    expect(res.status).toBe(200)
    const json = await res.json()
    expect(res.headers.get('x-nexatron-cache')).toBe(json.cache)
    return { cache: json.cache as string, revenue: Number(json.data[0]?.revenue ?? 0), id: json.id as string, data: json.data }
  }
  const patchOptions = async (conn: string, options: Record<string, unknown>) => {
    const res = await t.request('PATCH', `/api/v1/connections/${conn}`, { body: { options } })
    expect(res.status).toBe(200)
  }
  const connect = async (name: string, options: Record<string, unknown>) => {
    const res = await t.request('POST', '/api/v1/connections', { body: {
      name, type: 'postgres', config: { host: SERVICES.postgres.host, port: SERVICES.postgres.port, database: DB, user: 'postgres', ssl: 'disable' },
      options: { allow_elevated_login: true, ...options },
    } })
    expect(res.status).toBe(201)
    const id = (await res.json()).id as string
    const imported = await t.request('POST', '/api/v1/semantic/import', { body: { connection_id: id, files: [{ path: 'shop.yml', content: LAYER }] } })
    expect(imported.status).toBe(200)
    return id
  }

  beforeAll(async () => {
    const admin = new pg.Client({ host: SERVICES.postgres.host, port: SERVICES.postgres.port, user: 'postgres', database: 'postgres' })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${DB}`)
    await admin.end()
    warehouse = new pg.Client({ host: SERVICES.postgres.host, port: SERVICES.postgres.port, user: 'postgres', database: DB })
    await warehouse.connect()
    await warehouse.query(`CREATE SCHEMA shop; CREATE TABLE shop.stores (id int PRIMARY KEY, region text NOT NULL);
      CREATE TABLE shop.sales (id int PRIMARY KEY, store_id int NOT NULL, sold_on date NOT NULL, amount numeric(12,2) NOT NULL);
      INSERT INTO shop.stores VALUES (1, 'West'), (2, 'East'), (3, 'North');
      INSERT INTO shop.sales SELECT i, 1 + i % 3, DATE '2026-01-01' + i % 30, (i * 37 % 500) / 4.0 FROM generate_series(1, 300) i`)
    t = await createTestApp({}, { planner })
    plain = await connect('plain', { allow_raw_sql: true })
    governed = await connect('governed', {})
    expect((await t.request('PUT', '/api/v1/semantic/access-policies', { body: { connection_id: governed, policies: POLICIES } })).status).toBe(200)
    const key = async (attributes: Record<string, unknown>) => {
      const res = await t.request('POST', '/api/v1/api-keys', { body: { name: 'k', scopes: ['query:run', 'query:read', 'semantic:read'], attributes } })
      expect(res.status).toBe(201)
      return (await res.json()).key as string
    }
    west = await key({ region: ['West'] })
    westToo = await key({ region: ['West'], team: 'other' })
    east = await key({ region: ['East'] })
  }, 120_000)

  afterAll(async () => {
    await t?.close()
    await warehouse?.end()
    const admin = new pg.Client({ host: SERVICES.postgres.host, port: SERVICES.postgres.port, user: 'postgres', database: 'postgres' })
    await admin.connect()
    await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`)
    await admin.end()
  })

  it('serves the same question again from the cache, with the same rows and the header, and records the hit in history', async () => {
    const body = { question: 'total revenue by store region', connection_id: plain }
    const first = await t.request('POST', '/api/v1/query', { body })
    expect(first.status).toBe(200)
    expect(first.headers.get('x-nexatron-cache')).toBe('miss')
    const a = await first.json()
    expect(a.cache).toBe('miss')
    // A sale written now is not in the answer while the entry lives: the SQL did not run again.
    await sale(1, 1000)
    const usedBefore = await t.services.billing.monthUsage(t.tenantId)
    const second = await t.request('POST', '/api/v1/query', { body })
    expect(second.headers.get('x-nexatron-cache')).toBe('hit')
    const b = await second.json()
    expect(b).toMatchObject({ cache: 'hit', status: 'succeeded', sql: a.sql, row_count: a.row_count })
    expect(b.data).toEqual(a.data)
    expect(b.id).not.toBe(a.id)
    expect(b.summary).toBe(a.summary)
    const record = await (await t.request('GET', `/api/v1/query/${b.id}`)).json()
    expect(record).toMatchObject({ status: 'succeeded', cache: 'hit', row_count: a.row_count })
    expect(record.data).toEqual(a.data)
    expect((await (await t.request('GET', `/api/v1/query/${a.id}`)).json()).cache).toBe('miss')
    // A hit is a query run like any other: metered (one query, its rows) and audited.
    const until = async <T>(read: () => Promise<T>, ok: (v: T) => boolean) => {
      for (let i = 0; i < 50; i++) { const v = await read(); if (ok(v)) return v; await new Promise((r) => setTimeout(r, 100)) }
      return read()
    }
    const usedAfter = await until(() => t.services.billing.monthUsage(t.tenantId), (u) => u.rows > usedBefore.rows)
    expect(usedAfter.queries - usedBefore.queries).toBe(1)
    expect(usedAfter.rows - usedBefore.rows).toBe(b.row_count)
    const audited = await until(async () => (await (await t.request('GET', `/api/v1/audit-log?action=query.run&resource_id=${b.id}`)).json()).data, (d: unknown[]) => d.length > 0)
    expect(audited).toEqual([expect.objectContaining({ action: 'query.run', outcome: 'success', details: expect.objectContaining({ rows: b.row_count }) })])
  })

  it('sends the cache status on CSV and on the event stream (header, sql and done events)', async () => {
    const body = { question: 'total revenue', connection_id: plain }
    const json = await (await t.request('POST', '/api/v1/query', { body })).json()
    const csv = await t.request('POST', '/api/v1/query', { body: { ...body, format: 'csv' } })
    expect(csv.headers.get('x-nexatron-cache')).toBe('hit')
    expect((await csv.text()).trim().split('\n')[1]).toBe(String(json.data[0].revenue))
    const sse = await t.request('POST', '/api/v1/query/stream', { body })
    expect(sse.headers.get('x-nexatron-cache')).toBe('hit')
    const events = [...(await sse.text()).matchAll(/event: (\w+)\ndata: (.*)\n/g)].map((m) => ({ event: m[1], data: JSON.parse(m[2]) }))
    expect(events.map((e) => e.event)).toEqual(['plan', 'sql', 'columns', 'rows', 'summary', 'done'])
    expect(events.find((e) => e.event === 'sql')!.data.cache).toBe('hit')
    expect(events.find((e) => e.event === 'done')!.data.cache).toBe('hit')
    expect(events.find((e) => e.event === 'rows')!.data).toEqual([[json.data[0].revenue]])
  })

  it('never shares an entry between principals whose row policies read different attributes', async () => {
    const w = await semanticQuery(governed, west)
    expect(w).toMatchObject({ cache: 'miss' })
    expect(w.revenue).toBeCloseTo(await dbRevenue(['West']), 2)
    const e = await semanticQuery(governed, east)
    expect(e.cache).toBe('miss')
    expect(e.revenue).toBeCloseTo(await dbRevenue(['East']), 2)
    expect(e.revenue).not.toBeCloseTo(w.revenue, 2)
    // Same region (an attribute no policy reads differs): the same view, so the same entry.
    expect(await semanticQuery(governed, westToo)).toMatchObject({ cache: 'hit', revenue: w.revenue })
    expect(await semanticQuery(governed, west)).toMatchObject({ cache: 'hit', revenue: w.revenue })
    // The admin bypasses the policy: its own entry, all rows.
    const all = await semanticQuery(governed)
    expect(all.cache).toBe('miss')
    expect(all.revenue).toBeCloseTo(await dbRevenue(), 2)
  })

  it('reads the database again after a connection PATCH', async () => {
    const before = await semanticQuery(plain, t.adminKey, { metrics: ['revenue'], group_by: ['store__region'] })
    expect(['miss', 'hit']).toContain(before.cache)
    await sale(2, 250)
    expect(await semanticQuery(plain, t.adminKey, { metrics: ['revenue'], group_by: ['store__region'] })).toMatchObject({ cache: 'hit', data: before.data })
    await patchOptions(plain, { timeout_ms: 20_000 })
    const after = await semanticQuery(plain, t.adminKey, { metrics: ['revenue'], group_by: ['store__region'] })
    expect(after.cache).toBe('miss')
    expect(after.data).not.toEqual(before.data)
    expect(after.data.reduce((n: number, r: { revenue: number }) => n + Number(r.revenue), 0)).toBeCloseTo(await dbRevenue(), 2)
  })

  it('reads the database again after a semantic-layer change that leaves the SQL as it was', async () => {
    const before = await semanticQuery(plain)
    await sale(3, 75)
    expect(await semanticQuery(plain)).toMatchObject({ cache: 'hit', revenue: before.revenue })
    const metrics = await (await t.request('GET', `/api/v1/semantic/metrics?connection_id=${plain}`)).json()
    const revenue = metrics.data.find((m: { name: string }) => m.name === 'revenue')
    expect((await t.request('PATCH', `/api/v1/semantic/metrics/${revenue.id}`, { body: { label: `Revenue ${nextId}` } })).status).toBe(200)
    const after = await semanticQuery(plain)
    expect(after.cache).toBe('miss')
    expect(after.revenue).toBeCloseTo(await dbRevenue(), 2)
  })

  it('does not cache raw SQL unless the connection sets cache_ttl_s', async () => {
    const body = { question: 'sql: SELECT count(*) AS n FROM shop.sales', connection_id: plain }
    const one = await t.request('POST', '/api/v1/query', { body })
    expect(one.status).toBe(200)
    expect((await one.json()).cache).toBe('off')
    expect(one.headers.get('x-nexatron-cache')).toBe('off')
    await sale(1, 1)
    const two = await (await t.request('POST', '/api/v1/query', { body })).json()
    expect(two.cache).toBe('off')
    expect(Number(two.data[0].n)).toBe(Number((await warehouse.query('SELECT count(*) AS n FROM shop.sales')).rows[0].n))
    await patchOptions(plain, { cache_ttl_s: 60 })
    expect((await (await t.request('POST', '/api/v1/query', { body })).json()).cache).toBe('miss')
    expect((await (await t.request('POST', '/api/v1/query', { body })).json()).cache).toBe('hit')
    await patchOptions(plain, { cache_ttl_s: null })
  })

  it('turns the cache off for a connection with cache_ttl_s 0', async () => {
    await patchOptions(plain, { cache_ttl_s: 0 })
    expect((await semanticQuery(plain)).cache).toBe('off')
    await sale(1, 5)
    const again = await semanticQuery(plain)
    expect(again.cache).toBe('off')
    expect(again.revenue).toBeCloseTo(await dbRevenue(), 2)
    await patchOptions(plain, { cache_ttl_s: null })
  })

  it('lets an entry expire after the connection\'s TTL', async () => {
    await patchOptions(plain, { cache_ttl_s: 1 })
    expect((await semanticQuery(plain)).cache).toBe('miss')
    expect((await semanticQuery(plain)).cache).toBe('hit')
    await sale(2, 9)
    await new Promise((r) => setTimeout(r, 1100))
    const expired = await semanticQuery(plain)
    expect(expired.cache).toBe('miss')
    expect(expired.revenue).toBeCloseTo(await dbRevenue(), 2)
    await patchOptions(plain, { cache_ttl_s: null })
  })

  it('refuses a cache_ttl_s that is not a whole number of seconds within a day, naming the field', async () => {
    for (const bad of [-1, 1.5, 86_401, 'soon']) {
      const res = await t.request('PATCH', `/api/v1/connections/${plain}`, { body: { options: { cache_ttl_s: bad } } })
      expect(res.status).toBe(400)
      const body = await res.json()
      expect(body.error.code).toBe('validation_error')
      expect(JSON.stringify(body.error.details)).toContain('cache_ttl_s')
    }
  })
})
