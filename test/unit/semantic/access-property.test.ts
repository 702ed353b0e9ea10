// Property: whatever semantic query a restricted principal sends (metrics,
// group-bys, filters on the governed column, Metric() filters, ordering,
// limits), every row it gets back lies inside its policy, and no total
// exceeds the total of its permitted rows. Runs the compiled SQL on PGlite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { PGlite } from '@electric-sql/pglite'
import { compile, getDialect, importMetricFlow, type SemanticManifest, type SemanticQuery } from '../../../semantic'
import { restrictManifest, type AccessPolicy } from '../../../semantic/access'

const REGIONS = ['West', 'East', 'North', 'South']
const STORES = Array.from({ length: 8 }, (_, i) => ({ id: i + 1, region: REGIONS[i % 4], name: `Store ${i + 1}` }))
const SALES = Array.from({ length: 400 }, (_, i) => ({ id: i + 1, store_id: (i * 7 % 8) + 1, sold_on: `2026-0${1 + (i % 6)}-1${i % 9}`, amount: (i * 37) % 500 }))

const YAML = `
semantic_models:
  - name: stores
    node_relation: { schema_name: shop, alias: stores }
    entities: [{ name: store, type: primary, expr: id }]
    dimensions:
      - { name: region, type: categorical }
      - { name: store_name, type: categorical, expr: name }
  - name: sales
    node_relation: { schema_name: shop, alias: sales }
    defaults: { agg_time_dimension: sold_on }
    entities: [{ name: sale, type: primary, expr: id }, { name: store, type: foreign, expr: store_id }]
    dimensions: [{ name: sold_on, type: time, type_params: { time_granularity: day } }]
    measures: [{ name: amount, agg: sum }, { name: sales_count, agg: count, expr: id }]
metrics:
  - { name: revenue, type: simple, type_params: { measure: amount } }
  - { name: sales_count, type: simple, type_params: { measure: sales_count } }
  - { name: avg_sale, type: ratio, type_params: { numerator: revenue, denominator: sales_count } }
`
const POLICY: AccessPolicy = { name: 'regional', model: 'stores', row_filter: "{{ Dimension('store__region') }} IN {{ Attribute('region') }}" }

let db: PGlite
let manifest: SemanticManifest
beforeAll(async () => {
  db = new PGlite()
  await db.exec(`CREATE SCHEMA shop; CREATE TABLE shop.stores (id int, region text, name text); CREATE TABLE shop.sales (id int, store_id int, sold_on date, amount numeric)`)
  for (const s of STORES) await db.query('INSERT INTO shop.stores VALUES ($1, $2, $3)', [s.id, s.region, s.name])
  await db.query('INSERT INTO shop.sales SELECT * FROM json_populate_recordset(NULL::shop.sales, $1)', [JSON.stringify(SALES)])
  const imported = importMetricFlow([{ path: 'm.yml', content: YAML }])
  expect(imported.problems).toEqual([])
  manifest = imported.manifest
}, 60_000)
afterAll(async () => { await db?.close() })

const metricsArb = fc.subarray(['revenue', 'sales_count', 'avg_sale'], { minLength: 0, maxLength: 3 })
const groupArb = fc.subarray(['store__region', 'store__store_name', 'sale__sold_on__month'], { minLength: 1, maxLength: 3 })
const filterArb = fc.oneof(
  fc.constant(undefined),
  fc.record({ field: fc.constant('store__region'), op: fc.constantFrom('=' as const, '!=' as const), value: fc.constantFrom(...REGIONS) }),
  fc.record({ field: fc.constant('store__region'), op: fc.constantFrom('in' as const, 'not_in' as const), value: fc.subarray(REGIONS, { minLength: 1 }) }),
  fc.record({ field: fc.constant('store__store_name'), op: fc.constant('like' as const), value: fc.constantFrom('Store%', '%1', '%') }),
)
const whereArb = fc.oneof(fc.constant(undefined), fc.constantFrom(
  "{{ Metric('revenue', group_by=['store']) }} > 0",
  "{{ Dimension('store__region') }} <> 'West' OR 1 = 1",
  "{{ Metric('sales_count', group_by=['store']) }} >= 1",
))
const queryArb = fc.record({
  metrics: metricsArb, group_by: groupArb, filter: filterArb, where: whereArb,
  order: fc.boolean(), limit: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
  allowed: fc.subarray(REGIONS, { minLength: 0, maxLength: 3 }),
})

describe('a row policy holds for every semantic query', () => {
  it('returns only rows of the permitted regions, and totals within theirs', async () => {
    await fc.assert(fc.asyncProperty(queryArb, async (g) => {
      const view = restrictManifest(manifest, [POLICY], { role: 'analyst', attributes: { region: g.allowed } }).manifest
      const metrics = g.metrics
      // Metric() filters group by store; with no metrics the query is dimension-only (no Metric filters there).
      const q: SemanticQuery = {
        metrics, group_by: g.group_by,
        ...(g.filter ? { filters: [g.filter] } : {}),
        ...(g.where && metrics.length ? { where: [g.where] } : {}),
        ...(g.order ? { order_by: [`-${g.group_by[0]}`] } : {}),
        ...(g.limit ? { limit: g.limit } : {}),
      }
      const c = compile(q, view, getDialect('postgres'))
      const rows = (await db.query<Record<string, unknown>>(c.sql, c.params)).rows
      const allowedStores = new Set(STORES.filter((s) => g.allowed.includes(s.region)).map((s) => s.name))
      const allowedRevenue = SALES.filter((s) => g.allowed.includes(STORES[s.store_id - 1].region)).reduce((n, s) => n + s.amount, 0)
      let revenue = 0
      for (const r of rows) {
        if ('store__region' in r && r.store__region !== null) expect(g.allowed).toContain(r.store__region)
        if ('store__store_name' in r && r.store__store_name !== null) expect(allowedStores.has(r.store__store_name as string)).toBe(true)
        if (r.revenue !== null && r.revenue !== undefined) revenue += Number(r.revenue)
      }
      expect(revenue).toBeLessThanOrEqual(allowedRevenue + 1e-6)
      if (!g.allowed.length) expect(revenue).toBe(0)
    }), { numRuns: 80 })
  }, 120_000)
})
