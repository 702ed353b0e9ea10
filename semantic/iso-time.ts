// ISO dates and timestamps as a query's time bounds and time filter values
// accept them, checked field by field so that whatever passes can be written
// back as a timestamp every engine reads:
//   YYYY-MM-DD [(T| )HH:MM[:SS[.fraction]][Z|±HH:MM|±HHMM]]
// Years 0001–9999, real calendar days, hours 00–23, minutes and seconds 00–59,
// at most 9 fraction digits (kept to the millisecond), offsets within ±14:00.
// A hand-written scanner: no regular expression over text a model may write.

/** Earliest and latest instants a bound may name (0001-01-01 … 9999-12-31, UTC). */
export const MIN_INSTANT_MS = utcDate(1, 1, 1).getTime()
export const MAX_INSTANT_MS = utcDate(9999, 12, 31, 23, 59, 59, 999).getTime()

export type IsoInstant =
  | { ok: true; ms: number; dateOnly: boolean }
  | { ok: false; issue: string }

const isDigit = (c: number) => c >= 0x30 && c <= 0x39

/** A UTC instant from calendar fields (month 1-12; out-of-range fields roll over as Date.UTC's do); `setUTCFullYear`, because Date.UTC maps years 0–99 to 1900–1999. */
export function utcDate(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): Date {
  const t = new Date(0)
  t.setUTCFullYear(y, mo - 1, d)
  t.setUTCHours(h, mi, s, ms)
  return t
}

export function parseIsoInstant(input: string): IsoInstant {
  const text = input.trim()
  if (text.length > 40) return { ok: false, issue: 'is too long for a date or timestamp' }
  let i = 0
  const num = (n: number): number | undefined => {
    let v = 0
    for (let k = 0; k < n; k++, i++) {
      const c = text.charCodeAt(i)
      if (!isDigit(c)) return undefined
      v = v * 10 + (c - 0x30)
    }
    return v
  }
  const expect = (ch: string): boolean => (text[i] === ch ? (i++, true) : false)
  const shape = { ok: false as const, issue: 'is not an ISO date (YYYY-MM-DD) or timestamp (YYYY-MM-DD HH:MM:SS, optional fraction and offset)' }

  const y = num(4); if (y === undefined || !expect('-')) return shape
  const mo = num(2); if (mo === undefined || !expect('-')) return shape
  const d = num(2); if (d === undefined) return shape
  if (y < 1) return { ok: false, issue: 'has a year outside 0001–9999' }
  if (mo < 1 || mo > 12) return { ok: false, issue: 'has a month outside 01–12' }
  const day = utcDate(y, mo, d)
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return { ok: false, issue: 'is not a day of the calendar' }
  if (i === text.length) return { ok: true, ms: day.getTime(), dateOnly: true }

  if (text[i] !== 'T' && text[i] !== ' ') return shape
  i++
  const h = num(2); if (h === undefined || !expect(':')) return shape
  const mi = num(2); if (mi === undefined) return shape
  let s = 0
  let ms = 0
  if (expect(':')) {
    const sec = num(2); if (sec === undefined) return shape
    s = sec
    if (expect('.')) {
      const from = i
      while (i < text.length && isDigit(text.charCodeAt(i))) i++
      const digits = i - from
      if (digits === 0) return shape
      if (digits > 9) return { ok: false, issue: 'has more than 9 fraction digits' }
      ms = Number(text.slice(from, from + 3).padEnd(3, '0'))
    }
  }
  if (h > 23 || mi > 59 || s > 59) return { ok: false, issue: 'has a time of day outside 00:00:00–23:59:59' }
  let offsetMin = 0
  if (i < text.length) {
    if (text[i] === 'Z') i++
    else if (text[i] === '+' || text[i] === '-') {
      const sign = text[i] === '-' ? -1 : 1
      i++
      const oh = num(2); if (oh === undefined) return shape
      expect(':')
      const om = num(2); if (om === undefined) return shape
      if (om > 59 || oh * 60 + om > 14 * 60) return { ok: false, issue: 'has a UTC offset outside ±14:00' }
      offsetMin = sign * (oh * 60 + om)
    } else return shape
  }
  if (i !== text.length) return shape
  return { ok: true, ms: utcDate(y, mo, d, h, mi, s, ms).getTime() - offsetMin * 60_000, dateOnly: false }
}

/** Whether `text` is a date or timestamp `parseIsoInstant` accepts. */
export function isIsoInstant(text: string): boolean {
  return parseIsoInstant(text).ok
}
