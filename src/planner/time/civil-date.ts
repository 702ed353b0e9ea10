// Civil dates: the calendar day of an instant in the tenant's IANA time zone
// and whole-period arithmetic over it (src/planner/time/README.md).
//
// Pure: no I/O and no global clock. "Today" is the civil date of `clock.now`
// in `clock.timezone` (Intl API); everything after that is civil-date
// arithmetic, so DST transitions cannot shift a boundary by an hour.
// Weeks start on Monday (ISO 8601).
import { utcDate } from '../../../semantic/iso-time'

export interface Clock {
  now: Date
  /** IANA time zone, e.g. `Europe/Berlin`. */
  timezone: string
}

/** Inclusive ISO dates (`YYYY-MM-DD`); a missing side is open. `{}` means all time. */
export interface TimeRange {
  start?: string
  end?: string
}

export type PeriodUnit = 'day' | 'week' | 'month' | 'quarter' | 'year'

export interface CivilDate {
  year: number
  /** 1..12 */
  month: number
  day: number
}

/** A period of civil dates while it is parsed or compared; `allTime` is the open range `{}`. */
export interface Span { start?: CivilDate; end?: CivilDate; unit?: PeriodUnit; allTime?: boolean }

const DAY_MS = 86_400_000
const formatters = new Map<string, Intl.DateTimeFormat>()

/** Throws a clear error for a time zone the runtime does not know. */
export function assertTimeZone(timezone: string): void {
  getFormatter(timezone)
}

function getFormatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone)
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' })
    } catch {
      throw new RangeError(`Unknown time zone "${timezone}" (expected an IANA name such as "Europe/Berlin")`)
    }
    formatters.set(timezone, f)
  }
  return f
}

/** The civil date of an instant in a time zone. */
export function civilDateIn(now: Date, timezone: string): CivilDate {
  if (Number.isNaN(now.getTime())) throw new RangeError('Invalid clock: now is not a valid Date')
  const parts = getFormatter(timezone).formatToParts(now)
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  return { year: get('year'), month: get('month'), day: get('day') }
}

// utcDate, not Date.UTC: Date.UTC reads the years 0-99 as 1900-1999
export const toDays = (d: CivilDate) => utcDate(d.year, d.month, d.day).getTime() / DAY_MS
function fromDays(n: number): CivilDate {
  const dt = new Date(n * DAY_MS)
  return { year: dt.getUTCFullYear(), month: dt.getUTCMonth() + 1, day: dt.getUTCDate() }
}
export const addDays = (d: CivilDate, n: number) => fromDays(toDays(d) + n)
export const daysInMonth = (year: number, month: number) => utcDate(year, month + 1, 0).getUTCDate()

export function addMonths(d: CivilDate, n: number): CivilDate {
  const idx = d.year * 12 + (d.month - 1) + n
  const year = Math.floor(idx / 12)
  const month = idx - year * 12 + 1
  return { year, month, day: Math.min(d.day, daysInMonth(year, month)) }
}

export function isoDate(d: CivilDate): string {
  const y = String(d.year).padStart(4, '0')
  return `${y}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`
}

export function parseIsoDate(s: string): CivilDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  if (!m) return undefined
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }
  // Year 0000 is no calendar year a warehouse or the compiler takes (0001-9999)
  if (d.year < 1 || d.month < 1 || d.month > 12 || d.day < 1 || d.day > daysInMonth(d.year, d.month)) return undefined
  return d
}

/** First day of the period that contains `d`. */
export function startOfPeriod(d: CivilDate, unit: PeriodUnit): CivilDate {
  switch (unit) {
    case 'day': return d
    case 'week': {
      const dow = (new Date(toDays(d) * DAY_MS).getUTCDay() + 6) % 7 // Monday = 0
      return addDays(d, -dow)
    }
    case 'month': return { year: d.year, month: d.month, day: 1 }
    case 'quarter': return { year: d.year, month: Math.floor((d.month - 1) / 3) * 3 + 1, day: 1 }
    case 'year': return { year: d.year, month: 1, day: 1 }
  }
}

/** Moves a period start by n whole periods. */
export function shiftPeriod(start: CivilDate, n: number, unit: PeriodUnit): CivilDate {
  switch (unit) {
    case 'day': return addDays(start, n)
    case 'week': return addDays(start, 7 * n)
    case 'month': return addMonths(start, n)
    case 'quarter': return addMonths(start, 3 * n)
    case 'year': return addMonths(start, 12 * n)
  }
}

/** Closed range of `count` whole periods starting at the period that is `offset` periods from the current one. */
export function periods(today: CivilDate, unit: PeriodUnit, offset: number, count = 1): Span {
  const first = shiftPeriod(startOfPeriod(today, unit), offset, unit)
  const afterLast = shiftPeriod(first, count, unit)
  return { start: first, end: addDays(afterLast, -1), unit: count === 1 ? unit : undefined }
}

/** Rolling window of n units ending today (inclusive). */
export function rolling(today: CivilDate, unit: PeriodUnit, n: number): Span {
  const start = unit === 'day' ? addDays(today, -(n - 1)) : addDays(shiftPeriod(today, -n, unit), 1)
  return { start, end: today }
}
