// Pure parts of the one-reference mechanism: which fixture tables an engine
// cannot store as given, and the deterministic random-query generator.
import { describe, expect, it } from 'vitest'
import type { ConformanceCase } from './cases'
import { poolsFrom, randomCase, rng } from './cross-engine'
import { TIME_FRACTION_DIGITS, storedFixtures } from './engines/engine'
import type { FixtureTable } from './fixtures'

const table = (name: string, times: string[]): FixtureTable => ({
  name,
  columns: [{ name: 'ts', type: 'TIME', nullable: false }],
  rows: times.map((t) => [t]),
})

describe('storedFixtures', () => {
  it('cuts times to the engine precision and names the tables that change', () => {
    const tables = [table('whole', ['2020-01-01 10:00:00', '2020-01-02']), table('fine', ['2020-01-01 10:00:00.123456'])]
    const { tables: out, changed } = storedFixtures(tables, TIME_FRACTION_DIGITS.clickhouse, TIME_FRACTION_DIGITS.postgres)
    expect(changed).toEqual(['fine'])
    expect(out[1].rows[0][0]).toBe('2020-01-01 10:00:00')
    expect(out[0]).toBe(tables[0])
  })
  it('changes nothing for an engine as precise as the reference', () => {
    expect(storedFixtures([table('fine', ['2020-01-01 10:00:00.123456'])], 6, 6).changed).toEqual([])
  })
})

describe('random queries', () => {
  const base = { file: 'f', group_by_objs: [], order_bys: [], min_max_only: false, apply_group_by: true, check_order: false, allow_empty: false, required_features: [] as string[] }
  const cases = [
    { ...base, id: 'a', name: 'a', model: 'SIMPLE_MODEL', metrics: ['bookings'], group_bys: ['metric_time__day'], where_filter: 'x', check_query: 'SELECT 1 FROM fct_bookings' },
    { ...base, id: 'b', name: 'b', model: 'SIMPLE_MODEL', metrics: ['views'], group_bys: ['user__home_state'], check_query: 'SELECT 1 FROM dim_users' },
    { ...base, id: 'c', name: 'c', model: 'SIMPLE_MODEL', metrics: ['p'], group_bys: [], required_features: ['DISCRETE_PERCENTILE_AGGREGATION'], check_query: '' },
  ] as ConformanceCase[]

  it('draw their pieces from usable cases only', () => {
    const pools = poolsFrom(cases, 'SIMPLE_MODEL', ['dim_users'])
    expect(pools.metrics).toEqual(['bookings'])
    expect(pools.groupBys).toEqual(['metric_time__day'])
    expect(pools.wheres).toEqual(['x'])
  })
  it('are the same for the same seed, and a limit comes only with an order', () => {
    const pools = poolsFrom(cases, 'SIMPLE_MODEL')
    const a = Array.from({ length: 50 }, (_, i) => randomCase(rng(5), pools, String(i)))
    const r1 = rng(9)
    const r2 = rng(9)
    const x = Array.from({ length: 50 }, (_, i) => randomCase(r1, pools, String(i)))
    const y = Array.from({ length: 50 }, (_, i) => randomCase(r2, pools, String(i)))
    expect(x).toEqual(y)
    for (const c of [...a, ...x]) {
      if (c.limit !== undefined) expect(c.order_bys.length).toBeGreaterThan(0)
      expect(c.metrics.length + c.group_bys.length).toBeGreaterThan(0)
    }
  })
})
