// The demo warehouse holds exactly the rows the generator made: the loader
// (COPY from CSV) neither drops, reorders nor reformats a value, names with
// commas and quotes included, so the demo's answers are those of its data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PGlite } from '@electric-sql/pglite'
import { generateDemoDataset, type DemoDataset } from '../../src/demo/dataset'
import { DEMO_PGLITE_OPTIONS, loadDemoDataset } from '../../src/demo/warehouse'
import { createSeededPglite } from '../../src/store/cluster-seed'

let db: PGlite
let data: DemoDataset

beforeAll(async () => {
  const generated = generateDemoDataset(new Date('2026-03-15T12:00:00Z'))
  // Values a CSV loader could get wrong, in the first rows of two tables.
  data = {
    ...generated,
    stores: generated.stores.map((r, i) => (i === 0 ? [r[0], 'O\'Brien, "Main" St', r[2], r[3], r[4]] : r)),
    products: generated.products.map((r, i) => (i === 0 ? [r[0], 'A,B "C"\\D', r[2], r[3], r[4]] : r)),
  }
  db = await createSeededPglite(DEMO_PGLITE_OPTIONS)
  await loadDemoDataset(db, data)
}, 180_000)
afterAll(async () => { await db?.close() })

async function tableAsText(table: string): Promise<string[][]> {
  const cols = (await db.query<{ c: string }>(
    `SELECT column_name AS c FROM information_schema.columns WHERE table_schema = 'retail' AND table_name = $1 ORDER BY ordinal_position`, [table],
  )).rows.map((r) => r.c)
  const rows = await db.query<{ r: string[] }>(`SELECT ARRAY[${cols.map((c) => `${c}::text`).join(', ')}] AS r FROM retail.${table} ORDER BY ${cols[0]}`)
  return rows.rows.map((x) => x.r)
}

const asText = (rows: unknown[][]) => rows.map((r) => r.map(String)).sort((a, b) => Number(a[0]) - Number(b[0]))

describe('loading the demo dataset', () => {
  it.each([
    ['stores', () => data.stores], ['products', () => data.products], ['customers', () => data.customers],
    ['orders', () => data.orders], ['order_items', () => data.orderItems],
  ] as const)('holds every generated row of %s, value for value', async (table, rows) => {
    const expected = asText(rows() as unknown[][])
    expect(expected.length).toBeGreaterThan(0)
    expect(await tableAsText(table)).toEqual(expected)
  })

  it('spans the time spine a year either side of the data', async () => {
    const r = await db.query<{ lo: string; hi: string }>('SELECT min(date_day)::text AS lo, max(date_day)::text AS hi FROM retail.time_spine')
    const day = (s: string, n: number) => new Date(Date.parse(`${s}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
    expect(r.rows[0]).toEqual({ lo: day(data.firstDay, -366), hi: day(data.lastDay, 366) })
  })
})
