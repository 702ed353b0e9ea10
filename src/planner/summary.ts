// A deterministic one-sentence answer from a result: no LLM, same input →
// same words. Uses each metric's display format and the plan's time range.
// Honesty rules: a share is printed only when it is a share of the true total
// (the query's own `__share` column, or every group of an additive metric with
// no limit, truncation or filter on the metric), never for averages and
// ratios; no range reads "over all time"; a range that has not ended yet is
// flagged ("this year (2024 through Jun 15)"); a limited ranking says it was
// cut and names ties at the cut; time series read oldest first unless the
// question ordered them.
//   "Total sales last quarter were $1,284,350.00."
//   "Total sales by region last quarter: West $412,300.00 (32%), South ... and 2 more."
import type { OutputColumn, SemanticQuery, StructuredFilter, TimeGrain, ValueFormat } from '../../semantic/types'
import { civilDateIn, isoDate } from './time/civil-date'
import { describeTimeRange, formatCivilDate } from './time/describe-range'
import type { Plan } from './planner'
import { formatNumber, toNumber } from '../../semantic/value-format'

/** The column facts a summary needs (the runner's ResultColumn fits). */
export interface SummaryColumn {
  name: string
  kind?: OutputColumn['kind']
  label?: string
  format?: ValueFormat
  grain?: TimeGrain
}

export interface SummaryContext {
  timezone: string
  /** The clock for "last quarter"-style wording; default: now. */
  now?: Date
  /** Rows the query returned in total (rows may hold only the first ones). */
  rowCount?: number
  truncated?: boolean
  question?: string
}

const LIST_LIMIT = 5
const NO_SHARE = /(average|avg|mean|median|rate|ratio|per_|_per|pct|percent|share|max|min|p\d\d|margin|balance|fraction|growth|conversion)/i

export function summarize(plan: Plan, columns: readonly SummaryColumn[], rows: ReadonlyArray<readonly unknown[]>, ctx: SummaryContext): string {
  const total = ctx.rowCount ?? rows.length
  if (plan.kind === 'sql') {
    if (total === 0) return 'The query returned no rows.'
    if (total === 1 && columns.length === 1 && rows.length) return `The result is ${formatValue(rows[0][0])}.`
    return `The query returned ${countWords(total, 'row')}${ctx.truncated ? ' (truncated)' : ''}.`
  }
  const q = plan.query
  // `<metric>__share` and `<metric>__previous` (share_of_total, compare) are said next to their metric
  const helper = (name: string) => /__(share|previous)$/.test(name)
  const shareOf = new Map(columns.map((c, i) => ({ c, i })).filter(({ c }) => c.name.endsWith('__share')).map(({ c, i }) => [c.name.slice(0, -'__share'.length), i]))
  const previousOf = new Map(columns.map((c, i) => ({ c, i })).filter(({ c }) => c.name.endsWith('__previous')).map(({ c, i }) => [c.name.slice(0, -'__previous'.length), i]))
  const metricIdx = columns.map((c, i) => ({ c, i })).filter(({ c }) => !helper(c.name) && (c.kind === 'metric' || (c.kind === undefined && q.metrics.includes(c.name))))
  const dimIdx = columns.map((c, i) => ({ c, i })).filter(({ c }) => !helper(c.name) && !metricIdx.some((m) => m.c === c))
  const scope = scopeWords(q, ctx)
  const labels = metricIdx.length ? metricIdx.map(({ c }) => metricLabel(c)) : q.metrics.map((m) => metricLabel({ name: m }))
  const subject = joinWords(labels.map((l, i) => (i === 0 ? l : lowerFirst(l))))
  const byWords = dimIdx.length ? ` by ${joinWords(dimIdx.map(({ c }) => dimensionWords(c)))}` : ''

  if (total === 0) {
    return `No data found for ${lowerFirst(subject || 'this question')}${byWords}${scope}.`
  }
  // Rows too wide to keep for the summary (query-runner's byte budget) were still sent: say how many.
  if (rows.length === 0) return `The query returned ${countWords(total, 'row')}${ctx.truncated ? ' (truncated)' : ''}.`
  if (metricIdx.length === 0) {
    return `Found ${countWords(total, 'row')}${scope}${ctx.truncated ? ' (truncated)' : ''}.`
  }

  const against = (r: readonly unknown[], c: SummaryColumn, i: number) => {
    const p = previousOf.get(c.name)
    if (p === undefined) return ''
    return ` (against ${formatValue(r[p], c.format)} ${q.compare?.offset_window ?? 'one period'} earlier${changeWords(r[i], r[p])})`
  }

  // One row without dimensions: a plain statement.
  if (dimIdx.length === 0) {
    if (metricIdx.length === 1) {
      const { c, i } = metricIdx[0]
      return `${metricLabel(c)}${scope} ${verbFor(c)} ${formatValue(rows[0][i], c.format)}${against(rows[0], c, i)}.`
    }
    const parts = metricIdx.map(({ c, i }) => `${lowerFirst(metricLabel(c))} ${formatValue(rows[0][i], c.format)}${against(rows[0], c, i)}`)
    return `${capitalize(scope.trim() || 'Overall')}: ${joinWords(parts)}.`
  }

  // Grouped: the first few rows in the result's order (or largest first when unordered).
  const ordered = q.order_by?.length ? rows : sortRows(rows, dimIdx, metricIdx)
  const first = metricIdx[0]
  const values = rows.map((r) => toNumber(r[first.i]))
  const sum = values.reduce<number>((a, v) => a + (v ?? 0), 0)
  const queryShare = shareOf.get(first.c.name)
  // rows add up to the true total only when every group is here and none was dropped by a limit or a metric filter
  const complete = q.limit === undefined && !ctx.truncated && !(q.filters ?? []).some((f) => q.metrics.includes(f.field))
  const showShare = queryShare === undefined && complete && metricIdx.length === 1 && total === rows.length && rows.length > 1 && sum > 0 &&
    values.every((v) => v === undefined || v >= 0) && first.c.format?.type !== 'percent' && !NO_SHARE.test(first.c.name) && !NO_SHARE.test(first.c.label ?? '') &&
    !dimIdx.every(({ c }) => c.kind === 'time_dimension' || c.grain)
  const shown = ordered.slice(0, LIST_LIMIT)
  const items = shown.map((r) => {
    const key = dimIdx.map(({ c, i }) => formatDimensionValue(r[i], c)).join(' / ')
    if (metricIdx.length === 1) {
      const v = r[first.i]
      const n = toNumber(v)
      const share = queryShare !== undefined && toNumber(r[queryShare]) !== undefined
        ? ` (${formatValue(r[queryShare], { type: 'percent', decimals: 1 })} of the total)`
        : showShare && n !== undefined ? ` (${Math.round((n / sum) * 100)}%)` : ''
      return `${key} ${formatValue(v, first.c.format)}${share}${against(r, first.c, first.i)}`
    }
    return `${key}: ${metricIdx.map(({ c, i }) => `${lowerFirst(metricLabel(c))} ${formatValue(r[i], c.format)}${against(r, c, i)}`).join(', ')}`
  })
  const more = total - shown.length
  const tail = more > 0 ? `${metricIdx.length > 1 ? ';' : ','} and ${more}${ctx.truncated ? '+' : ''} more` : ''
  const sep = metricIdx.length > 1 ? '; ' : ', '
  const notes = [cutWords(q, ordered, first.i, total, ctx), partialBucketWords(q, dimIdx, ordered, ctx)].filter(Boolean)
  return `${subject}${byWords}${scope}: ${items.join(sep)}${tail}${notes.length ? ` (${notes.join('; ')})` : ''}.`
}

/** "+12.5%", "-3.0%", or nothing when either side is missing or zero. */
function changeWords(now: unknown, before: unknown): string {
  const a = toNumber(now)
  const b = toNumber(before)
  if (a === undefined || b === undefined || b === 0) return ''
  const pct = ((a - b) / Math.abs(b)) * 100
  return `, ${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%`
}

/** A limited ranking: say it was cut, and whether the last row ties with the one before it. */
function cutWords(q: SemanticQuery, rows: ReadonlyArray<readonly unknown[]>, metric: number, total: number, ctx: SummaryContext): string {
  if (q.limit === undefined || total < q.limit || !q.order_by?.length) return ''
  const last = rows.length >= 2 ? toNumber(rows[rows.length - 1][metric]) : undefined
  const prev = rows.length >= 2 ? toNumber(rows[rows.length - 2][metric]) : undefined
  const tie = last !== undefined && last === prev ? ', and the last two are tied, so more may tie at the cut' : ''
  return `only the first ${q.limit}${ctx.truncated ? ' returned' : ''}${tie}`
}

/** A series whose last bucket is the current, unfinished period. */
function partialBucketWords(q: SemanticQuery, dims: Array<{ c: SummaryColumn; i: number }>, rows: ReadonlyArray<readonly unknown[]>, ctx: SummaryContext): string {
  const t = dims.find(({ c }) => c.kind === 'time_dimension' || grainFromName(c.name))
  if (!t) return ''
  const grain = t.c.grain ?? grainFromName(t.c.name)
  if (!grain || !['week', 'month', 'quarter', 'year'].includes(grain)) return ''
  const today = isoDate(civilDateIn(ctx.now ?? new Date(), ctx.timezone || 'UTC'))
  const latest = rows.map((r) => dayOf(r[t.i])).filter((d): d is string => !!d).sort().pop()
  if (!latest || latest > today || bucketEnd(latest, grain) <= today) return ''
  return `${formatDimensionValue(latest, t.c)} is not over: data through ${shortDate(today)}`
}

function dayOf(v: unknown): string | undefined {
  if (v instanceof Date) return v.toISOString().slice(0, 10)
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : undefined
}

/** The first day after the bucket that starts on `day` (YYYY-MM-DD). */
function bucketEnd(day: string, grain: TimeGrain): string {
  const d = new Date(`${day}T00:00:00Z`)
  if (grain === 'week') d.setUTCDate(d.getUTCDate() + 7)
  else if (grain === 'month') d.setUTCMonth(d.getUTCMonth() + 1)
  else if (grain === 'quarter') d.setUTCMonth(d.getUTCMonth() + 3)
  else d.setUTCFullYear(d.getUTCFullYear() + 1)
  return d.toISOString().slice(0, 10)
}

/** "Jun 15". */
function shortDate(day: string): string {
  const [, m, d] = day.split('-').map(Number)
  return `${MONTHS[m - 1].slice(0, 3)} ${d}`
}

/** " in California last quarter" — filters and time range in words. */
function scopeWords(q: SemanticQuery, ctx: SummaryContext): string {
  const parts: string[] = []
  for (const f of q.filters ?? []) {
    const w = filterWords(f, q)
    if (w) parts.push(w)
  }
  const tc = q.time_constraint
  if (tc && (tc.start || tc.end)) {
    const clock = { now: ctx.now ?? new Date(), timezone: ctx.timezone || 'UTC' }
    let words = describeTimeRange(tc, clock)
    // a range that has not ended yet holds part of a period: say how far the data goes
    const today = isoDate(civilDateIn(clock.now, clock.timezone))
    if (tc.end && tc.end.slice(0, 10) >= today && (!tc.start || tc.start.slice(0, 10) <= today)) {
      const from = tc.start ? (tc.start.slice(5, 10) === '01-01' ? tc.start.slice(0, 4) : shortDate(tc.start.slice(0, 10))) : 'everything'
      words += ` (${from} through ${shortDate(today)})`
    }
    parts.push(words)
  } else {
    parts.push('over all time')
  }
  return parts.length ? ` ${parts.join(' ')}` : ''
}

function filterWords(f: StructuredFilter, q: SemanticQuery): string | undefined {
  if (q.metrics.includes(f.field)) return undefined // comparisons on metrics show in the rows
  const vals = Array.isArray(f.value) ? f.value : [f.value]
  const list = (v: unknown[], word = 'or') => v.map((x) => String(x)).join(` ${word} `)
  const dim = humanize(lastSegment(f.field))
  switch (f.op) {
    case '=': return typeof f.value === 'boolean' ? `where ${dim} is ${f.value ? 'true' : 'false'}` : `for ${String(f.value)}`
    case 'in': return `for ${list(vals)}`
    case '!=': case 'not_in': return `excluding ${list(vals, 'and')}`
    default: return undefined
  }
}

function sortRows(rows: ReadonlyArray<readonly unknown[]>, dims: Array<{ c: SummaryColumn; i: number }>, metrics: Array<{ c: SummaryColumn; i: number }>): Array<readonly unknown[]> {
  const timeOnly = dims.every(({ c }) => c.kind === 'time_dimension' || c.grain)
  const copy = [...rows]
  if (timeOnly) return copy.sort((a, b) => String(a[dims[0].i]).localeCompare(String(b[dims[0].i])))
  const m = metrics[0].i
  return copy.sort((a, b) => (toNumber(b[m]) ?? -Infinity) - (toNumber(a[m]) ?? -Infinity))
}

// ------------------------------------------------------------ formatting

export function formatValue(v: unknown, format?: ValueFormat): string {
  if (v === null || v === undefined) return 'no value'
  const n = toNumber(v)
  if (n === undefined) return v instanceof Date ? formatCivilDate(v.toISOString().slice(0, 10)) : String(v)
  return formatNumber(n, format)
}

function formatDimensionValue(v: unknown, c: SummaryColumn): string {
  if (v === null || v === undefined) return '(none)'
  const grain = c.grain ?? grainFromName(c.name)
  const iso = v instanceof Date ? v.toISOString() : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? v : undefined
  if (iso && (c.kind === 'time_dimension' || grain)) {
    const day = iso.slice(0, 10)
    const [y, m] = day.split('-').map(Number)
    switch (grain) {
      case 'year': return String(y)
      case 'quarter': return `Q${Math.floor((m - 1) / 3) + 1} ${y}`
      case 'month': return `${MONTHS[m - 1]} ${y}`
      case 'week': return `week of ${formatCivilDate(day)}`
      case 'day': case undefined: return formatCivilDate(day)
      default: return iso.replace('T', ' ').replace(/\.000Z$|Z$/, '')
    }
  }
  if (typeof v === 'boolean') return `${humanize(lastSegment(c.name))}: ${v ? 'yes' : 'no'}`
  // A numeric dimension with a declared format (a price band, a discount rate) reads as the warehouse means it.
  if (c.format && toNumber(v) !== undefined) return formatValue(v, c.format)
  return String(v)
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
const GRAIN_SUFFIX = /__(hour|day|week|month|quarter|year)$/

function grainFromName(name: string): TimeGrain | undefined {
  const m = GRAIN_SUFFIX.exec(name)
  return m ? (m[1] as TimeGrain) : undefined
}

export function metricLabel(c: { name: string; label?: string }): string {
  return c.label?.trim() || capitalize(humanize(c.name))
}

function dimensionWords(c: SummaryColumn): string {
  const grain = grainFromName(c.name)
  if (grain && /^metric_time__/.test(c.name)) return grain
  if (c.label && c.kind !== 'metric') return lowerFirst(c.label)
  const base = c.name.replace(GRAIN_SUFFIX, '')
  return humanize(lastSegment(base)) + (grain ? ` (${grain})` : '')
}

/** "Total sales were", "Average order value was". */
function verbFor(c: SummaryColumn): string {
  const label = metricLabel(c)
  const last = label.split(/\s+/).pop() ?? ''
  return /s$/i.test(last) && !/(ss|us|is)$/i.test(last) ? 'were' : 'was'
}

export function humanize(name: string): string {
  return name.replace(/__/g, ' ').replace(/_/g, ' ').replace(/\s+/g, ' ').trim()
}
function lastSegment(name: string): string {
  const parts = name.split('__')
  return parts[parts.length - 1]
}
function capitalize(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s
}
function lowerFirst(s: string): string {
  // keep acronyms ("AOV") as written
  return s && !/^[A-Z]{2}/.test(s) ? s[0].toLowerCase() + s.slice(1) : s
}
function joinWords(xs: string[]): string {
  if (xs.length <= 1) return xs.join('')
  return `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`
}
function countWords(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`
}
