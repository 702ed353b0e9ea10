// Ranges back to words for explanations and summaries: "last quarter",
// "in March 2024", "since June 1, 2023" (relative to the clock when the range
// is a named period), and the length of a closed range in days.

import { addDays, civilDateIn, parseIsoDate, periods, shiftPeriod, startOfPeriod, toDays, type Clock, type PeriodUnit, type Span, type TimeRange } from './civil-date'

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/** "March 5, 2024" */
export function formatCivilDate(iso: string): string {
  const d = parseIsoDate(iso.slice(0, 10))
  if (!d) return iso
  return `${MONTH_NAMES[d.month - 1]} ${d.day}, ${d.year}`
}

/**
 * Words for a range, relative to the clock when it is a named period:
 * "last quarter", "year to date", "in March 2024", "in Q3 2024", "on March 5, 2024",
 * "from January 5, 2024 to March 31, 2024", "since June 1, 2023", "through December 31, 2019".
 */
export function describeTimeRange(range: TimeRange, clock: Clock): string {
  const today = civilDateIn(clock.now, clock.timezone)
  if (!range.start && !range.end) return 'over all time'
  const s = range.start ? parseIsoDate(range.start.slice(0, 10)) : undefined
  const e = range.end ? parseIsoDate(range.end.slice(0, 10)) : undefined
  if (s && e) {
    const named: Array<[string, Span]> = [
      ['today', periods(today, 'day', 0)],
      ['yesterday', periods(today, 'day', -1)],
      ['this week', periods(today, 'week', 0)],
      ['next week', periods(today, 'week', 1)],
      ['next month', periods(today, 'month', 1)],
      ['next quarter', periods(today, 'quarter', 1)],
      ['next year', periods(today, 'year', 1)],
      ['last week', periods(today, 'week', -1)],
      ['this month', periods(today, 'month', 0)],
      ['last month', periods(today, 'month', -1)],
      ['this quarter', periods(today, 'quarter', 0)],
      ['last quarter', periods(today, 'quarter', -1)],
      ['this year', periods(today, 'year', 0)],
      ['last year', periods(today, 'year', -1)],
      ['year to date', { start: startOfPeriod(today, 'year'), end: today }],
      ['quarter to date', { start: startOfPeriod(today, 'quarter'), end: today }],
      ['month to date', { start: startOfPeriod(today, 'month'), end: today }],
      ['week to date', { start: startOfPeriod(today, 'week'), end: today }],
    ]
    for (const [name, span] of named) {
      if (toDays(span.start!) === toDays(s) && toDays(span.end!) === toDays(e)) return name
    }
    if (toDays(s) === toDays(e)) return `on ${formatCivilDate(range.start!)}`
    const endOf = (unit: PeriodUnit) => addDays(shiftPeriod(startOfPeriod(s, unit), 1, unit), -1)
    if (s.day === 1 && s.month === 1 && toDays(endOf('year')) === toDays(e)) return `in ${s.year}`
    if (s.day === 1 && (s.month - 1) % 3 === 0 && toDays(endOf('quarter')) === toDays(e)) return `in Q${(s.month + 2) / 3} ${s.year}`
    if (s.day === 1 && toDays(endOf('month')) === toDays(e)) return `in ${MONTH_NAMES[s.month - 1]} ${s.year}`
    return `from ${formatCivilDate(range.start!)} to ${formatCivilDate(range.end!)}`
  }
  if (range.start) return `since ${formatCivilDate(range.start)}`
  return `through ${formatCivilDate(range.end!)}`
}

/** Number of days a closed range covers; undefined when open. */
export function rangeDays(range: TimeRange): number | undefined {
  const s = range.start ? parseIsoDate(range.start.slice(0, 10)) : undefined
  const e = range.end ? parseIsoDate(range.end.slice(0, 10)) : undefined
  return s && e ? toDays(e) - toDays(s) + 1 : undefined
}
