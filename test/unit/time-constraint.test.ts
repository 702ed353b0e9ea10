// Time bounds are checked field by field before they reach a database:
// years 0001–9999, real calendar days and times, at most 9 fraction digits,
// offsets within ±14:00. Years 0001–0099 are real years (Date.UTC maps them
// to 1900–1999), and a bound widened past year 9999 leaves its side open
// instead of becoming a five-digit year the database rejects with its own text.
import { describe, expect, it } from 'vitest'
import { isIsoInstant, parseIsoInstant } from '../../semantic/iso-time'
import { adjustRange, parseInstant, shiftBound, truncate } from '../../semantic/compiler/time-constraint'
import { SemanticError } from '../../semantic/types'

const utc = (iso: string) => new Date(iso).getTime()

describe('parseIsoInstant', () => {
  it.each([
    ['2026-01-31', '2026-01-31T00:00:00.000Z'],
    ['0001-01-01', '0001-01-01T00:00:00.000Z'],
    ['0050-06-15', '0050-06-15T00:00:00.000Z'],
    ['0096-02-29', '0096-02-29T00:00:00.000Z'],
    ['9999-12-31', '9999-12-31T00:00:00.000Z'],
    ['2026-03-01 12:30', '2026-03-01T12:30:00.000Z'],
    ['2026-03-01T12:30:45.123456789', '2026-03-01T12:30:45.123Z'],
    ['2026-03-01T12:30:45Z', '2026-03-01T12:30:45.000Z'],
    ['2026-03-01T12:30:45+14:00', '2026-02-28T22:30:45.000Z'],
    ['2026-03-01T12:30:45-1400', '2026-03-02T02:30:45.000Z'],
    ['9999-12-31T23:59:59.999999999+14:00', '9999-12-31T09:59:59.999Z'],
  ])('accepts %s', (text, iso) => {
    const r = parseIsoInstant(text)
    expect(r.ok).toBe(true)
    if (r.ok) expect(new Date(r.ms).toISOString()).toBe(iso)
  })

  it.each([
    ['0000-01-01', /year/],
    ['0100-02-29', /calendar/],
    ['1900-02-29', /calendar/],
    ['2026-13-01', /month/],
    ['2026-00-10', /month/],
    ['2026-02-30', /calendar/],
    ['2026-01-01T24:00', /time of day/],
    ['2026-01-01T23:60', /time of day/],
    ['2026-01-01T23:59:60', /time of day/],
    ['2026-01-01T00:00:00.1234567890', /fraction/],
    ['2026-01-01T00:00+14:01', /offset/],
    ['2026-01-01T00:00-15:00', /offset/],
    ['2026-01-01T00:00+05:60', /offset/],
    ['10000-01-01', /ISO/],
    ['+2026-01-01', /ISO/],
    ['2026-1-1', /ISO/],
    ['2026-01-01Z', /ISO/],
    ['2026-01-01T00:00:00.', /ISO/],
    ['2026-01-01 00:00:00 UTC', /ISO/],
    ['2026-01-01T00:00:00' + '0'.repeat(100), /too long/],
  ])('refuses %s', (text, issue) => {
    const r = parseIsoInstant(text)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.issue).toMatch(issue)
    expect(isIsoInstant(text)).toBe(false)
  })
})

describe('time_constraint bounds', () => {
  it('reports a bad bound with our own message and path', () => {
    expect(() => parseInstant('2026-13-01', 'time_constraint.start')).toThrow(SemanticError)
    expect(() => parseInstant('2026-13-01', 'time_constraint.start')).toThrow(/month outside 01–12/)
  })

  it('truncates years 0001–0099 in those years, not in 1900–1999', () => {
    expect(truncate(new Date(utc('0050-03-15T10:00:00Z')), 'month').toISOString()).toBe('0050-03-01T00:00:00.000Z')
    expect(truncate(new Date(utc('0050-03-15T10:00:00Z')), 'year').toISOString()).toBe('0050-01-01T00:00:00.000Z')
    expect(adjustRange({ start: '0050-03-15', end: '0050-03-15' }, 'day')).toEqual({ start: '0050-03-15 00:00:00', end: '0050-03-16 00:00:00' })
  })

  it('leaves the end open when the widened end passes 9999-12-31', () => {
    expect(adjustRange({ end: '9999-12-31T23:59:59.999999999+14:00' }, 'day')).toEqual({})
    expect(adjustRange({ start: '2026-01-01', end: '9999-12-31' }, 'month')).toEqual({ start: '2026-01-01 00:00:00' })
  })

  it('leaves the start open when its offset moves it before year 0001', () => {
    expect(adjustRange({ start: '0001-01-01T00:00+14:00', end: '2026-01-01' }, 'day')).toEqual({ end: '2026-01-02 00:00:00' })
  })

  it('gives no pushdown bound before year 0001', () => {
    expect(shiftBound('0001-01-03', -7, 'day')).toBeUndefined()
    expect(shiftBound('2026-01-08', -7, 'day')).toBe('2026-01-01 00:00:00')
  })
})
