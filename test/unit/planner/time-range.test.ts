import { describe, expect, it } from 'vitest'
import { civilDateIn, type Clock } from '../../../src/planner/time/civil-date'
import { describeTimeRange, rangeDays } from '../../../src/planner/time/describe-range'
import { findTimeRanges, resolveTimeRange } from '../../../src/planner/time/parse-time'

// Saturday 15 June 2024, 11:00 in New York.
const clock: Clock = { now: new Date('2024-06-15T15:00:00Z'), timezone: 'America/New_York' }
const r = (phrase: string, c: Clock = clock) => resolveTimeRange(phrase, c)

describe('resolveTimeRange: relative periods', () => {
  it.each([
    ['today', '2024-06-15', '2024-06-15'],
    ['yesterday', '2024-06-14', '2024-06-14'],
    ['the day before yesterday', '2024-06-13', '2024-06-13'],
    ['this week', '2024-06-10', '2024-06-16'],
    ['last week', '2024-06-03', '2024-06-09'],
    ['next week', '2024-06-17', '2024-06-23'],
    ['this month', '2024-06-01', '2024-06-30'],
    ['last month', '2024-05-01', '2024-05-31'],
    ['previous month', '2024-05-01', '2024-05-31'],
    ['next month', '2024-07-01', '2024-07-31'],
    ['this quarter', '2024-04-01', '2024-06-30'],
    ['last quarter', '2024-01-01', '2024-03-31'],
    ['next quarter', '2024-07-01', '2024-09-30'],
    ['this year', '2024-01-01', '2024-12-31'],
    ['last year', '2023-01-01', '2023-12-31'],
    ['next year', '2025-01-01', '2025-12-31'],
  ])('resolves "%s" to %s..%s', (phrase, start, end) => {
    expect(r(phrase)).toEqual({ start, end })
  })

  it.each([
    ['last 7 days', '2024-06-08', '2024-06-14'],
    ['last 30 days', '2024-05-16', '2024-06-14'],
    ['the last two weeks', '2024-05-27', '2024-06-09'],
    ['last 3 months', '2024-03-01', '2024-05-31'],
    ['last 2 quarters', '2023-10-01', '2024-03-31'],
    ['last 2 years', '2022-01-01', '2023-12-31'],
  ])('reads "%s" as complete periods before the current one', (phrase, start, end) => {
    expect(r(phrase)).toEqual({ start, end })
  })

  it.each([
    ['past 7 days', '2024-06-09', '2024-06-15'],
    ['trailing 30 days', '2024-05-17', '2024-06-15'],
    ['the past week', '2024-06-09', '2024-06-15'],
    ['rolling 12 months', '2023-06-16', '2024-06-15'],
    ['past year', '2023-06-16', '2024-06-15'],
  ])('reads "%s" as a rolling window ending today', (phrase, start, end) => {
    expect(r(phrase)).toEqual({ start, end })
  })

  it.each([
    ['year to date', '2024-01-01'], ['ytd', '2024-01-01'], ['year-to-date', '2024-01-01'], ['so far this year', '2024-01-01'], ['this year so far', '2024-01-01'],
    ['quarter to date', '2024-04-01'], ['qtd', '2024-04-01'], ['month to date', '2024-06-01'], ['mtd', '2024-06-01'], ['week to date', '2024-06-10'],
  ])('resolves "%s" from the period start to today', (phrase, start) => {
    expect(r(phrase)).toEqual({ start, end: '2024-06-15' })
  })

  it('resolves "N units ago" to that single period', () => {
    expect(r('2 weeks ago')).toEqual({ start: '2024-05-27', end: '2024-06-02' })
    expect(r('three months ago')).toEqual({ start: '2024-03-01', end: '2024-03-31' })
  })
})

describe('resolveTimeRange: absolute periods', () => {
  it.each([
    ['in 2024', '2024-01-01', '2024-12-31'],
    ['2023', '2023-01-01', '2023-12-31'],
    ['in March 2024', '2024-03-01', '2024-03-31'],
    ['mar 2023', '2023-03-01', '2023-03-31'],
    ['February 2024', '2024-02-01', '2024-02-29'],
    ['February 2023', '2023-02-01', '2023-02-28'],
    ['2024-03', '2024-03-01', '2024-03-31'],
    ['Q3 2024', '2024-07-01', '2024-09-30'],
    ['2024 Q1', '2024-01-01', '2024-03-31'],
    ['2024-Q4', '2024-10-01', '2024-12-31'],
    ['the third quarter of 2023', '2023-07-01', '2023-09-30'],
    ['H1 2024', '2024-01-01', '2024-06-30'],
    ['the second half of 2023', '2023-07-01', '2023-12-31'],
    ['2024-03-05', '2024-03-05', '2024-03-05'],
    ['March 5, 2024', '2024-03-05', '2024-03-05'],
    ['5 March 2024', '2024-03-05', '2024-03-05'],
    ['Q4 last year', '2023-10-01', '2023-12-31'],
    ['March of last year', '2023-03-01', '2023-03-31'],
  ])('resolves "%s" to %s..%s', (phrase, start, end) => {
    expect(r(phrase)).toEqual({ start, end })
  })

  it('takes the most recent started period for a month or quarter without a year', () => {
    expect(r('in March')).toEqual({ start: '2024-03-01', end: '2024-03-31' })
    expect(r('in September')).toEqual({ start: '2023-09-01', end: '2023-09-30' })
    expect(r('Q2')).toEqual({ start: '2024-04-01', end: '2024-06-30' })
    expect(r('Q3')).toEqual({ start: '2023-07-01', end: '2023-09-30' })
  })

  it.each([
    ['between 2024-01-01 and 2024-03-31', { start: '2024-01-01', end: '2024-03-31' }],
    ['from Jan 2024 to March 2024', { start: '2024-01-01', end: '2024-03-31' }],
    ['between January and March 2023', { start: '2023-01-01', end: '2023-03-31' }],
    ['2024-01-01 to 2024-02-15', { start: '2024-01-01', end: '2024-02-15' }],
    ['since June 2023', { start: '2023-06-01' }],
    ['since last month', { start: '2024-05-01' }],
    ['from 2023 onwards', { start: '2023-01-01' }],
    ['from the start of the year', { start: '2024-01-01' }],
    ['from March 2024 until now', { start: '2024-03-01', end: '2024-06-15' }],
    ['before 2020', { end: '2019-12-31' }],
    ['after 2020', { start: '2021-01-01' }],
    ['until the end of last month', { end: '2024-05-31' }],
    ['through Q1 2024', { end: '2024-03-31' }],
  ])('resolves the open or closed range "%s"', (phrase, expected) => {
    expect(r(phrase)).toEqual(expected)
  })

  it('returns an empty range (no constraint) for "all time"', () => {
    expect(r('all time')).toEqual({})
    expect(r('ever')).toEqual({})
  })

  it('returns undefined for phrases that are not time expressions', () => {
    expect(r('sales by region')).toBeUndefined()
    expect(r('February 30 2024')).toBeUndefined()
    expect(r('2024-13-01')).toBeUndefined()
  })
})

describe('resolveTimeRange: time zones, DST and year boundaries', () => {
  it('computes "today" in the tenant time zone, not UTC', () => {
    // 02:30 UTC on Jan 1 is still Dec 31 in Los Angeles
    const c = { now: new Date('2024-01-01T02:30:00Z'), timezone: 'America/Los_Angeles' }
    expect(r('today', c)).toEqual({ start: '2023-12-31', end: '2023-12-31' })
    expect(r('this year', c)).toEqual({ start: '2023-01-01', end: '2023-12-31' })
    expect(r('today', { ...c, timezone: 'UTC' })).toEqual({ start: '2024-01-01', end: '2024-01-01' })
    expect(r('today', { ...c, timezone: 'Asia/Tokyo' })).toEqual({ start: '2024-01-01', end: '2024-01-01' })
  })

  it('crosses the year boundary for last week, last month and last quarter in early January', () => {
    const c = { now: new Date('2025-01-02T12:00:00Z'), timezone: 'Europe/Berlin' } // a Thursday
    expect(r('this week', c)).toEqual({ start: '2024-12-30', end: '2025-01-05' })
    expect(r('last week', c)).toEqual({ start: '2024-12-23', end: '2024-12-29' })
    expect(r('last month', c)).toEqual({ start: '2024-12-01', end: '2024-12-31' })
    expect(r('last quarter', c)).toEqual({ start: '2024-10-01', end: '2024-12-31' })
    expect(r('last 7 days', c)).toEqual({ start: '2024-12-26', end: '2025-01-01' })
  })

  it('keeps whole days across the spring-forward DST change', () => {
    // 10 March 2024: clocks in New York jump from 02:00 to 03:00
    const justAfter = { now: new Date('2024-03-10T07:30:00Z'), timezone: 'America/New_York' } // 03:30 EDT
    const justBefore = { now: new Date('2024-03-10T04:59:00Z'), timezone: 'America/New_York' } // 23:59 EST on the 9th
    expect(r('today', justAfter)).toEqual({ start: '2024-03-10', end: '2024-03-10' })
    expect(r('today', justBefore)).toEqual({ start: '2024-03-09', end: '2024-03-09' })
    expect(r('past 3 days', justAfter)).toEqual({ start: '2024-03-08', end: '2024-03-10' })
    expect(r('this week', justAfter)).toEqual({ start: '2024-03-04', end: '2024-03-10' })
  })

  it('keeps whole days across the autumn DST change', () => {
    // 3 November 2024: clocks in New York fall back from 02:00 to 01:00
    const c = { now: new Date('2024-11-03T05:30:00Z'), timezone: 'America/New_York' } // 01:30 EDT
    const later = { now: new Date('2024-11-04T04:30:00Z'), timezone: 'America/New_York' } // 23:30 EST on the 3rd
    expect(r('today', c)).toEqual({ start: '2024-11-03', end: '2024-11-03' })
    expect(r('today', later)).toEqual({ start: '2024-11-03', end: '2024-11-03' })
    expect(r('yesterday', later)).toEqual({ start: '2024-11-02', end: '2024-11-02' })
  })

  it('starts weeks on Monday even when today is Sunday', () => {
    const sunday = { now: new Date('2024-06-16T12:00:00Z'), timezone: 'UTC' }
    expect(r('this week', sunday)).toEqual({ start: '2024-06-10', end: '2024-06-16' })
  })

  it('handles leap days when moving by months and years', () => {
    const c = { now: new Date('2024-02-29T12:00:00Z'), timezone: 'UTC' }
    expect(r('past month', c)).toEqual({ start: '2024-01-30', end: '2024-02-29' })
    expect(r('past year', c)).toEqual({ start: '2023-03-01', end: '2024-02-29' })
  })

  it('throws a clear error for an unknown time zone', () => {
    expect(() => r('today', { now: clock.now, timezone: 'Mars/Olympus' })).toThrow(/Unknown time zone "Mars\/Olympus"/)
    expect(() => civilDateIn(new Date('nope'), 'UTC')).toThrow(/Invalid clock/)
  })
})

describe('findTimeRanges in questions', () => {
  it('finds phrases with their leading preposition and offsets', () => {
    const q = 'sales in the last 3 months by region'
    const [m] = findTimeRanges(q, clock)
    expect(m.text).toBe('in the last 3 months')
    expect(q.slice(m.index, m.index + m.length)).toBe('in the last 3 months')
    expect(m.range).toEqual({ start: '2024-03-01', end: '2024-05-31' })
  })

  it('does not read quantities as years', () => {
    expect(findTimeRanges('stores with sales over 2000', clock)).toEqual([])
    expect(findTimeRanges('top 2020 customers', clock)).toEqual([])
    expect(findTimeRanges('sales between 1000 and 2000 last month', clock).map((m) => m.text)).toEqual(['last month'])
    expect(findTimeRanges('orders of 2000 or more', clock)).toEqual([])
  })

  it('reads a bare year as a year when nothing marks it as a quantity', () => {
    expect(findTimeRanges('2023 sales by region', clock)[0].range).toEqual({ start: '2023-01-01', end: '2023-12-31' })
    expect(findTimeRanges('what about 2021?', clock)[0].range).toEqual({ start: '2021-01-01', end: '2021-12-31' })
    expect(findTimeRanges('each month of 2023', clock)[0].range).toEqual({ start: '2023-01-01', end: '2023-12-31' })
  })

  it('finds several phrases and reports the calendar unit of each', () => {
    const found = findTimeRanges('sales in 2023 vs 2024', clock)
    expect(found.map((f) => f.unit)).toEqual(['year', 'year'])
  })

  it('does not take the verb "may" for the month', () => {
    expect(findTimeRanges('may I see sales', clock)).toEqual([])
    expect(findTimeRanges('sales for may 2024', clock)[0].range).toEqual({ start: '2024-05-01', end: '2024-05-31' })
  })
})

describe('describeTimeRange', () => {
  it.each([
    [{ start: '2024-01-01', end: '2024-03-31' }, 'last quarter'],
    [{ start: '2024-01-01', end: '2024-06-15' }, 'year to date'],
    [{ start: '2024-06-14', end: '2024-06-14' }, 'yesterday'],
    [{ start: '2022-01-01', end: '2022-12-31' }, 'in 2022'],
    [{ start: '2023-07-01', end: '2023-09-30' }, 'in Q3 2023'],
    [{ start: '2023-03-01', end: '2023-03-31' }, 'in March 2023'],
    [{ start: '2023-03-05', end: '2023-03-05' }, 'on March 5, 2023'],
    [{ start: '2023-03-05', end: '2023-04-02' }, 'from March 5, 2023 to April 2, 2023'],
    [{ start: '2023-06-01' }, 'since June 1, 2023'],
    [{ end: '2019-12-31' }, 'through December 31, 2019'],
    [{}, 'over all time'],
  ])('describes %j as "%s"', (range, words) => {
    expect(describeTimeRange(range, clock)).toBe(words)
  })

  it('counts the days of a closed range', () => {
    expect(rangeDays({ start: '2024-02-01', end: '2024-02-29' })).toBe(29)
    expect(rangeDays({ start: '2024-02-01' })).toBeUndefined()
  })
})
