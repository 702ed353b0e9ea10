// The check queries are rendered with the Dialect hooks, so the hooks must be
// right on each real engine: this runs every hook the renderer uses against
// known answers (independent of the compiler and of the MetricFlow data).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getDialect } from '../../semantic/dialects'
import type { Dialect } from '../../semantic/dialects/dialect'
import type { DatePart, TimeGrain } from '../../semantic/types'
import { normalizeCell } from './compare'
import { ENGINE_NAMES, engineAvailable, openEngine, type EngineAdapter, type EngineName } from './engines'

// 2020-02-19 is a Wednesday in ISO week 8, day 50 of the year.
const INPUT = '2020-02-19 13:45:30'

const TRUNC: Array<[TimeGrain, string]> = [
  ['year', '2020-01-01'],
  ['quarter', '2020-01-01'],
  ['month', '2020-02-01'],
  ['week', '2020-02-17'],
  ['day', '2020-02-19'],
  ['hour', '2020-02-19 13:00:00'],
  ['minute', '2020-02-19 13:45:00'],
  ['second', '2020-02-19 13:45:30'],
]

const EXTRACT: Array<[DatePart, number]> = [
  ['year', 2020], ['quarter', 1], ['month', 2], ['week', 8], ['day', 19], ['dow', 3], ['doy', 50],
]

// From the last day of January: month arithmetic must clamp to the month's end.
const ADD_FROM = '2020-01-31 10:00:00'
const ADD: Array<[TimeGrain, number | string, string]> = [
  ['second', 30, '2020-01-31 10:00:30'],
  ['minute', 5, '2020-01-31 10:05:00'],
  ['hour', -3, '2020-01-31 07:00:00'],
  ['day', 1, '2020-02-01 10:00:00'],
  ['day', -1, '2020-01-30 10:00:00'],
  ['day', '(3 - 1)', '2020-02-02 10:00:00'],
  ['week', 1, '2020-02-07 10:00:00'],
  ['month', 1, '2020-02-29 10:00:00'],
  ['month', -2, '2019-11-30 10:00:00'],
  ['quarter', 1, '2020-04-30 10:00:00'],
  ['year', -1, '2019-01-31 10:00:00'],
]

for (const name of ENGINE_NAMES) {
  const ok = await engineAvailable(name)
  describe.skipIf(!ok)(`dialect hooks on ${name}`, () => {
    let engine: EngineAdapter
    let d: Dialect
    const ts = (s: string) => d.castToTimestamp(d.literal(s))
    const one = async (expr: string) => {
      const r = await engine.query(`SELECT ${expr} AS v`)
      return normalizeCell(r.rows[0][0])
    }

    beforeAll(async () => {
      engine = await openEngine(name as EngineName)
      d = getDialect(engine.dialect)
    })
    afterAll(async () => {
      await engine?.close()
    })

    it.each(TRUNC)('truncates a timestamp to the %s', async (grain, expected) => {
      expect(await one(d.dateTrunc(grain, ts(INPUT)))).toBe(expected)
    })

    it.each(EXTRACT)('extracts the %s (ISO weeks and weekdays)', async (part, expected) => {
      expect(await one(d.extract(part, ts(INPUT)))).toBe(expected)
    })

    it.each(ADD)('adds %s x %s', async (grain, n, expected) => {
      expect(await one(d.dateAdd(ts(ADD_FROM), n, grain))).toBe(expected)
    })

    it('casts date-only and full timestamp literals', async () => {
      expect(await one(ts('2020-01-03 00:00:00'))).toBe('2020-01-03')
      expect(await one(ts('2020-01-03 04:05:06'))).toBe('2020-01-03 04:05:06')
    })

    it('renders a JS Date as a timestamp literal the engine accepts', async () => {
      expect(await one(d.literal(new Date(Date.UTC(2020, 0, 3, 4, 5, 6))))).toBe('2020-01-03 04:05:06')
    })

    it('divides in the double type, also when the divisor is NULL', async () => {
      expect(await one(`${d.castToDouble('1')} / ${d.castToDouble('4')}`)).toBe(0.25)
      expect(await one(`${d.castToDouble('1')} / ${d.castToDouble('NULLIF(0, 0)')}`)).toBeNull()
      expect(await one(`CAST(NULLIF(1, 1) AS ${d.doubleTypeName()})`)).toBeNull()
    })

    it('generates a distinct random UUID per row', async () => {
      // Per row is what MetricFlow's conversion queries rely on (ClickHouse folds two
      // identical calls in one row into one value, which is fine for them).
      const r = await engine.query(`SELECT ${d.randomUuid()} AS u FROM (SELECT 1 AS k UNION ALL SELECT 2 AS k) t`)
      const [a, b] = r.rows.map((row) => String(row[0]))
      expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i)
      expect(a).not.toBe(b)
    })

    it('escapes string literals so quotes and backslashes round-trip', async () => {
      const tricky = `it's a \\ test "x"`
      expect(await one(d.literal(tricky))).toBe(tricky)
    })
  })
}
