// Relative and absolute date ranges in plain English, found in a question and
// resolved to inclusive ISO dates with an injected clock (civil-date.ts).
//
// Pure: no I/O and no global clock. "Today" is the civil date of `clock.now`
// in `clock.timezone` (Intl API); everything after that is civil-date
// arithmetic, so DST transitions cannot shift a boundary by an hour.
//
// Conventions (documented because English is ambiguous here):
// - Weeks start on Monday (ISO 8601).
// - "this month" is the whole calendar month; "month to date" ends today.
// - "last/previous N <unit>s" are the N complete units before the current one
//   ("last month" = the previous calendar month, "last 7 days" = the 7 days
//   before today). "past/trailing/rolling N <unit>s" are a rolling window that
//   ends today ("past 30 days" = today and the 29 days before it).
// - A month or quarter named without a year ("in March", "Q3") is the most
//   recent one that has already started.

import { addDays, addMonths, civilDateIn, daysInMonth, isoDate, parseIsoDate, periods, rolling, shiftPeriod, startOfPeriod, toDays, type CivilDate, type Clock, type PeriodUnit, type Span, type TimeRange } from './civil-date'

export interface TimeRangeMatch {
  /** Character offset of the phrase in the scanned text. */
  index: number
  length: number
  /** The phrase as written. */
  text: string
  range: TimeRange
  /** When the phrase names exactly one calendar period (e.g. "Q3 2024", "last month"). */
  unit?: PeriodUnit
}

// ------------------------------------------------------------ tokens

interface Tok { t: string; i: number; len: number }
interface Parsed {
  next: number
  span: Span
  absolute: boolean
  /** A single day named as the start of a period ("the start of the year"). */
  edge?: boolean
}

const TOKEN_RE = /\d{4}-\d{1,2}-\d{1,2}|\d{4}\/\d{1,2}\/\d{1,2}|\d{4}-\d{1,2}(?![\d-])|\d{4}-?q[1-4]\b|[a-z0-9]+|[^\s\w]/g

function tokenize(text: string): Tok[] {
  const out: Tok[] = []
  const lower = text.toLowerCase()
  for (const m of lower.matchAll(TOKEN_RE)) {
    const i = m.index ?? 0
    // "last 30d", "past 2wks", "trailing 12mo": a count glued to its unit is two words
    const glued = /^(\d{1,3})(d|w|wk|wks|mo|mos|mth|mths|m|q|qtr|qtrs|y|yr|yrs)$/.exec(m[0])
    if (glued) {
      out.push({ t: glued[1], i, len: glued[1].length })
      out.push({ t: GLUED_UNITS[glued[2]] ?? glued[2], i: i + glued[1].length, len: glued[2].length })
      continue
    }
    out.push({ t: m[0], i, len: m[0].length })
  }
  return out
}

/** Unit letters of a glued count ("30d", "12m"): only read after a count, so "m" is a month here, never a million. */
const GLUED_UNITS: Record<string, string> = { d: 'days', w: 'weeks', m: 'months', q: 'quarters', y: 'years' }

const MONTHS: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6, june: 6,
  jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9, oct: 10, october: 10,
  nov: 11, november: 11, dec: 12, december: 12,
}
const UNITS: Record<string, PeriodUnit> = {
  day: 'day', days: 'day', week: 'week', weeks: 'week', wk: 'week', wks: 'week',
  month: 'month', months: 'month', mo: 'month', mos: 'month', quarter: 'quarter', quarters: 'quarter',
  qtr: 'quarter', qtrs: 'quarter', year: 'year', years: 'year', yr: 'year', yrs: 'year',
}
/** Number words of counts ("last three months", "top five"): the one table, shared with the offline planner. */
export const NUMBER_WORDS: Readonly<Record<string, number>> = Object.freeze({
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
  twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90, hundred: 100, dozen: 12,
})
/** Words after an opening "may" that make it the verb of a request ("may I see", "may we get"). */
const MAY_SUBJECTS = new Set(['i', 'we', 'you', 'they', 'he', 'she', 'it', 'this', 'that', 'there', 'someone', 'somebody', 'me', 'us', 'be', 'not', 'have'])
const ORDINALS: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, '1st': 1, '2nd': 2, '3rd': 3, '4th': 4 }
const TO_DATE: Record<string, PeriodUnit> = { ytd: 'year', qtd: 'quarter', mtd: 'month', wtd: 'week' }

class Parser {
  constructor(readonly toks: Tok[], readonly today: CivilDate) {}

  word(i: number): string | undefined { return this.toks[i]?.t }

  /** Matches a sequence of words, skipping hyphens between them ("year-to-date"). Returns the next index. */
  phrase(i: number, ...words: string[]): number | undefined {
    let j = i
    for (let w = 0; w < words.length; w++) {
      if (w > 0 && this.word(j) === '-') j++
      if (this.word(j) !== words[w]) return undefined
      j++
    }
    return j
  }

  anyPhrase(i: number, phrases: string[][]): number | undefined {
    for (const p of phrases) {
      const j = this.phrase(i, ...p)
      if (j !== undefined) return j
    }
    return undefined
  }

  skip(i: number, ...words: string[]): number {
    let j = i
    while (this.word(j) !== undefined && words.includes(this.word(j)!)) j++
    return j
  }

  count(i: number): { n: number; next: number } | undefined {
    const w = this.word(i)
    if (w === undefined) return undefined
    if (/^\d{1,4}$/.test(w)) {
      const n = Number(w)
      return n >= 1 && n <= 3660 ? { n, next: i + 1 } : undefined
    }
    if (w !== undefined && Object.hasOwn(NUMBER_WORDS, w)) return { n: NUMBER_WORDS[w], next: i + 1 }
    if (w === 'a' || w === 'an') return { n: 1, next: i + 1 }
    const couple = this.phrase(i, 'a', 'couple', 'of') ?? this.phrase(i, 'couple', 'of')
    if (couple !== undefined) return { n: 2, next: couple }
    return undefined
  }

  unit(i: number): { unit: PeriodUnit; next: number } | undefined {
    const w = this.word(i)
    return w !== undefined && w in UNITS ? { unit: UNITS[w], next: i + 1 } : undefined
  }

  year(i: number): { year: number; next: number } | undefined {
    const w = this.word(i)
    if (w === undefined || !/^\d{4}$/.test(w)) return undefined
    const year = Number(w)
    return year >= 1900 && year <= 2199 ? { year, next: i + 1 } : undefined
  }

  dayOfMonth(i: number): { day: number; next: number } | undefined {
    const w = this.word(i)
    const m = w === undefined ? null : /^(\d{1,2})(st|nd|rd|th)?$/.exec(w)
    if (!m) return undefined
    const day = Number(m[1])
    if (day < 1 || day > 31) return undefined
    let next = i + 1
    // "5 th" tokenizes as "5th" already; allow "the 5th of"
    if (this.word(next) === 'of') next++
    return { day, next }
  }

  /** Full-expression parse at i: compounds first, then a single point. */
  expression(i: number): Parsed | undefined {
    const w = this.word(i)
    // all time
    const allTime = this.anyPhrase(i, [['of', 'all', 'time'], ['for', 'all', 'time'], ['over', 'all', 'time'], ['all', 'time'], ['ever']])
    if (allTime !== undefined) return { next: allTime, span: { allTime: true }, absolute: false }

    if (w === 'between' || w === 'from') {
      const a = this.point(i + 1)
      if (a) {
        const sep = this.skip(a.next, '-')
        const conj = this.word(sep)
        const joiners = w === 'between' ? ['and', '-', 'to'] : ['to', 'till', 'until', 'through', 'thru', '-', 'and']
        let j = a.next
        if (conj !== undefined && joiners.includes(conj)) j = sep + 1
        else if (this.word(a.next) === '-') j = a.next + 1
        else j = -1
        if (j >= 0) {
          const b = this.point(j)
          if (b && b.span.end) return { next: b.next, span: { start: startBefore(a.span, b.span.end), end: b.span.end }, absolute: a.absolute && b.absolute }
        }
        if (w === 'from') {
          const open = this.anyPhrase(a.next, [['onwards'], ['onward'], ['on'], ['forward'], ['and', 'later']])
          if (open !== undefined) return { next: open, span: { start: a.span.start }, absolute: a.absolute }
          const now = this.anyPhrase(a.next, [['until', 'now'], ['to', 'now'], ['to', 'date'], ['to', 'today'], ['till', 'now'], ['until', 'today'], ['through', 'today']])
          if (now !== undefined) return { next: now, span: { start: a.span.start, end: this.today }, absolute: false }
          // "from the start of the year" is a beginning; "sales from last year" means in last year
          if (a.edge) return { next: a.next, span: { start: a.span.start }, absolute: a.absolute }
          return { next: a.next, span: a.span, absolute: a.absolute }
        }
      }
    }
    const since = this.anyPhrase(i, [['since'], ['starting', 'from'], ['starting', 'in'], ['starting'], ['beginning', 'in'], ['as', 'from']])
    if (since !== undefined) {
      const a = this.point(since)
      if (a) {
        const on = this.anyPhrase(a.next, [['onwards'], ['onward']]) ?? a.next
        return { next: on, span: { start: a.span.start }, absolute: a.absolute }
      }
    }
    const after = this.anyPhrase(i, [['after'], ['later', 'than']])
    if (after !== undefined) {
      const a = this.point(after)
      if (a && a.span.end) return { next: a.next, span: { start: addDays(a.span.end, 1) }, absolute: a.absolute }
    }
    const before = this.anyPhrase(i, [['before'], ['prior', 'to'], ['earlier', 'than']])
    if (before !== undefined) {
      const a = this.point(before)
      if (a && a.span.start) return { next: a.next, span: { end: addDays(a.span.start, -1) }, absolute: a.absolute }
    }
    const until = this.anyPhrase(i, [['up', 'until'], ['up', 'to', 'and', 'including'], ['up', 'to'], ['until'], ['till'], ['through'], ['thru'], ['as', 'of'], ['by', 'the', 'end', 'of']])
    if (until !== undefined) {
      const a = this.point(until)
      if (a && a.span.end) return { next: a.next, span: { end: a.span.end }, absolute: a.absolute }
    }
    const a = this.point(i)
    if (!a) return undefined
    // "2024-01-01 to 2024-03-31" without "from": only between two absolute points
    if (a.absolute) {
      const sep = this.word(a.next)
      if (sep === 'to' || sep === 'through' || sep === 'until' || sep === 'thru' || sep === '-') {
        const b = this.point(a.next + 1)
        // "jan-mar 2023", "march to may 2023": the one year written after the range is the first month's too
        if (b && b.absolute && b.span.end) return { next: b.next, span: { start: startBefore(a.span, b.span.end), end: b.span.end }, absolute: true }
      }
      const on = this.anyPhrase(a.next, [['onwards'], ['onward'], ['and', 'later'], ['or', 'later']])
      if (on !== undefined) return { next: on, span: { start: a.span.start }, absolute: true }
    }
    return a
  }

  /** One period: an absolute date/month/quarter/year or a relative period. */
  point(i: number): Parsed | undefined {
    return this.relative(i) ?? this.absolute(i)
  }

  absolute(i: number): Parsed | undefined {
    const w = this.word(i)
    if (w === undefined) return undefined
    const abs = (next: number, span: Span): Parsed => ({ next, span, absolute: true })
    // ISO date 2024-03-05 or 2024/03/05
    let m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(w)
    if (m) {
      const d = parseIsoDate(`${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`)
      return d ? abs(i + 1, { start: d, end: d, unit: 'day' }) : undefined
    }
    // 2024-03
    m = /^(\d{4})-(\d{1,2})$/.exec(w)
    if (m) {
      const month = Number(m[2])
      if (month < 1 || month > 12 || Number(m[1]) < 1) return undefined
      return abs(i + 1, this.monthSpan(Number(m[1]), month))
    }
    // 2024-q3 / 2024q3
    m = /^(\d{4})-?q([1-4])$/.exec(w)
    if (m && Number(m[1]) >= 1) return abs(i + 1, this.quarterSpan(Number(m[1]), Number(m[2])))

    // "the year 2024", "year 2024", "calendar year 2024"
    const yearWord = this.anyPhrase(i, [['the', 'year'], ['calendar', 'year'], ['year']])
    if (yearWord !== undefined) {
      const y = this.year(yearWord)
      if (y) return abs(y.next, this.yearSpan(y.year))
    }
    // quarter: q3 [of] [2024], 3rd/third quarter [of] [2024]
    let q: { q: number; next: number } | undefined
    const qm = /^q([1-4])$/.exec(w)
    if (qm) q = { q: Number(qm[1]), next: i + 1 }
    else {
      const ord = ORDINALS[w] ?? (w === 'the' ? ORDINALS[this.word(i + 1) ?? ''] : undefined)
      const at = w === 'the' ? i + 1 : i
      if (ord !== undefined && (this.word(at + 1) === 'quarter' || this.word(at + 1) === 'qtr')) q = { q: ord, next: at + 2 }
    }
    if (q && q.q >= 1 && q.q <= 4) {
      const j = this.skip(q.next, 'of', ',', '-')
      const y = this.year(j)
      if (y) return abs(y.next, this.quarterSpan(y.year, q.q))
      const ry = this.relativeYear(j)
      if (ry) return { next: ry.next, span: this.quarterSpan(ry.year, q.q), absolute: false }
      // most recent Qn that has started
      let year = this.today.year
      if (toDays({ year, month: (q.q - 1) * 3 + 1, day: 1 }) > toDays(this.today)) year--
      return abs(q.next, this.quarterSpan(year, q.q))
    }
    // halves: h1 2024, first half of 2024
    let h: { h: number; next: number } | undefined
    const hm = /^h([12])$/.exec(w)
    if (hm) h = { h: Number(hm[1]), next: i + 1 }
    else {
      const at = w === 'the' ? i + 1 : i
      const ord = this.word(at) === 'first' ? 1 : this.word(at) === 'second' ? 2 : undefined
      if (ord && this.word(at + 1) === 'half') h = { h: ord, next: at + 2 }
    }
    if (h) {
      const j = this.skip(h.next, 'of', ',', '-')
      const y = this.year(j)
      const year = y ? y.year : toDays({ year: this.today.year, month: h.h === 1 ? 1 : 7, day: 1 }) > toDays(this.today) ? this.today.year - 1 : this.today.year
      const start = { year, month: h.h === 1 ? 1 : 7, day: 1 }
      return abs(y ? y.next : h.next, { start, end: addDays(addMonths(start, 6), -1) })
    }
    // YEAR q3 / YEAR-q3 (tokenized apart)
    const y0 = this.year(i)
    if (y0) {
      const j = this.skip(y0.next, '-')
      const qq = /^q([1-4])$/.exec(this.word(j) ?? '')
      if (qq) return abs(j + 1, this.quarterSpan(y0.year, Number(qq[1])))
    }
    // month names: "march 5, 2024", "march 2024", "march of 2024", "march"
    if (w in MONTHS && !(w === 'may' && !this.looksLikeMonthMay(i))) {
      const month = MONTHS[w]
      let j = i + 1
      if (this.word(j) === '.') j++
      const d = this.dayOfMonth(j)
      if (d && !this.year(j)) {
        const k = this.skip(d.next, ',')
        const y = this.year(k)
        const year = y ? y.year : this.today.year
        if (d.day > daysInMonth(year, month)) return undefined
        const day = { year, month, day: d.day }
        return abs(y ? y.next : d.next, { start: day, end: day, unit: 'day' })
      }
      const k = this.skip(j, 'of', ',')
      const y = this.year(k)
      if (y) return abs(y.next, this.monthSpan(y.year, month))
      const ry = this.relativeYear(k)
      if (ry) return { next: ry.next, span: this.monthSpan(ry.year, month), absolute: false }
      let year = this.today.year
      if (month > this.today.month) year--
      return abs(j, this.monthSpan(year, month))
    }
    // "5 march 2024", "5th of march"
    const d = this.dayOfMonth(i)
    if (d && !this.year(i)) {
      const mw = this.word(d.next)
      if (mw !== undefined && mw in MONTHS) {
        const month = MONTHS[mw]
        const k = this.skip(d.next + 1, ',')
        const y = this.year(k)
        const year = y ? y.year : this.today.year
        if (d.day > daysInMonth(year, month)) return undefined
        const day = { year, month, day: d.day }
        return abs(y ? y.next : d.next + 1, { start: day, end: day, unit: 'day' })
      }
    }
    // a bare year
    const y = this.year(i)
    if (y) return abs(y.next, this.yearSpan(y.year))
    return undefined
  }

  /** "last year", "this year", "next year" after a yearless month or quarter ("Q4 last year"). */
  private relativeYear(i: number): { year: number; next: number } | undefined {
    const j = this.skip(i, 'of', 'the')
    const w = this.word(j)
    if (this.word(j + 1) !== 'year') return undefined
    const offset = w === 'last' || w === 'previous' || w === 'prior' ? -1 : w === 'this' || w === 'current' ? 0 : w === 'next' ? 1 : undefined
    return offset === undefined ? undefined : { year: this.today.year + offset, next: j + 2 }
  }

  /** "may" is also a verb; accept it as a month only next to a year or day. */
  private looksLikeMonthMay(i: number): boolean {
    const j = this.skip(i + 1, 'of', ',')
    if (this.year(j) || this.dayOfMonth(i + 1)) return true
    const prev = this.word(i - 1)
    // "may orders by store": a question opening with "may" asks about the month unless a pronoun follows ("may I see")
    if (prev === undefined) return this.word(i + 1) !== undefined && !MAY_SUBJECTS.has(this.word(i + 1)!)
    // "june sales vs may": the other side of a comparison of periods
    if (prev === 'vs' || prev === 'versus') return true
    return prev === 'in' || prev === 'during' || prev === 'since' || prev === 'of' || prev === 'for' || prev === 'until' || prev === 'before' || prev === 'after' || prev === 'from' || prev === 'between' || prev === 'and' || prev === 'to' || prev === 'through'
  }

  relative(i: number): Parsed | undefined {
    const today = this.today
    const rel = (next: number, span: Span): Parsed => ({ next, span, absolute: false })
    let j: number | undefined
    if ((j = this.phrase(i, 'today')) !== undefined) return rel(j, { start: today, end: today, unit: 'day' })
    if ((j = this.anyPhrase(i, [['the', 'day', 'before', 'yesterday'], ['day', 'before', 'yesterday']])) !== undefined) {
      const d = addDays(today, -2)
      return rel(j, { start: d, end: d, unit: 'day' })
    }
    if ((j = this.phrase(i, 'yesterday')) !== undefined) {
      const d = addDays(today, -1)
      return rel(j, { start: d, end: d, unit: 'day' })
    }
    if ((j = this.phrase(i, 'tomorrow')) !== undefined) {
      const d = addDays(today, 1)
      return rel(j, { start: d, end: d, unit: 'day' })
    }
    // to-date: ytd, year to date, so far this year, this year so far
    const w = this.word(i)
    if (w !== undefined && w in TO_DATE) return rel(i + 1, this.toDate(TO_DATE[w]))
    const u0 = this.unit(i)
    if (u0 && u0.unit !== 'day') {
      const k = this.phrase(this.skip(u0.next, '-'), 'to', 'date')
      if (k !== undefined) return rel(k, this.toDate(u0.unit))
    }
    const soFar = this.anyPhrase(i, [['so', 'far', 'this'], ['so', 'far', 'in', 'this'], ['to', 'date', 'this']])
    if (soFar !== undefined) {
      const u = this.unit(soFar)
      if (u && u.unit !== 'day') return rel(u.next, this.toDate(u.unit))
    }
    // start/beginning/end of a period: "the start of the year", "end of last month"
    const edge = this.anyPhrase(i, [['the', 'start', 'of'], ['start', 'of'], ['the', 'beginning', 'of'], ['beginning', 'of'], ['the', 'end', 'of'], ['end', 'of']])
    if (edge !== undefined) {
      const isEnd = this.word(i) === 'end' || this.word(i + 1) === 'end'
      const k = this.skip(edge, 'the')
      const u = this.unit(k)
      const p: Parsed | undefined = u ? { next: u.next, span: periods(today, u.unit, 0), absolute: false } : this.point(k)
      if (p && p.span.start && p.span.end) {
        const d = isEnd ? p.span.end : p.span.start
        return { next: p.next, span: { start: d, end: d, unit: 'day' }, absolute: p.absolute, edge: !isEnd }
      }
    }
    // this/current unit (+ "so far")
    const thisW = this.anyPhrase(i, [['this'], ['the', 'current'], ['current']])
    if (thisW !== undefined) {
      const u = this.unit(thisW)
      if (u) {
        const sf = this.anyPhrase(u.next, [['so', 'far'], ['to', 'date'], ['until', 'now'], ['till', 'now']])
        if (sf !== undefined && u.unit !== 'day') return rel(sf, this.toDate(u.unit))
        return rel(u.next, periods(today, u.unit, 0))
      }
    }
    // last/previous/prior [N] units  — complete periods before the current one
    const last = this.anyPhrase(i, [['the', 'last'], ['the', 'previous'], ['the', 'prior'], ['last'], ['previous'], ['prior'], ['the', 'preceding'], ['preceding']])
    if (last !== undefined) {
      const u = this.unit(last)
      if (u) return rel(u.next, periods(today, u.unit, -1))
      const c = this.count(last)
      if (c) {
        const u2 = this.unit(this.skip(c.next, 'full', 'complete', 'whole', 'calendar'))
        if (u2) return rel(u2.next, periods(today, u2.unit, -c.n, c.n))
      }
    }
    // past/trailing/rolling [N] units — rolling window ending today
    const past = this.anyPhrase(i, [['the', 'past'], ['past'], ['trailing'], ['rolling'], ['the', 'trailing'], ['the', 'rolling']])
    if (past !== undefined) {
      const u = this.unit(past)
      if (u) return rel(u.next, rolling(today, u.unit, 1))
      const c = this.count(past)
      if (c) {
        const u2 = this.unit(c.next)
        if (u2) return rel(u2.next, rolling(today, u2.unit, c.n))
      }
    }
    // next/coming/upcoming [N] units
    const next = this.anyPhrase(i, [['the', 'next'], ['next'], ['the', 'coming'], ['coming'], ['the', 'upcoming'], ['upcoming'], ['the', 'following']])
    if (next !== undefined) {
      const u = this.unit(next)
      if (u) return rel(u.next, periods(today, u.unit, 1))
      const c = this.count(next)
      if (c) {
        const u2 = this.unit(c.next)
        if (u2) return rel(u2.next, periods(today, u2.unit, 1, c.n))
      }
    }
    // N units ago
    const c = this.count(i)
    if (c) {
      const u = this.unit(c.next)
      if (u && this.word(u.next) === 'ago') return rel(u.next + 1, periods(today, u.unit, -c.n))
    }
    return undefined
  }

  toDate(unit: PeriodUnit): Span {
    return { start: startOfPeriod(this.today, unit), end: this.today }
  }

  monthSpan(year: number, month: number): Span {
    const start = { year, month, day: 1 }
    return { start, end: { year, month, day: daysInMonth(year, month) }, unit: 'month' }
  }

  quarterSpan(year: number, q: number): Span {
    const start = { year, month: (q - 1) * 3 + 1, day: 1 }
    return { start, end: addDays(addMonths(start, 3), -1), unit: 'quarter' }
  }

  yearSpan(year: number): Span {
    return { start: { year, month: 1, day: 1 }, end: { year, month: 12, day: 31 }, unit: 'year' }
  }
}

// A bare four-digit number is a year only when nothing marks it as a quantity.
const QUANTITY_BEFORE = new Set(['over', 'above', 'under', 'below', 'than', 'least', 'most', 'top', 'bottom', 'first', 'limit', 'exceeding', 'exceeds', 'exceed', 'equal', 'equals', 'exactly', '=', '>', '<', '$', '#', 'with', 'having', 'has', 'had', 'is', 'are', 'was', 'were', 'of', 'about', 'around', 'approximately', 'only', 'just', 'show', 'list', 'give'])
const QUANTITY_AFTER = new Set(['%', 'k', 'm', 'percent', 'dollars', 'usd', 'rows', 'records', 'results', 'units', 'items', 'times', 'or', 'plus', '+'])
// Leading words that belong to the time phrase ("in the last 3 months").
const LEADERS = [['in', 'the'], ['during', 'the'], ['over', 'the'], ['for', 'the'], ['within', 'the'], ['of', 'the'], ['in'], ['during'], ['for'], ['within'], ['on'], ['of'], ['throughout']]
// Leaders after which a bare number is a year ("in 2024"), unlike "of 2000".
const YEAR_LEADERS = new Set(['in', 'during', 'for', 'within', 'throughout'])

/**
 * Scans free text for time expressions, left to right, longest first.
 * Returned spans include a leading preposition ("in 2024", "over the past week").
 */
export function findTimeRanges(text: string, clock: Clock): TimeRangeMatch[] {
  const today = civilDateIn(clock.now, clock.timezone)
  const toks = tokenize(text)
  const p = new Parser(toks, today)
  const out: TimeRangeMatch[] = []
  let i = 0
  while (i < toks.length) {
    let lead = i
    for (const l of LEADERS) {
      const j = p.phrase(i, ...l)
      if (j !== undefined && p.expression(j)) { lead = j; break }
    }
    const r = p.expression(lead)
    if (!r || !acceptBareYear(p, i, lead, r)) { i++; continue }
    const first = toks[i]
    const last = toks[r.next - 1]
    const index = first.i
    const length = last.i + last.len - index
    out.push({ index, length, text: text.slice(index, index + length), range: toRange(r.span), unit: r.span.unit })
    i = r.next
  }
  return out
}

function acceptBareYear(p: Parser, i: number, lead: number, r: Parsed): boolean {
  // Only a lone 4-digit token can be mistaken for a quantity.
  if (r.next !== lead + 1 || !/^\d{4}$/.test(p.word(lead) ?? '')) return true
  if (lead > i) {
    // led by "in"/"during"/...: a year unless a quantity word follows; "each month of 2023" too
    const leader = p.word(i) ?? ''
    const ok = YEAR_LEADERS.has(leader) || (leader === 'of' && (p.word(i - 1) ?? '') in UNITS)
    return ok && !QUANTITY_AFTER.has(p.word(r.next) ?? '')
  }
  const prev = p.word(i - 1)
  // "what about 2021?" asks for the year, "about 2000" is a quantity
  if (prev === 'about' && (p.word(i - 2) === 'what' || p.word(i - 2) === 'how')) return true
  if (prev !== undefined && QUANTITY_BEFORE.has(prev)) return false
  if (QUANTITY_AFTER.has(p.word(r.next) ?? '')) return false
  // "between 1000 and 2000"
  if ((prev === 'and' || prev === 'to' || prev === '-') && /^[\d.,$]+[km]?$/.test(p.word(i - 2) ?? '')) return false
  return true
}

/**
 * The start of a range's first period, moved back a year at a time while it falls after the range's end:
 * a yearless month or quarter ("between January and March 2023", "jan-mar 2023") takes the year of the end.
 */
function startBefore(first: Span, end: CivilDate): CivilDate | undefined {
  let start = first.start
  while (start && first.unit && first.unit !== 'day' && first.unit !== 'year' && toDays(start) > toDays(end)) start = shiftPeriod(start, -1, 'year')
  return start
}

function toRange(span: Span): TimeRange {
  if (span.allTime) return {}
  const r: TimeRange = {}
  if (span.start) r.start = isoDate(span.start)
  if (span.end) r.end = isoDate(span.end)
  return r
}

/** Resolves a phrase that is entirely a time expression; undefined when it is not one. */
export function resolveTimeRange(phrase: string, clock: Clock): TimeRange | undefined {
  const trimmed = phrase.trim().replace(/[?.!]+$/, '')
  const found = findTimeRanges(trimmed, clock)
  if (found.length !== 1) return undefined
  const m = found[0]
  return m.index === 0 && m.length === trimmed.length ? m.range : undefined
}
