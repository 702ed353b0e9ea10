// Access policies end to end on real databases: two API keys with different
// attributes ask the same questions and each sees only its region's rows, on
// every path (NL and structured queries, where and Metric() filters,
// follow-ups, saved queries, CSV, history, async jobs), with a hidden metric
// and a masked column; policies are managed and previewed by admins only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHash, randomBytes } from 'node:crypto'
import pg from 'pg'
import mysql from 'mysql2/promise'
import { createClient } from '@clickhouse/client'
import { createTestApp, type TestApp } from '../support/test-app'
import { serviceAvailable, SERVICES } from '../support/services'

const DB = `nexatron_access_${randomBytes(4).toString('hex')}`
const REGIONS = ['West', 'East', 'North']
const STORES = Array.from({ length: 6 }, (_, i) => ({ id: i + 1, region: REGIONS[i % 3], name: `Store ${i + 1}` }))
const SALES = Array.from({ length: 300 }, (_, i) => ({
  id: i + 1, store_id: (i % 6) + 1, sold_on: new Date(Date.UTC(2026, 0, 1 + (i % 90))).toISOString().slice(0, 10),
  amount: ((i * 37) % 500) / 4, email: `buyer${i % 17}@example${i % 3}.com`,
}))
const regionOf = (storeId: number) => STORES.find((s) => s.id === storeId)!.region
const revenueIn = (regions: string[]) => SALES.filter((s) => regions.includes(regionOf(s.store_id))).reduce((n, s) => n + s.amount, 0)
const TOTAL = SALES.reduce((n, s) => n + s.amount, 0)

const semantic = (schema: string) => `
semantic_models:
  - name: stores
    node_relation: { schema_name: ${schema}, alias: stores }
    entities: [{ name: store, type: primary, expr: id }]
    dimensions:
      - { name: region, type: categorical }
      - { name: store_name, type: categorical, expr: name }
  - name: sales
    node_relation: { schema_name: ${schema}, alias: sales }
    defaults: { agg_time_dimension: sold_on }
    entities:
      - { name: sale, type: primary, expr: id }
      - { name: store, type: foreign, expr: store_id }
    dimensions:
      - { name: sold_on, type: time, type_params: { time_granularity: day } }
      - { name: customer_email, type: categorical, expr: email }
      - { name: customer_key, type: categorical, expr: email }
    measures:
      - { name: amount, agg: sum }
      - { name: sales_count, agg: count, expr: id }
      - { name: margin_amount, agg: sum, expr: amount / 10 }
metrics:
  - { name: revenue, type: simple, synonyms: [turnover, sales], type_params: { measure: amount } }
  - { name: sales_count, label: Number of sales, type: simple, type_params: { measure: sales_count } }
  - { name: secret_margin, type: simple, description: Internal margin, type_params: { measure: margin_amount } }
saved_queries:
  - name: revenue_by_region
    query_params: { metrics: [revenue], group_by: ["Dimension('store__region')"] }
`

const POLICIES = [
  { name: 'regional_managers', model: 'stores', row_filter: "{{ Dimension('store__region') }} IN {{ Attribute('region') }}", bypass_roles: ['admin'] },
  { name: 'no_margin', model: 'sales', applies_to: { roles: ['analyst', 'viewer'] }, member_access: { hide: ['secret_margin'] }, mask: [{ dimension: 'customer_email', method: 'partial' }, { dimension: 'customer_key', method: 'hash' }] },
]

interface Ctx { t: TestApp; conn: string; west: string; east: string; nobody: string; westId: string; eastId: string }

async function setUp(t: TestApp, connection: Record<string, unknown>, schema: string): Promise<Ctx> {
  const created = await t.request('POST', '/api/v1/connections', { body: connection })
  expect(created.status).toBe(201)
  const conn = (await created.json()).id as string
  const imported = await t.request('POST', '/api/v1/semantic/import', { body: { connection_id: conn, files: [{ path: 's.yml', content: semantic(schema) }] } })
  expect(imported.status).toBe(200)
  const put = await t.request('PUT', '/api/v1/semantic/access-policies', { body: { connection_id: conn, policies: POLICIES } })
  expect(put.status).toBe(200)
  const key = async (attributes?: Record<string, unknown>) => {
    const res = await t.request('POST', '/api/v1/api-keys', { body: { name: 'k', scopes: ['query:run', 'query:read', 'semantic:read', 'semantic:write'], ...(attributes ? { attributes } : {}) } })
    expect(res.status).toBe(201)
    return res.json() as Promise<{ key: string; id: string; attributes: Record<string, unknown> }>
  }
  const west = await key({ region: ['West'] })
  expect(west.attributes).toEqual({ region: ['West'] })
  const east = await key({ region: 'East' })
  const nobody = await key()
  return { t, conn, west: west.key, east: east.key, nobody: nobody.key, westId: west.id, eastId: east.id }
}

const semanticQuery = (c: Ctx, key: string, body: Record<string, unknown>) => c.t.request('POST', '/api/v1/semantic/query', { key, body: { connection_id: c.conn, ...body } })
const ask = (c: Ctx, key: string, body: Record<string, unknown>) => c.t.request('POST', '/api/v1/query', { key, body: { connection_id: c.conn, ...body } })
const total = async (res: Response | { json(): Promise<unknown> }) => Number(((await res.json()) as { data: Array<{ revenue: unknown }> }).data[0]?.revenue ?? 0)

/** The checks every engine runs: different totals for the same question, and no way around the filter. */
function sharedChecks(get: () => Ctx) {
  it('gives two keys with different attributes different totals for the same structured query, and admins all rows', async () => {
    const c = get()
    expect(await total(await semanticQuery(c, c.west, { metrics: ['revenue'] }))).toBeCloseTo(revenueIn(['West']), 2)
    expect(await total(await semanticQuery(c, c.east, { metrics: ['revenue'] }))).toBeCloseTo(revenueIn(['East']), 2)
    expect(await total(await semanticQuery(c, c.t.adminKey, { metrics: ['revenue'] }))).toBeCloseTo(TOTAL, 2)
  })

  it('answers the same question in words with each key\'s own total and says a policy applied without naming values', async () => {
    const c = get()
    const w = await ask(c, c.west, { question: 'total revenue' })
    expect(w.status).toBe(200)
    const body = await w.json()
    expect(Number(body.data[0].revenue)).toBeCloseTo(revenueIn(['West']), 2)
    expect(body.explanation).toContain('access policy on stores')
    expect(body.explanation).not.toMatch(/East|North/)
    expect(await total(await ask(c, c.east, { question: 'total revenue' }))).toBeCloseTo(revenueIn(['East']), 2)
    // The permitted value of the governed column still grounds a question.
    const inWest = await (await ask(c, c.west, { question: 'revenue in West' })).json()
    expect(inWest.plan.query.filters).toEqual([expect.objectContaining({ field: 'store__region', value: 'West' })])
    expect(Number(inWest.data[0].revenue)).toBeCloseTo(revenueIn(['West']), 2)
  })

  it('keeps other regions out of reach through filters, where filters and Metric() filters', async () => {
    const c = get()
    const filtered = await (await semanticQuery(c, c.west, { metrics: ['revenue'], group_by: ['store__region'], filters: [{ field: 'store__region', op: 'in', value: ['East', 'North'] }] })).json()
    expect(filtered.data).toEqual([])
    const widened = await (await semanticQuery(c, c.west, { metrics: ['revenue'], group_by: ['store__region'], where: ["{{ Dimension('store__region') }} <> 'West' OR 1 = 1"] })).json()
    expect(widened.data.map((r: { store__region: string }) => r.store__region)).toEqual(['West'])
    const viaMetric = await (await semanticQuery(c, c.west, { metrics: ['sales_count'], group_by: ['store__region'], where: ["{{ Metric('revenue', group_by=['store']) }} > 0"] })).json()
    expect(viaMetric.data.map((r: { store__region: string }) => r.store__region)).toEqual(['West'])
    const stores = await (await semanticQuery(c, c.west, { metrics: [], group_by: ['store__store_name'], order_by: ['store__store_name'] })).json()
    expect(stores.data.map((r: { store__store_name: string }) => r.store__store_name)).toEqual(STORES.filter((s) => s.region === 'West').map((s) => s.name))
  })

  it('keeps other regions out of reach through entity ids, ordering and limits, and names none of them in a refusal', async () => {
    const c = get()
    const westStores = STORES.filter((s) => s.region === 'West')
    // Store 2 is in the East: asked for by id, the West key gets no rows of it.
    const eastStore = STORES.find((s) => s.region === 'East')!
    const byId = await ask(c, c.west, { question: `revenue for store ${eastStore.id}` })
    expect(byId.status).toBe(200)
    const idBody = await byId.json()
    expect(idBody.plan.query.filters).toEqual([expect.objectContaining({ field: 'store', value: eastStore.id })])
    expect(Number(idBody.data[0]?.revenue ?? 0)).toBe(0)
    // Lowest first and a limit read the permitted rows only: the bottom stores are West's, however small East's are.
    const bottom = await (await ask(c, c.west, { question: `bottom ${westStores.length + 1} stores by revenue` })).json()
    expect(bottom.plan.query).toMatchObject({ order_by: ['revenue'], limit: westStores.length + 1 })
    expect(bottom.data.map((r: { store__store_name: string }) => r.store__store_name).sort()).toEqual(westStores.map((s) => s.name).sort())
    const lowest = await (await ask(c, c.west, { question: 'revenue by region, lowest first' })).json()
    expect(lowest.data.map((r: { store__region: string }) => r.store__region)).toEqual(['West'])
    // A region the key may not see is not a value to it: refused, and nothing in the answer lists the others.
    const other = await ask(c, c.west, { question: 'revenue in North' })
    expect(other.status).toBe(422)
    const text = await other.text()
    expect(text).not.toMatch(/East|store__region/)
    // A metric the policies hide is not offered as a suggestion either.
    const hidden = await ask(c, c.west, { question: 'margin by region' })
    expect(hidden.status).toBe(422)
    const hiddenBody = await hidden.json()
    expect(JSON.stringify(hiddenBody)).not.toContain('secret_margin')
    expect(hiddenBody.error.details[0].suggestions).toEqual(expect.arrayContaining(['revenue']))
  })

  it('runs saved queries over the permitted rows only', async () => {
    const c = get()
    const res = await (await semanticQuery(c, c.east, { saved_query: 'revenue_by_region' })).json()
    expect(res.data.map((r: { store__region: string }) => r.store__region)).toEqual(['East'])
  })

  it('hides a metric from restricted keys (unknown to them) and masks the email column they group by', async () => {
    const c = get()
    const hidden = await semanticQuery(c, c.west, { metrics: ['secret_margin'] })
    expect(hidden.status).toBe(422)
    expect((await hidden.json()).error.code).toBe('unknown_metric')
    expect((await semanticQuery(c, c.t.adminKey, { metrics: ['secret_margin'] })).status).toBe(200)
    const listed = async (key: string, what: string) => (await (await c.t.request('GET', `/api/v1/semantic/${what}?connection_id=${c.conn}&limit=100`, { key })).json()).data
    expect((await listed(c.west, 'metrics')).map((m: { name: string }) => m.name)).not.toContain('secret_margin')
    expect((await listed(c.t.adminKey, 'metrics')).map((m: { name: string }) => m.name)).toContain('secret_margin')
    const dims = await listed(c.west, 'dimensions')
    expect(dims.find((d: { name: string }) => d.name === 'region').sample_values).toBeNull()
    expect(JSON.stringify(dims)).not.toMatch(/East|North|buyer/)
    expect(JSON.stringify(await listed(c.t.adminKey, 'dimensions'))).toContain('East')
    const models = JSON.stringify(await listed(c.west, 'models'))
    expect(models).not.toMatch(/East|North|row_filters/)
    const byEmail = await (await semanticQuery(c, c.west, { metrics: ['sales_count'], group_by: ['sale__customer_email'] })).json()
    expect(byEmail.data.length).toBeGreaterThan(0)
    for (const r of byEmail.data) expect(r.sale__customer_email).toMatch(/^b\*\*\*@example\d\.com$/)
    // Hashed values still tell customers apart (one per distinct email of the permitted rows), without showing them.
    const byKey = await (await semanticQuery(c, c.west, { metrics: ['sales_count'], group_by: ['sale__customer_key'] })).json()
    const westEmails = new Set(SALES.filter((s) => regionOf(s.store_id) === 'West').map((s) => s.email))
    expect(byKey.data).toHaveLength(westEmails.size)
    for (const r of byKey.data) expect(r.sale__customer_key).toMatch(/^[0-9a-f]{64}$/)
    // The same digest on every engine: SHA-256 of the tenant's mask key followed by the value's text
    // (never of the bare value, which anyone could recompute for a guessed email).
    const maskKey = c.t.services.secretBox.deriveKey(`nexatron-mask-v1:${c.t.tenantId}`).toString('hex')
    const digests = byKey.data.map((r: { sale__customer_key: string }) => r.sale__customer_key).sort()
    expect(digests).toEqual([...westEmails].map((e) => createHash('sha256').update(maskKey + e).digest('hex')).sort())
    for (const e of westEmails) expect(digests).not.toContain(createHash('sha256').update(e).digest('hex'))
  })

  it('refuses (403 access_denied, naming the policy) a key without the attribute the row filter needs', async () => {
    const c = get()
    const res = await semanticQuery(c, c.nobody, { metrics: ['revenue'] })
    expect(res.status).toBe(403)
    const err = (await res.json()).error
    expect(err.code).toBe('access_denied')
    expect(err.message).toContain('regional_managers')
  })
}

function extraChecks(get: () => Ctx) {
  it('keeps follow-ups, CSV, history and async jobs on the permitted rows', async () => {
    const c = get()
    const first = await (await ask(c, c.west, { question: 'revenue by region' })).json()
    expect(first.data.map((r: { store__region: string }) => r.store__region)).toEqual(['West'])
    const follow = await ask(c, c.west, { question: 'now for all regions', conversation_id: first.conversation_id })
    expect(follow.status).toBe(200)
    const f = await follow.json()
    expect(f.data.map((r: { store__region: string }) => r.store__region)).toEqual(['West'])
    const stream = await c.t.request('POST', '/api/v1/query/stream', { key: c.west, body: { connection_id: c.conn, question: 'revenue by region' } })
    const events = await stream.text()
    expect(events).toContain('West')
    expect(events).not.toMatch(/East|North/)
    const csv = await ask(c, c.west, { question: 'revenue by region', format: 'csv' })
    const text = await csv.text()
    expect(text).toContain('West')
    expect(text).not.toMatch(/East|North/)
    const hist = await (await c.t.request('GET', `/api/v1/query/${first.id}`, { key: c.west })).json()
    expect(hist.data.map((r: { store__region: string }) => r.store__region)).toEqual(['West'])
    // An admin looking at the key's history sees what the key saw (stored), not a re-run with the admin's rights.
    const seen = await c.t.request('GET', `/api/v1/query/${first.id}`)
    expect(seen.status).toBe(200)
    expect((await seen.json()).data.map((r: { store__region: string }) => r.store__region)).toEqual(['West'])
    const queued = await (await ask(c, c.east, { question: 'total revenue', async: true })).json()
    expect(queued.status).toBe('queued')
    // The job runs with the attributes the key holds when it runs: rights taken away while it waited are gone.
    expect((await c.t.request('PATCH', `/api/v1/api-keys/${c.eastId}`, { body: { attributes: { region: ['North'] } } })).status).toBe(200)
    c.t.services.worker.start()
    let job: { status: string; data?: Array<{ revenue: unknown }> | null; withheld?: { reason: string } | null } = { status: 'queued' }
    for (let i = 0; i < 100 && !['succeeded', 'failed'].includes(job.status); i++) {
      await new Promise((r) => setTimeout(r, 50))
      job = await (await c.t.request('GET', `/api/v1/query/${queued.id}`, { key: c.east })).json()
    }
    await c.t.services.worker.stop()
    expect(job.status).toBe('succeeded')
    expect(job.withheld).toBeNull()
    expect(Number(job.data![0].revenue)).toBeCloseTo(revenueIn(['North']), 2)
    // Later questions use the new attributes too.
    expect(await total(await ask(c, c.east, { question: 'total revenue' }))).toBeCloseTo(revenueIn(['North']), 2)
    expect((await c.t.request('PATCH', `/api/v1/api-keys/${c.eastId}`, { body: { attributes: { region: 'East' } } })).status).toBe(200)
    // Back on East, the North rows the job read are not the key's to read back (stored answers follow the current rules).
    job = await (await c.t.request('GET', `/api/v1/query/${queued.id}`, { key: c.east })).json()
    expect(job.data).toBeNull()
    expect(job.withheld?.reason).toBe('access_changed')
  })

  it('manages policies through the API: admins only, every problem located, changes audited', async () => {
    const c = get()
    expect((await c.t.request('GET', `/api/v1/semantic/access-policies?connection_id=${c.conn}`, { key: c.west })).status).toBe(403)
    const listed = await (await c.t.request('GET', `/api/v1/semantic/access-policies?connection_id=${c.conn}`)).json()
    expect(listed.policies.map((p: { name: string }) => p.name)).toEqual(['regional_managers', 'no_margin'])
    const bad = await c.t.request('PUT', '/api/v1/semantic/access-policies', { body: { connection_id: c.conn, policies: [
      { name: 'x', model: 'stores', row_filter: "{{ Dimension('store__regoin') }} = {{ Attribute('region') }}" },
      { name: 'y', model: 'nope', row_filter: '1 = 1' },
    ] } })
    expect(bad.status).toBe(422)
    const details = (await bad.json()).error.details.map((d: { path: string }) => d.path)
    expect(details).toEqual(expect.arrayContaining(['access_policies[0].row_filter', 'access_policies[1].model']))
    const malformed = await c.t.request('PUT', '/api/v1/semantic/access-policies', { body: { connection_id: c.conn, policies: [{ name: 'z', model: 'stores', mask: [{ dimension: 'region', method: 'rot13' }] }] } })
    expect(malformed.status).toBe(400)
    // Unchanged by the refused writes.
    expect((await (await c.t.request('GET', `/api/v1/semantic/access-policies?connection_id=${c.conn}`)).json()).policies).toHaveLength(2)
    const audit = await (await c.t.request('GET', '/api/v1/audit-log?action=semantic.access_policies&limit=100')).json()
    const outcomes = audit.data.map((e: { action: string; outcome: string }) => `${e.action}:${e.outcome}`)
    expect(outcomes).toContain('semantic.access_policies.replace:success')
    expect(outcomes).toContain('semantic.access_policies.replace:failure')
    expect((await c.t.request('PATCH', `/api/v1/api-keys/${c.westId}`, { body: { attributes: { region: ['West'] } } })).status).toBe(200)
    const keyAudit = await (await c.t.request('GET', '/api/v1/audit-log?action=api_key.update&limit=100')).json()
    expect(keyAudit.data.length).toBeGreaterThan(0)
  })

  it('takes policies from the imported YAML (admins only), locating every problem by file, path and line', async () => {
    const c = get()
    const yaml = `${semantic('shop')}
access_policies:
  - name: regional_managers
    model: stores
    row_filter: "{{ Dimension('store__region') }} IN {{ Attribute('region') }}"
    bypass_roles: [admin]
`
    const ok = await c.t.request('POST', '/api/v1/semantic/import', { body: { connection_id: c.conn, files: [{ path: 's.yml', content: yaml }], check_relations: false, refresh_sample_values: false } })
    expect(ok.status).toBe(200)
    expect((await ok.json()).access_policies).toBe(1)
    // Merged by name: the other policy stays.
    expect((await (await c.t.request('GET', `/api/v1/semantic/access-policies?connection_id=${c.conn}`)).json()).policies).toHaveLength(2)
    const bad = await c.t.request('POST', '/api/v1/semantic/import', { body: { connection_id: c.conn, check_relations: false, files: [{ path: 'bad.yml', content: `${semantic('shop')}
access_policies:
  - name: broken
    model: stores
    row_filter: "{{ Dimension('store__regoin') }} = 'x'"
` }] } })
    expect(bad.status).toBe(422)
    const detail = (await bad.json()).error.details[0]
    expect(detail).toMatchObject({ file: 'bad.yml', path: 'access_policies[0].row_filter' })
    expect(detail.line).toBeGreaterThan(30)
    const writer = (await (await c.t.request('POST', '/api/v1/api-keys', { body: { name: 'w', scopes: ['semantic:write', 'semantic:read'] } })).json()).key
    const refused = await c.t.request('POST', '/api/v1/semantic/import', { key: writer, body: { connection_id: c.conn, check_relations: false, files: [{ path: 's.yml', content: yaml }] } })
    expect(refused.status).toBe(403)
  })

  it('previews for an admin the SQL a key would run, with its values bound', async () => {
    const c = get()
    const res = await c.t.request('POST', '/api/v1/semantic/access/preview', { body: { connection_id: c.conn, principal: { api_key_id: c.westId }, query: { metrics: ['revenue'] } } })
    expect(res.status).toBe(200)
    const p = await res.json()
    expect(p.params).toEqual(['West'])
    expect(p.sql_inline).toContain("'West'")
    expect(p.visible_metrics).not.toContain('secret_margin')
    expect(p.applied.map((a: { policy: string }) => a.policy)).toEqual(['regional_managers', 'no_margin'])
    const asRole = await (await c.t.request('POST', '/api/v1/semantic/access/preview', { body: { connection_id: c.conn, principal: { role: 'analyst', attributes: { region: ['North'] } }, query: { metrics: ['revenue'] } } })).json()
    expect(asRole.params).toEqual(['North'])
    expect((await c.t.request('POST', '/api/v1/semantic/access/preview', { key: c.west, body: { connection_id: c.conn, principal: { api_key_id: c.westId }, query: { metrics: ['revenue'] } } })).status).toBe(403)
  })

  it('asks back on an ambiguous question with candidates from the permitted layer, and each runs on the permitted rows', async () => {
    const c = get()
    // A metric whose name is also a value of the governed column: "west sales" is this metric, or revenue where region = West.
    const extra = `metrics:\n  - name: west_sales\n    type: simple\n    type_params: { measure: amount }\n    filter: "{{ Dimension('store__region') }} = 'West'"\n`
    // (extraChecks run on the PostgreSQL set-up, whose tables are in schema shop.)
    const merged = await c.t.request('POST', '/api/v1/semantic/import', { body: { connection_id: c.conn, mode: 'replace', files: [{ path: 's.yml', content: semantic('shop') }, { path: 'extra.yml', content: extra }] } })
    expect(merged.status, await merged.clone().text()).toBe(200)
    const res = await ask(c, c.west, { question: 'west sales' })
    expect(res.status, await res.clone().text()).toBe(422)
    const err = (await res.json()).error
    expect(err.code).toBe('ambiguous_question')
    const candidates = err.details[0].candidates as Array<{ id: string; plan: { metrics: string[]; filters?: Array<{ value: unknown }> } }>
    expect(candidates.length).toBeGreaterThanOrEqual(2)
    expect(JSON.stringify(candidates)).not.toMatch(/secret_margin|East|North/)
    for (const cand of candidates) {
      const run = await ask(c, c.west, { question: 'west sales', interpretation: cand.id })
      expect(run.status).toBe(200)
      const metric = cand.plan.metrics[0]
      const westRows = SALES.filter((r) => regionOf(r.store_id) === 'West')
      const expected = metric === 'sales_count' ? westRows.length : revenueIn(['West'])
      expect(Number((await run.json()).data[0][metric])).toBeCloseTo(expected, 2)
    }
    // The East key reads the same words over its own rows: West is no value it can see, and West's rows stay out of reach.
    const east = await ask(c, c.east, { question: 'west sales' })
    if (east.status === 200) expect(Number((await east.json()).data[0]?.west_sales ?? 0)).toBe(0)
    else expect(await east.text()).not.toMatch(/North/)
  })

  it('lets only admins set attributes, on users and keys', async () => {
    const c = get()
    const user = await (await c.t.request('POST', '/api/v1/users', { body: { email: `m${randomBytes(3).toString('hex')}@example.com`, password: 'correct horse battery', role: 'analyst' } })).json()
    const patched = await c.t.request('PATCH', `/api/v1/users/${user.id}`, { body: { attributes: { region: ['West', 'North'], partner_id: 42 } } })
    expect(patched.status).toBe(200)
    expect((await patched.json()).attributes).toEqual({ region: ['West', 'North'], partner_id: 42 })
    const manager = await (await c.t.request('POST', '/api/v1/api-keys', { body: { name: 'keys', scopes: ['keys:manage', 'users:manage', 'query:run'] } })).json()
    expect((await c.t.request('POST', '/api/v1/api-keys', { key: manager.key, body: { name: 'x', scopes: ['query:run'], attributes: { region: 'East' } } })).status).toBe(403)
    expect((await c.t.request('PATCH', `/api/v1/users/${user.id}`, { key: manager.key, body: { attributes: { region: 'East' } } })).status).toBe(403)
    const invalid = await c.t.request('PATCH', `/api/v1/users/${user.id}`, { body: { attributes: { 'bad name': 1 } } })
    expect(invalid.status).toBe(400)
  })
}

const hasPg = await serviceAvailable('postgres')
describe.skipIf(!hasPg)('access policies on PostgreSQL', () => {
  let ctx: Ctx
  let admin: pg.Client
  beforeAll(async () => {
    admin = new pg.Client({ host: SERVICES.postgres.host, port: SERVICES.postgres.port, user: 'postgres', database: 'postgres' })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${DB}`)
    const setup = new pg.Client({ host: SERVICES.postgres.host, port: SERVICES.postgres.port, user: 'postgres', database: DB })
    await setup.connect()
    await setup.query(`CREATE SCHEMA shop; CREATE TABLE shop.stores (id int PRIMARY KEY, region text NOT NULL, name text NOT NULL);
      CREATE TABLE shop.sales (id int PRIMARY KEY, store_id int NOT NULL, sold_on date NOT NULL, amount numeric(12,2) NOT NULL, email text NOT NULL)`)
    for (const s of STORES) await setup.query('INSERT INTO shop.stores VALUES ($1, $2, $3)', [s.id, s.region, s.name])
    await setup.query(`INSERT INTO shop.sales SELECT * FROM json_populate_recordset(NULL::shop.sales, $1)`, [JSON.stringify(SALES)])
    await setup.end()
    const t = await createTestApp()
    ctx = await setUp(t, { name: 'pg', type: 'postgres', config: { host: SERVICES.postgres.host, port: SERVICES.postgres.port, database: DB, user: 'postgres', ssl: 'disable' }, options: { allow_elevated_login: true } }, 'shop')
  }, 60_000)
  afterAll(async () => {
    await ctx?.t.close()
    await admin?.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`)
    await admin?.end()
  })
  sharedChecks(() => ctx)
  extraChecks(() => ctx)
})

const hasMaria = await serviceAvailable('mariadb')
describe.skipIf(!hasMaria)('access policies on MariaDB', () => {
  let ctx: Ctx
  let admin: mysql.Connection
  beforeAll(async () => {
    admin = await mysql.createConnection({ host: SERVICES.mariadb.host, port: SERVICES.mariadb.port, user: 'root' })
    await admin.query(`CREATE DATABASE ${DB}`)
    await admin.query(`CREATE TABLE ${DB}.stores (id INT PRIMARY KEY, region VARCHAR(20) NOT NULL, name VARCHAR(40) NOT NULL)`)
    await admin.query(`CREATE TABLE ${DB}.sales (id INT PRIMARY KEY, store_id INT NOT NULL, sold_on DATE NOT NULL, amount DECIMAL(12,2) NOT NULL, email VARCHAR(80) NOT NULL)`)
    await admin.query(`INSERT INTO ${DB}.stores VALUES ${STORES.map(() => '(?,?,?)').join(',')}`, STORES.flatMap((s) => [s.id, s.region, s.name]))
    await admin.query(`INSERT INTO ${DB}.sales VALUES ${SALES.map(() => '(?,?,?,?,?)').join(',')}`, SALES.flatMap((s) => [s.id, s.store_id, s.sold_on, s.amount, s.email]))
    const t = await createTestApp()
    ctx = await setUp(t, { name: 'maria', type: 'mysql', config: { host: '127.0.0.1', port: SERVICES.mariadb.port, database: DB, user: 'root', ssl: 'disable' }, options: { allow_elevated_login: true } }, DB)
  }, 60_000)
  afterAll(async () => {
    await ctx?.t.close()
    await admin?.query(`DROP DATABASE IF EXISTS ${DB}`)
    await admin?.end()
  })
  sharedChecks(() => ctx)
})

const hasClickhouse = await serviceAvailable('clickhouse')
describe.skipIf(!hasClickhouse)('access policies on ClickHouse', () => {
  let ctx: Ctx
  const ch = createClient({ url: `http://${SERVICES.clickhouse.host}:${SERVICES.clickhouse.port}` })
  beforeAll(async () => {
    await ch.command({ query: `CREATE DATABASE ${DB}` })
    await ch.command({ query: `CREATE TABLE ${DB}.stores (id UInt32, region String, name String) ENGINE = MergeTree ORDER BY id` })
    await ch.command({ query: `CREATE TABLE ${DB}.sales (id UInt32, store_id UInt32, sold_on Date, amount Decimal(12,2), email String) ENGINE = MergeTree ORDER BY id` })
    await ch.insert({ table: `${DB}.stores`, values: STORES, format: 'JSONEachRow' })
    await ch.insert({ table: `${DB}.sales`, values: SALES, format: 'JSONEachRow' })
    const t = await createTestApp()
    ctx = await setUp(t, { name: 'ch', type: 'clickhouse', config: { host: '127.0.0.1', port: SERVICES.clickhouse.port, database: DB, ssl: 'disable' }, options: { allow_elevated_login: true } }, DB)
  }, 60_000)
  afterAll(async () => {
    await ctx?.t.close()
    await ch.command({ query: `DROP DATABASE IF EXISTS ${DB}` })
    await ch.close()
  })
  sharedChecks(() => ctx)
})
