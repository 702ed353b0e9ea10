// MetricFlow query names (`listing__user__ds__month`, `metric_time__extract_dow`)
// and time grains: parsing, formatting and ordering.
import { DATE_PARTS, TIME_GRAINS, type DatePart, type TimeGrain } from './types'

export const DUNDER = '__'
export const METRIC_TIME = 'metric_time'

const GRAIN_RANK = new Map<string, number>(TIME_GRAINS.map((g, i) => [g, i]))

export function isTimeGrain(s: string): s is TimeGrain {
  return GRAIN_RANK.has(s)
}

export function isDatePart(s: string): s is DatePart {
  return (DATE_PARTS as readonly string[]).includes(s)
}

/** Rank of a standard grain (nanosecond = 0 .. year = 10). */
export function grainRank(g: TimeGrain): number {
  return GRAIN_RANK.get(g) ?? 0
}

export function coarserGrain(a: TimeGrain, b: TimeGrain): TimeGrain {
  return grainRank(a) >= grainRank(b) ? a : b
}

export function finerGrain(a: TimeGrain, b: TimeGrain): TimeGrain {
  return grainRank(a) <= grainRank(b) ? a : b
}

/** The smallest grain a date part can be extracted from. */
export function datePartGrain(part: DatePart): TimeGrain {
  switch (part) {
    case 'year': return 'year'
    case 'quarter': return 'quarter'
    case 'month': return 'month'
    case 'week': return 'week'
    default: return 'day'
  }
}

/** A parsed query name before it is resolved against the model. */
export interface ParsedName {
  entityPath: string[]
  element: string
  /** Standard or custom grain suffix (`month`, `alien_day`). */
  grain?: string
  datePart?: DatePart
}

/**
 * Splits a query name into entity links, element and optional grain/date part.
 * `customGrains` are the custom granularity names the manifest defines.
 */
export function parseQueryName(name: string, customGrains: ReadonlySet<string> = new Set()): ParsedName {
  const parts = name.split(DUNDER)
  let grain: string | undefined
  let datePart: DatePart | undefined
  if (parts.length > 1) {
    const last = parts[parts.length - 1]
    if (isTimeGrain(last) || customGrains.has(last)) {
      grain = last
      parts.pop()
    } else if (last.startsWith('extract_') && isDatePart(last.slice('extract_'.length))) {
      datePart = last.slice('extract_'.length) as DatePart
      parts.pop()
    }
  }
  const element = parts.pop() ?? ''
  return { entityPath: parts, element, grain, datePart }
}

export function formatQueryName(p: { entityPath: readonly string[]; element: string; grain?: string; datePart?: DatePart }): string {
  const parts = [...p.entityPath, p.element]
  if (p.datePart) parts.push(`extract_${p.datePart}`)
  else if (p.grain) parts.push(p.grain)
  return parts.join(DUNDER)
}

/** A time window such as `7 days`, `2 month`, `1 alien_day`. */
export interface TimeWindow {
  count: number
  /** Standard grain or a custom granularity name. */
  unit: string
}

/** Parses `<count> <grain>[s]`; returns undefined when malformed. */
export function parseWindow(text: string, customGrains: ReadonlySet<string> = new Set()): TimeWindow | undefined {
  const m = /^\s*(\d+)\s+([A-Za-z_]+?)\s*$/.exec(text)
  if (!m) return undefined
  const count = Number(m[1])
  const raw = m[2].toLowerCase()
  for (const candidate of [raw, raw.replace(/s$/, '')]) {
    if (isTimeGrain(candidate) || customGrains.has(candidate)) return { count, unit: candidate }
  }
  return undefined
}

export function formatWindow(w: TimeWindow): string {
  return `${w.count} ${w.unit}`
}
