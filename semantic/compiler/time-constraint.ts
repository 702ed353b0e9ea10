// The query's time_constraint: inclusive ISO bounds, widened to whole periods of
// the query's grain (MetricFlow asks for whole weeks/months), rendered as a
// half-open range on metric_time with the bounds as parameters.
import { SemanticError, type TimeGrain } from '../types'
import { MAX_INSTANT_MS, MIN_INSTANT_MS, parseIsoInstant } from '../iso-time'
import type { CompileContext } from './context'
import type { TimeRange } from './request-parts'

export type { TimeRange } from './request-parts'

/**
 * A bound as a UTC instant (offsets applied: bounds are compared with naive
 * timestamps). Every field is range-checked (semantic/iso-time.ts), so a
 * bound can only fail here with our own message, never in the database.
 */
export function parseInstant(text: string, path: string): Date {
  const r = parseIsoInstant(text)
  if (!r.ok) {
    const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text
    throw new SemanticError('invalid_query', `"${shown}" ${r.issue}`, [{ path, issue: 'invalid_date' }])
  }
  return new Date(r.ms)
}

const isDateOnly = (text: string): boolean => {
  const r = parseIsoInstant(text)
  return r.ok && r.dateOnly
}

/** Whether an instant can be written as a 4-digit-year timestamp (0001–9999). */
const representable = (d: Date): boolean => d.getTime() >= MIN_INSTANT_MS && d.getTime() <= MAX_INSTANT_MS

/** Midnight UTC of a calendar day; `setUTCFullYear`, because Date.UTC maps years 0–99 to 1900–1999. */
function ymd(y: number, m: number, d: number): Date {
  const t = new Date(0)
  t.setUTCFullYear(y, m, d)
  return t
}

export function truncate(d: Date, grain: TimeGrain): Date {
  const t = new Date(d.getTime())
  switch (grain) {
    case 'year': return ymd(t.getUTCFullYear(), 0, 1)
    case 'quarter': return ymd(t.getUTCFullYear(), Math.floor(t.getUTCMonth() / 3) * 3, 1)
    case 'month': return ymd(t.getUTCFullYear(), t.getUTCMonth(), 1)
    case 'week': {
      const day = ymd(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate())
      const isoDow = (day.getUTCDay() + 6) % 7 // Monday = 0
      return new Date(day.getTime() - isoDow * 86_400_000)
    }
    case 'day': return ymd(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate())
    case 'hour': t.setUTCMinutes(0, 0, 0); return t
    case 'minute': t.setUTCSeconds(0, 0); return t
    case 'second': t.setUTCMilliseconds(0); return t
    default: return t
  }
}

export function addGrain(d: Date, n: number, grain: TimeGrain): Date {
  const t = new Date(d.getTime())
  switch (grain) {
    case 'year': t.setUTCFullYear(t.getUTCFullYear() + n); return t
    case 'quarter': t.setUTCMonth(t.getUTCMonth() + 3 * n); return t
    case 'month': t.setUTCMonth(t.getUTCMonth() + n); return t
    case 'week': return new Date(t.getTime() + n * 7 * 86_400_000)
    case 'day': return new Date(t.getTime() + n * 86_400_000)
    case 'hour': return new Date(t.getTime() + n * 3_600_000)
    case 'minute': return new Date(t.getTime() + n * 60_000)
    case 'second': return new Date(t.getTime() + n * 1000)
    case 'millisecond': return new Date(t.getTime() + n)
    default: return new Date(t.getTime() + Math.max(1, Math.round(n / 1000)))
  }
}

export function formatInstant(d: Date): string {
  const iso = d.toISOString() // YYYY-MM-DDTHH:MM:SS.sssZ
  const date = iso.slice(0, 10)
  const time = iso.slice(11, 19)
  const ms = iso.slice(20, 23)
  // Always a full timestamp: some engines (ClickHouse 18) cannot read a bare date as one.
  return ms === '000' ? `${date} ${time}` : `${date} ${time}.${ms}`
}

/**
 * Widens the inclusive [start, end] constraint to whole periods of `grain`
 * and returns the half-open range. A date-only end covers its whole day.
 * A widened bound beyond 0001–9999 (an end of 9999-12-31, a start moved
 * before year 1 by its offset) leaves that side open: every representable
 * time is inside it anyway, and no engine reads a five-digit year.
 */
export function adjustRange(c: { start?: string; end?: string }, grain: TimeGrain): TimeRange {
  const out: TimeRange = {}
  if (c.start !== undefined && c.start !== '') {
    const start = truncate(parseInstant(c.start, 'time_constraint.start'), grain)
    if (representable(start)) out.start = formatInstant(start)
  }
  if (c.end !== undefined && c.end !== '') {
    const end = parseInstant(c.end, 'time_constraint.end')
    const finest: TimeGrain = isDateOnly(c.end) ? 'day' : grain
    // The end is inclusive: the range stops at the start of the next period.
    const coarse = grainRankOf(grain) >= grainRankOf(finest) ? grain : finest
    const next = addGrain(truncate(end, coarse), 1, coarse)
    if (representable(next)) out.end = formatInstant(next)
  }
  return out
}

const ORDER: TimeGrain[] = ['nanosecond', 'microsecond', 'millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']
function grainRankOf(g: TimeGrain): number {
  return ORDER.indexOf(g)
}

/** Moves a range bound by n periods (for cumulative windows reading earlier rows); undefined past year 0001–9999. */
export function shiftBound(bound: string, n: number, grain: TimeGrain): string | undefined {
  const d = addGrain(parseInstant(bound, 'time_constraint'), n, grain)
  return representable(d) ? formatInstant(d) : undefined
}

export function truncateBound(bound: string, grain: TimeGrain): string | undefined {
  const d = truncate(parseInstant(bound, 'time_constraint'), grain)
  return representable(d) ? formatInstant(d) : undefined
}

/** SQL predicates `expr >= start AND expr < end` with the bounds as parameters. */
export function rangePredicates(ctx: CompileContext, expr: string, range: TimeRange | undefined): string[] {
  if (!range) return []
  const out: string[] = []
  const ts = (v: string) => ctx.dialect.castToTimestamp(ctx.param(v))
  const col = ctx.dialect.comparableTime(expr)
  if (range.start !== undefined) out.push(`${col} >= ${ts(range.start)}`)
  if (range.end !== undefined) out.push(`${col} < ${ts(range.end)}`)
  return out
}
