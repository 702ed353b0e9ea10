// The query's time_constraint: inclusive ISO bounds, widened to whole periods of
// the query's grain (MetricFlow asks for whole weeks/months), rendered as a
// half-open range on metric_time with the bounds as parameters.
import { SemanticError, type TimeGrain } from '../types'
import type { CompileContext } from './context'

/** Half-open range [start, end) as timestamp text; either bound may be absent. */
export interface TimeRange {
  start?: string
  end?: string
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/

export function parseInstant(text: string, path: string): Date {
  const m = TIMESTAMP.exec(text.trim())
  if (!m) {
    throw new SemanticError('invalid_query', `"${text}" is not an ISO date or timestamp (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)`, [{ path, issue: 'invalid_date' }])
  }
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone] = m
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(frac.padEnd(3, '0').slice(0, 3)))
  if (zone && zone !== 'Z') {
    // Bounds are compared with naive timestamps: express them in UTC.
    const sign = zone[0] === '-' ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000
  }
  const date = new Date(ms)
  if (Number.isNaN(date.getTime()) || date.getUTCDate() !== Number(d) && !zone) {
    throw new SemanticError('invalid_query', `"${text}" is not a valid date`, [{ path, issue: 'invalid_date' }])
  }
  return date
}

export function truncate(d: Date, grain: TimeGrain): Date {
  const t = new Date(d.getTime())
  switch (grain) {
    case 'year': return new Date(Date.UTC(t.getUTCFullYear(), 0, 1))
    case 'quarter': return new Date(Date.UTC(t.getUTCFullYear(), Math.floor(t.getUTCMonth() / 3) * 3, 1))
    case 'month': return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1))
    case 'week': {
      const day = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()))
      const isoDow = (day.getUTCDay() + 6) % 7 // Monday = 0
      return new Date(day.getTime() - isoDow * 86_400_000)
    }
    case 'day': return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()))
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
 */
export function adjustRange(c: { start?: string; end?: string }, grain: TimeGrain): TimeRange {
  const out: TimeRange = {}
  if (c.start !== undefined && c.start !== '') out.start = formatInstant(truncate(parseInstant(c.start, 'time_constraint.start'), grain))
  if (c.end !== undefined && c.end !== '') {
    const end = parseInstant(c.end, 'time_constraint.end')
    const finest: TimeGrain = DATE_ONLY.test(c.end.trim()) ? 'day' : grain
    // The end is inclusive: the range stops at the start of the next period.
    const coarse = grainRankOf(grain) >= grainRankOf(finest) ? grain : finest
    out.end = formatInstant(addGrain(truncate(end, coarse), 1, coarse))
  }
  return out
}

const ORDER: TimeGrain[] = ['nanosecond', 'microsecond', 'millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']
function grainRankOf(g: TimeGrain): number {
  return ORDER.indexOf(g)
}

/** Moves a range bound by n periods (for cumulative windows reading earlier rows). */
export function shiftBound(bound: string, n: number, grain: TimeGrain): string {
  return formatInstant(addGrain(parseInstant(bound, 'time_constraint'), n, grain))
}

export function truncateBound(bound: string, grain: TimeGrain): string {
  return formatInstant(truncate(parseInstant(bound, 'time_constraint'), grain))
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
