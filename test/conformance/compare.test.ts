import { describe, expect, it } from 'vitest'
import { cellsEqual, compareTables, normalizeCell } from './compare'

describe('normalizeCell', () => {
  it('turns engine booleans and numeric text into numbers', () => {
    expect(normalizeCell(true)).toBe(1)
    expect(normalizeCell(false)).toBe(0)
    expect(normalizeCell('14976')).toBe(14976)
    expect(normalizeCell('-2.50')).toBe(-2.5)
    expect(normalizeCell(12n)).toBe(12)
  })

  it('makes a date and the same timestamp at midnight equal', () => {
    expect(normalizeCell('2020-01-01')).toBe('2020-01-01')
    expect(normalizeCell('2020-01-01 00:00:00')).toBe('2020-01-01')
    expect(normalizeCell('2020-01-01 00:00:00.000000')).toBe('2020-01-01')
    expect(normalizeCell('2020-01-01T00:00:00Z')).toBe('2020-01-01')
  })

  it('keeps times of day and fractional seconds, without trailing zeros', () => {
    expect(normalizeCell('2020-01-01 02:00:00')).toBe('2020-01-01 02:00:00')
    expect(normalizeCell('2020-01-01 00:00:00.001000')).toBe('2020-01-01 00:00:00.001')
  })

  it('converts timestamps with an offset to UTC', () => {
    expect(normalizeCell('2020-01-01 02:00:00+02')).toBe('2020-01-01')
    expect(normalizeCell('2019-12-31 22:30:00-01:30')).toBe('2020-01-01')
  })

  it('reads JS Dates in UTC', () => {
    expect(normalizeCell(new Date(Date.UTC(2020, 0, 2, 3, 4, 5)))).toBe('2020-01-02 03:04:05')
    expect(normalizeCell(new Date(Date.UTC(2020, 0, 2)))).toBe('2020-01-02')
  })

  it('keeps other strings and nulls as they are', () => {
    expect(normalizeCell('CA')).toBe('CA')
    expect(normalizeCell('2020-13')).toBe('2020-13')
    expect(normalizeCell(null)).toBeNull()
    expect(normalizeCell(undefined)).toBeNull()
  })
})

describe('cellsEqual', () => {
  it('accepts numbers within the relative tolerance only', () => {
    expect(cellsEqual(1000, 1000.0005)).toBe(true)
    expect(cellsEqual(1000, 1000.01)).toBe(false)
    expect(cellsEqual(0, 1e-12)).toBe(true)
    expect(cellsEqual(NaN, NaN)).toBe(true)
  })

  it('never equates null with a value', () => {
    expect(cellsEqual(null, 0)).toBe(false)
    expect(cellsEqual(null, '')).toBe(false)
    expect(cellsEqual(null, null)).toBe(true)
  })
})

describe('compareTables', () => {
  const expected = { columns: ['booking_value', 'metric_time__day'], rows: [[10.5, '2020-01-01'], [3, '2020-01-02']] }

  it('passes the same rows in another order when order is not checked', () => {
    const actual = { columns: ['booking_value', 'metric_time__day'], rows: [['3', '2020-01-02 00:00:00'], ['10.5000000001', '2020-01-01 00:00:00']] }
    expect(compareTables(actual, expected)).toEqual({ ok: true })
  })

  it('fails the same rows in another order when order is checked', () => {
    const actual = { columns: ['booking_value', 'metric_time__day'], rows: [[3, '2020-01-02'], [10.5, '2020-01-01']] }
    const r = compareTables(actual, expected, { checkOrder: true })
    expect(r.ok).toBe(false)
    expect(!r.ok && r.reason).toMatch(/row 0 differs/)
  })

  it('matches columns by name, case-insensitively, whatever their order in the check query', () => {
    const actual = { columns: ['METRIC_TIME__DAY', 'booking_value'], rows: [['2020-01-01', 10.5], ['2020-01-02', 3]] }
    expect(compareTables(actual, expected)).toEqual({ ok: true })
  })

  it('reports missing and unexpected columns', () => {
    const actual = { columns: ['booking_value', 'ds'], rows: [[10.5, '2020-01-01']] }
    const r = compareTables(actual, expected)
    expect(!r.ok && r.reason).toMatch(/missing metric_time__day; unexpected ds/)
  })

  it('treats rows as a multiset: a duplicate row is not the same as a single one', () => {
    const exp = { columns: ['a'], rows: [[1], [1], [2]] }
    expect(compareTables({ columns: ['a'], rows: [[1], [2], [2]] }, exp).ok).toBe(false)
    expect(compareTables({ columns: ['a'], rows: [[2], [1], [1]] }, exp).ok).toBe(true)
  })

  it('shows the rows that differ', () => {
    const actual = { columns: ['booking_value', 'metric_time__day'], rows: [[10.5, '2020-01-01'], [4, '2020-01-02']] }
    const r = compareTables(actual, expected)
    expect(!r.ok && r.reason).toMatch(/expected but missing \(1\): \(3, "2020-01-02"\)/)
    expect(!r.ok && r.reason).toMatch(/unexpected \(1\): \(4, "2020-01-02"\)/)
  })

  it('reports a different row count', () => {
    const r = compareTables({ columns: ['booking_value', 'metric_time__day'], rows: [[10.5, '2020-01-01']] }, expected)
    expect(!r.ok && r.reason).toMatch(/row count differs: expected 2, got 1/)
  })

  it('distinguishes NULL from zero', () => {
    const r = compareTables({ columns: ['a'], rows: [[0]] }, { columns: ['a'], rows: [[null]] })
    expect(r.ok).toBe(false)
  })

  it('refuses an empty expected result unless the case allows it', () => {
    const empty = { columns: ['a'], rows: [] }
    expect(compareTables(empty, empty).ok).toBe(false)
    expect(compareTables(empty, empty, { allowEmpty: true })).toEqual({ ok: true })
  })

  it('pairs rows with tolerance even when exact sorting would pair them differently', () => {
    // Sorted exactly, actual pairs (1.0000001, b) with expected (1.0000002, a): a tolerant match settles it.
    const actual = { columns: ['v', 'k'], rows: [[1.0000001, 'b'], [1.0000002, 'a']] }
    const exp = { columns: ['v', 'k'], rows: [[1.0000002, 'b'], [1.0000001, 'a']] }
    expect(compareTables(actual, exp)).toEqual({ ok: true })
  })

  it('refuses duplicate column names', () => {
    expect(compareTables({ columns: ['a', 'A'], rows: [] }, { columns: ['a'], rows: [] }).ok).toBe(false)
  })
})

describe('compareTables on large results', () => {
  it('still shows the differing rows when a pairwise search would be too slow', () => {
    const rows = Array.from({ length: 6000 }, (_, i) => [i, `k${i}`])
    const actual = { columns: ['v', 'k'], rows: rows.map((r, i) => (i === 4242 ? [r[0], ''] : r)) }
    const r = compareTables(actual, { columns: ['v', 'k'], rows: rows.map((r, i) => (i === 4242 ? [r[0], null] : r)) })
    expect(!r.ok && r.reason).toMatch(/expected but missing \(1\): \(4242, NULL\)/)
    expect(!r.ok && r.reason).toMatch(/unexpected \(1\): \(4242, ""\)/)
  })
})
