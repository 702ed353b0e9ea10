// Calendar dates of a tenant's time zone as instants: a report "from
// 2026-03-10" starts at midnight where the tenant is, not at midnight UTC.
// Intl knows every IANA zone and its daylight-saving rules, so no table here.
import { utcDate } from '../../semantic/iso-time'

const formatters = new Map<string, Intl.DateTimeFormat>()

function wallClock(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
    formatters.set(timeZone, f)
  }
  return f
}

/** How far the zone's wall clock is ahead of UTC at instant `t` (ms). */
function offsetAt(t: number, timeZone: string): number {
  const p = Object.fromEntries(wallClock(timeZone).formatToParts(new Date(t)).map((x) => [x.type, Number(x.value)]))
  return utcDate(p.year, p.month, p.day, p.hour, p.minute, p.second).getTime() - Math.floor(t / 1000) * 1000
}

/** The instant a calendar date (YYYY-MM-DD) begins in `timeZone`. */
export function startOfDateIn(date: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number)
  const local = utcDate(y, m, d).getTime()
  // Two passes: the offset at the first guess may differ from the offset at the answer across a DST change.
  let t = local - offsetAt(local, timeZone)
  t = local - offsetAt(t, timeZone)
  return new Date(t)
}

/** A bare date is the start of that day in the zone; a date-time carries its own offset. */
export function instantIn(value: string, timeZone: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? startOfDateIn(value, timeZone) : new Date(value)
}
