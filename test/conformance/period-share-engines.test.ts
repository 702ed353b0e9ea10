// Period comparison (`compare`), ad-hoc offset metrics (`offset_metrics`) and
// `share_of_total` run on PostgreSQL, MariaDB and ClickHouse with the SQL the
// compiler writes for each, over a tiny shop whose answers are worked out by
// hand below. Skipped locally when a server is down; a failure with CI=true.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compile, type SemanticManifest, type SemanticQuery } from '../../semantic'
import { shopManifest } from '../unit/semantic/shop-manifest'
import { engineAvailable, openEngine, type EngineAdapter, type EngineName } from './engines'
import type { FixtureTable } from './fixtures'

const ENGINES: EngineName[] = ['postgres', 'mariadb', 'clickhouse']

function days(from: string, to: string): string[] {
  const out: string[] = []
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) out.push(`${new Date(t).toISOString().slice(0, 10)} 00:00:00`)
  return out
}

const TABLES: FixtureTable[] = [
  {
    name: 'customers',
    columns: [{ name: 'customer_id', type: 'INT', nullable: false }, { name: 'region', type: 'STRING', nullable: true }, { name: 'signed_up_at', type: 'TIME', nullable: true }],
    rows: [[1, 'EU', '2023-01-01 00:00:00'], [2, 'US', '2023-01-01 00:00:00']],
  },
  {
    name: 'orders',
    columns: [
      { name: 'order_id', type: 'INT', nullable: false }, { name: 'customer_id', type: 'INT', nullable: true }, { name: 'amount', type: 'FLOAT', nullable: true },
      { name: 'ordered_at', type: 'TIME', nullable: true }, { name: 'status', type: 'STRING', nullable: true }, { name: 'is_gift', type: 'BOOLEAN', nullable: true },
    ],
    rows: [
      [1, 1, 100, '2023-02-10 00:00:00', 'done', false],
      [2, 2, 50, '2023-03-05 00:00:00', 'done', false],
      [6, 1, 40, '2023-04-30 00:00:00', 'done', false],
      [3, 1, 30, '2024-02-11 00:00:00', 'done', true],
      [4, 2, 70, '2024-03-01 00:00:00', 'done', false],
      [5, 2, 20, '2024-07-01 00:00:00', 'done', false],
    ],
  },
  { name: 'time_spine', columns: [{ name: 'date_day', type: 'TIME', nullable: false }], rows: days('2022-12-01', '2024-08-31').map((d) => [d]) },
]

function manifestIn(schema: string): SemanticManifest {
  const m = shopManifest()
  for (const sm of m.semantic_models) sm.node_relation = { ...sm.node_relation, schema_name: schema }
  for (const ts of m.time_spines) ts.node_relation = { ...ts.node_relation, schema_name: schema }
  return m
}

/** Rows as objects with numbers rounded (engines differ in float text) and times cut to the day. */
function objects(res: { columns: string[]; rows: unknown[][] }): Array<Record<string, unknown>> {
  return res.rows.map((r) => Object.fromEntries(res.columns.map((c, i) => {
    const v = r[i]
    if (v === null || v === undefined) return [c, null]
    if (v instanceof Date) return [c, v.toISOString().slice(0, 10)]
    if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) return [c, v.slice(0, 10)]
    const n = Number(v)
    return [c, Number.isFinite(n) && typeof v !== 'boolean' && !/^[A-Za-z]/.test(String(v)) ? Math.round(n * 10_000) / 10_000 : v]
  })))
}

const byRegion = (rows: Array<Record<string, unknown>>) => [...rows].sort((a, b) => String(a.customer__region).localeCompare(String(b.customer__region)))

const available = await Promise.all(ENGINES.map((e) => engineAvailable(e)))

for (const [n, name] of ENGINES.entries()) {
  describe.skipIf(!available[n])(`period comparison and share of total on ${name}`, () => {
    let engine: EngineAdapter
    let manifest: SemanticManifest
    beforeAll(async () => {
      engine = await openEngine(name)
      await engine.load(TABLES)
      manifest = manifestIn(engine.schema)
    }, 120_000)
    afterAll(async () => { await engine?.close() })

    const run = async (q: SemanticQuery) => {
      const c = compile(q, manifest, engine.dialect)
      return objects(await engine.query(c.sql, c.params))
    }

    it('compares year to date with the same period a year earlier, per region', async () => {
      const rows = await run({ metrics: ['revenue'], group_by: ['customer__region'], time_constraint: { start: '2024-01-01', end: '2024-06-15' }, compare: { offset_window: '1 year' } })
      expect(byRegion(rows)).toEqual([
        { revenue: 30, customer__region: 'EU', revenue__previous: 140 },
        { revenue: 70, customer__region: 'US', revenue__previous: 50 },
      ])
    })

    it('compares a whole period without group-by as one row', async () => {
      const rows = await run({ metrics: ['revenue', 'orders'], time_constraint: { start: '2024-01-01', end: '2024-12-31' }, compare: { offset_window: '1 year' } })
      expect(rows).toEqual([{ revenue: 120, orders: 3, revenue__previous: 190, orders__previous: 3 }])
    })

    it('puts each month next to the month before with an ad-hoc offset metric', async () => {
      const rows = await run({
        metrics: ['revenue', 'revenue_prev_month'], group_by: [{ name: 'metric_time', grain: 'month' }],
        offset_metrics: [{ name: 'revenue', alias: 'revenue_prev_month', offset_window: '1 month' }],
        time_constraint: { start: '2024-02-01', end: '2024-03-31' }, order_by: ['metric_time__month'],
      })
      expect(rows).toEqual([
        { revenue: 30, revenue_prev_month: null, metric_time__month: '2024-02-01' },
        { revenue: 70, revenue_prev_month: 30, metric_time__month: '2024-03-01' },
      ])
    })

    it('moves whole months: May gets April\'s total once, not April 30 twice', async () => {
      const rows = await run({
        metrics: ['revenue', 'revenue_prev_month'], group_by: [{ name: 'metric_time', grain: 'month' }],
        offset_metrics: [{ name: 'revenue', alias: 'revenue_prev_month', offset_window: '1 month' }],
        time_constraint: { start: '2023-04-01', end: '2023-05-31' }, order_by: ['metric_time__month'],
      })
      expect(rows).toEqual([
        { revenue: 40, revenue_prev_month: 50, metric_time__month: '2023-04-01' },
        { revenue: null, revenue_prev_month: 40, metric_time__month: '2023-05-01' },
      ])
    })

    it('gives each region its share of the whole total, also when a filter picks one region', async () => {
      const all = await run({ metrics: ['revenue'], group_by: ['customer__region'], share_of_total: true })
      expect(byRegion(all)).toEqual([
        { revenue: 170, customer__region: 'EU', revenue__share: 0.5484 },
        { revenue: 140, customer__region: 'US', revenue__share: 0.4516 },
      ])
      const one = await run({ metrics: ['revenue'], group_by: ['customer__region'], share_of_total: true, filters: [{ field: 'customer__region', op: '=', value: 'EU' }] })
      expect(one).toEqual([{ revenue: 170, customer__region: 'EU', revenue__share: 0.5484 }])
    })

    it('computes the share before the limit cuts rows', async () => {
      const top = await run({ metrics: ['revenue'], group_by: ['customer__region'], share_of_total: true, order_by: ['-revenue'], limit: 1 })
      expect(top).toEqual([{ revenue: 170, customer__region: 'EU', revenue__share: 0.5484 }])
    })
  })
}
