// Turns the model's parsed answer into a Plan, checking every name against the
// whole catalog (not just the part shown in the prompt) and every value's
// shape. Anything wrong becomes an InvalidAnswerError whose message is written
// for the model's single repair round: it names the problem and close names.
import type { Catalog, CatalogDimension, FilterOp, GroupByItem, SemanticQuery, StructuredFilter, TimeGrain } from '../../../semantic/types'
import { DATE_PARTS, TIME_GRAINS, type DatePart } from '../../../semantic/types'
import { parseIsoInstant } from '../../../semantic/iso-time'
import { editDistance } from '../../../semantic/suggest'
import { PlanningError, type Plan } from '../planner'
import { LIMITS, answerSchema, type Answer, type AnswerQuery } from './answer-schema'

export interface Issue { path?: string; issue: string; suggestions?: string[] }

/** The answer is not a usable plan; `message` is fed back to the model once. */
export class InvalidAnswerError extends Error {
  constructor(message: string, readonly details: Issue[] = []) {
    super(message)
    this.name = 'InvalidAnswerError'
  }
}

/** Checks the JSON value against the answer schema. */
export function parseAnswer(value: unknown): Answer {
  const parsed = answerSchema.safeParse(value)
  if (parsed.success) return parsed.data
  const details: Issue[] = parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.') || undefined, issue: i.message }))
  const text = details.map((d) => (d.path ? `${d.path}: ${d.issue}` : d.issue)).join('; ')
  throw new InvalidAnswerError(`the answer does not follow the required JSON format (${text})`, details)
}

// ------------------------------------------------------------------ names

/** Up to three catalog names close to `wanted` (edit distance, shared words). */
export function closestNames(wanted: string, names: string[]): string[] {
  const w = wanted.toLowerCase().slice(0, LIMITS.name)
  const wordsOf = (s: string) => new Set(s.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean))
  const ww = wordsOf(w)
  return names
    .map((n) => {
      const lower = n.toLowerCase()
      const shared = [...wordsOf(lower)].filter((x) => ww.has(x)).length
      const dist = editDistance(w, lower) / Math.max(w.length, lower.length, 1)
      return { n, score: shared * 0.5 + (1 - dist) }
    })
    .filter((x) => x.score > 0.45)
    .sort((a, b) => b.score - a.score || a.n.localeCompare(b.n))
    .slice(0, 3)
    .map((x) => x.n)
}

class Names<T extends { name: string }> {
  private exact = new Map<string, T>()
  private folded = new Map<string, T>()
  constructor(readonly items: T[]) {
    for (const it of items) {
      this.exact.set(it.name, it)
      if (!this.folded.has(it.name.toLowerCase())) this.folded.set(it.name.toLowerCase(), it)
    }
  }
  /** Exact name, or the same name in another case (models capitalise). */
  get(name: string): T | undefined {
    return this.exact.get(name) ?? this.folded.get(name.toLowerCase())
  }
  names(): string[] { return this.items.map((i) => i.name) }
}

const GRAIN_SET = new Set<string>(TIME_GRAINS)
const DATE_PART_SET = new Set<string>(DATE_PARTS)

interface ResolvedDimension { dim: CatalogDimension; grain?: TimeGrain; datePart?: DatePart }

// ------------------------------------------------------------------ grounding

export interface GroundOptions {
  allowRawSql: boolean
  maxLimit?: number
}

type PlanBody = Omit<Extract<Plan, { kind: 'semantic' }>, 'usage'> | Omit<Extract<Plan, { kind: 'sql' }>, 'usage'>

/**
 * Answer → Plan. Throws PlanningError('question_not_understood') when the
 * model says the catalog cannot answer, InvalidAnswerError for anything the
 * model should repair.
 */
export function groundAnswer(answer: Answer, catalog: Catalog, opts: GroundOptions): PlanBody {
  const confidence = clamp01(answer.confidence ?? 0.7)
  const reasons = (answer.reasons ?? []).map((r) => r.trim()).filter(Boolean)

  if (answer.kind === 'cannot_answer') {
    // The model's reason is its own text (it can be steered into writing anything): the
    // client gets our words; the reason is kept, marked as model output, for admins.
    throw new PlanningError('question_not_understood',
      'The question could not be answered from the semantic layer: no metric or dimension of this connection matches it. Try naming a metric, or ask an admin to add one.',
      [{ issue: 'cannot_answer' }], undefined, answer.problem?.trim() || undefined)
  }

  if (answer.kind === 'sql') {
    if (!opts.allowRawSql) {
      throw new InvalidAnswerError(
        'raw SQL is not allowed on this connection: answer with kind "semantic" using only catalog names, or kind "cannot_answer"',
        [{ path: 'kind', issue: 'raw SQL is not allowed on this connection' }],
      )
    }
    const sql = stripFence(answer.sql ?? '').trim()
    if (!sql) throw new InvalidAnswerError('kind is "sql" but "sql" is empty', [{ path: 'sql', issue: 'empty' }])
    return { kind: 'sql', sql, confidence, reasons, planner: 'llm' }
  }

  if (!answer.query) throw new InvalidAnswerError('kind is "semantic" but "query" is null', [{ path: 'query', issue: 'missing' }])
  const query = groundQuery(answer.query, catalog, opts)
  return { kind: 'semantic', query, confidence, reasons, planner: 'llm' }
}

function clamp01(n: number): number {
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0.5
}

/** The body of SQL wrapped in one ``` fence (with an optional language tag), else `s`; hand-written, linear. */
export function stripFence(s: string): string {
  const t = s.trim()
  if (t.length < 6 || !t.startsWith('```') || !t.endsWith('```')) return s
  let i = 3
  for (let c = t.charCodeAt(i) | 0x20; i < t.length && c >= 0x61 && c <= 0x7a; c = t.charCodeAt(++i) | 0x20) { /* language tag */ }
  const newline = t.indexOf('\n', i)
  // Only whitespace may follow the tag on the opening line.
  if (newline < 0 || newline > t.length - 3 || t.slice(i, newline).trim() !== '') return s
  const body = t.slice(newline + 1, t.length - 3)
  return body.endsWith('\n') ? body.slice(0, -1) : body
}

function groundQuery(q: AnswerQuery, catalog: Catalog, opts: GroundOptions): SemanticQuery {
  const metrics = new Names(catalog.metrics)
  const dims = new Names(catalog.dimensions)
  const issues: Issue[] = []
  const unknown = (path: string, what: string, name: string, pool: string[]) =>
    issues.push({ path, issue: `unknown ${what} "${clipName(name)}"`, suggestions: closestNames(name, pool) })

  // Metrics
  const metricNames: string[] = []
  if (!q.metrics.length) issues.push({ path: 'query.metrics', issue: 'at least one metric is required' })
  q.metrics.forEach((m, i) => {
    const found = metrics.get(m)
    if (!found) unknown(`query.metrics.${i}`, 'metric', m, metrics.names())
    else if (!metricNames.includes(found.name)) metricNames.push(found.name)
  })
  const chosenMetrics = metricNames.map((n) => metrics.get(n)!)

  /** A dimension name, or `time_dim__grain`. */
  const resolveDimension = (raw: string): ResolvedDimension | undefined => {
    const direct = dims.get(raw)
    if (direct) return { dim: direct }
    const cut = raw.lastIndexOf('__')
    if (cut > 0) {
      const base = dims.get(raw.slice(0, cut))
      const suffix = raw.slice(cut + 2).toLowerCase()
      if (base && base.type === 'time' && GRAIN_SET.has(suffix)) return { dim: base, grain: suffix as TimeGrain }
      // MetricFlow's date-part names: `metric_time__extract_dow`.
      const part = suffix.startsWith('extract_') ? suffix.slice('extract_'.length) : ''
      if (base && base.type === 'time' && DATE_PART_SET.has(part)) return { dim: base, datePart: part as DatePart }
    }
    return undefined
  }
  const checkReachable = (path: string, dim: CatalogDimension) => {
    // metric_time is common to every metric with an aggregation time; the compile check has the final word.
    if (dim.name === 'metric_time') return
    for (const m of chosenMetrics) {
      if (m.dimensions.length && !m.dimensions.includes(dim.name)) {
        issues.push({ path, issue: `metric "${m.name}" cannot be grouped or filtered by "${dim.name}"`, suggestions: closestNames(dim.name, m.dimensions) })
      }
    }
  }
  const checkGrain = (path: string, dim: CatalogDimension, grain: TimeGrain | undefined) => {
    if (!grain) return
    if (dim.type !== 'time') { issues.push({ path, issue: `"${dim.name}" is not a time dimension and takes no grain` }); return }
    if (dim.grain && TIME_GRAINS.indexOf(grain) < TIME_GRAINS.indexOf(dim.grain)) {
      issues.push({ path, issue: `"${dim.name}" is available at "${dim.grain}" or coarser, not "${grain}"` })
    }
  }

  // Group by
  const groupBy: GroupByItem[] = []
  const outputNames = new Map<string, string>() // name the model may order by → output name
  for (const m of metricNames) outputNames.set(m.toLowerCase(), m)
  ;(q.group_by ?? []).forEach((g, i) => {
    const path = `query.group_by.${i}`
    const rawName = typeof g === 'string' ? g : g.name
    const resolved = resolveDimension(rawName)
    if (!resolved) { unknown(path, 'dimension', rawName, dims.names()); return }
    const grain = (typeof g === 'string' ? undefined : g.grain ?? undefined) ?? resolved.grain
    const datePart = (typeof g === 'string' ? undefined : g.date_part ?? undefined) ?? resolved.datePart
    checkGrain(path, resolved.dim, grain)
    if (grain && datePart) issues.push({ path, issue: 'use either grain or date_part, not both' })
    if (datePart && resolved.dim.type !== 'time') issues.push({ path, issue: `"${resolved.dim.name}" is not a time dimension and takes no date_part` })
    checkReachable(path, resolved.dim)
    const name = resolved.dim.name
    const item: GroupByItem = grain || datePart ? { name, ...(grain ? { grain } : {}), ...(datePart ? { date_part: datePart } : {}) } : name
    const output = grain ? `${name}__${grain}` : datePart ? `${name}__extract_${datePart}` : name
    if (groupBy.some((x) => JSON.stringify(x) === JSON.stringify(item))) return
    groupBy.push(item)
    outputNames.set(output.toLowerCase(), output)
    if (!outputNames.has(name.toLowerCase())) outputNames.set(name.toLowerCase(), output)
    outputNames.set(rawName.toLowerCase(), output)
  })

  // Filters
  const filters: StructuredFilter[] = []
  ;(q.filters ?? []).forEach((f, i) => {
    const path = `query.filters.${i}`
    const metric = metrics.get(f.field)
    if (metric) {
      const r = checkFilterValue(f.op, f.value, 'number')
      if (typeof r === 'string') { issues.push({ path, issue: `filter on metric "${metric.name}": ${r}` }); return }
      if (f.op === 'like' || f.op === 'is_null' || f.op === 'is_not_null') { issues.push({ path, issue: `operator "${f.op}" cannot filter the metric "${metric.name}"` }); return }
      filters.push({ field: metric.name, op: f.op, ...(r.value !== undefined ? { value: r.value } : {}) })
      return
    }
    const resolved = resolveDimension(f.field)
    if (!resolved) { unknown(path, 'filter field', f.field, [...dims.names(), ...metrics.names()]); return }
    if (resolved.datePart) { issues.push({ path, issue: 'filters on date parts are not supported; use time_constraint or a grain' }); return }
    checkGrain(path, resolved.dim, resolved.grain)
    checkReachable(path, resolved.dim)
    const valueType = resolved.dim.type === 'time' ? 'time' : resolved.dim.value_type ?? 'string'
    const r = checkFilterValue(f.op, f.value, valueType)
    if (typeof r === 'string') { issues.push({ path, issue: `filter on "${resolved.dim.name}": ${r}` }); return }
    const field = resolved.grain ? `${resolved.dim.name}__${resolved.grain}` : resolved.dim.name
    filters.push({ field, op: f.op, ...(r.value !== undefined ? { value: r.value } : {}) })
  })

  // Time range
  let timeConstraint: SemanticQuery['time_constraint']
  if (q.time_constraint) {
    const { start, end } = q.time_constraint
    const tc: { start?: string; end?: string } = {}
    if (start) { if (isIsoDate(start)) tc.start = start; else issues.push({ path: 'query.time_constraint.start', issue: dateIssue(start) }) }
    if (end) { if (isIsoDate(end)) tc.end = end; else issues.push({ path: 'query.time_constraint.end', issue: dateIssue(end) }) }
    if (tc.start && tc.end && instantMs(tc.start) > instantMs(tc.end)) issues.push({ path: 'query.time_constraint', issue: 'start is after end' })
    if (tc.start || tc.end) timeConstraint = tc
  }

  // Order
  const orderBy: string[] = []
  ;(q.order_by ?? []).forEach((o, i) => {
    const raw = typeof o === 'string' ? o : o.field
    const descFromString = typeof o === 'string' && raw.startsWith('-')
    const fieldName = descFromString ? raw.slice(1) : raw
    const desc = typeof o === 'string' ? descFromString : o.descending === true
    const out = outputNames.get(fieldName.toLowerCase())
    if (!out) {
      issues.push({ path: `query.order_by.${i}`, issue: `"${clipName(fieldName)}" is neither a metric of this query nor one of its group_by items`, suggestions: [...new Set(outputNames.values())].slice(0, 10) })
      return
    }
    const entry = desc ? `-${out}` : out
    if (!orderBy.includes(entry) && !orderBy.includes(desc ? out : `-${out}`)) orderBy.push(entry)
  })

  // Limit
  const maxLimit = opts.maxLimit ?? LIMITS.maxLimit
  let limit: number | undefined
  if (q.limit !== null && q.limit !== undefined) {
    if (q.limit < 1 || q.limit > maxLimit) issues.push({ path: 'query.limit', issue: `limit must be between 1 and ${maxLimit}` })
    else limit = q.limit
  }

  if (issues.length) {
    const text = issues.map((x) => `${x.path}: ${x.issue}${x.suggestions?.length ? ` (did you mean ${x.suggestions.map((s) => `"${s}"`).join(', ')}?)` : ''}`).join('; ')
    throw new InvalidAnswerError(`the plan does not match the catalog: ${text}`, issues)
  }

  const out: SemanticQuery = { metrics: metricNames }
  if (groupBy.length) out.group_by = groupBy
  if (filters.length) out.filters = filters
  if (timeConstraint) out.time_constraint = timeConstraint
  if (orderBy.length) out.order_by = orderBy
  if (limit !== undefined) out.limit = limit
  return out
}

function clipName(s: string): string {
  return s.length > 60 ? s.slice(0, 57) + '...' : s
}

/** A date or timestamp the compiler accepts: years 0001–9999, real days and times, offsets within ±14:00. */
function isIsoDate(s: string): boolean {
  return parseIsoInstant(s).ok
}

function dateIssue(s: string): string {
  const r = parseIsoInstant(s)
  const why = r.ok || r.issue.startsWith('is not') ? '' : `: it ${r.issue}`
  return `"${clipName(s)}" is not an ISO date (YYYY-MM-DD) or timestamp${why}`
}

function instantMs(s: string): number {
  const r = parseIsoInstant(s)
  return r.ok ? r.ms : NaN
}

type Scalar = string | number | boolean
type FilterValue = StructuredFilter['value']

/** Checks (and lightly coerces) a filter value for its operator; returns an error text or the value. */
function checkFilterValue(op: FilterOp, value: unknown, valueType: 'string' | 'number' | 'boolean' | 'time'): { value: FilterValue | undefined } | string {
  // Tagged results, so an error text is never mistaken for a string value.
  const one = (v: unknown): { ok: Scalar } | { err: string } => {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return { err: 'a single value is required' }
    if (valueType === 'number') {
      if (typeof v === 'number') return { ok: v }
      if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return { ok: Number(v) }
      return { err: `"${clipName(String(v))}" is not a number` }
    }
    if (valueType === 'boolean') {
      if (typeof v === 'boolean') return { ok: v }
      if (v === 'true' || v === 'false') return { ok: v === 'true' }
      return { err: `"${clipName(String(v))}" is not true or false` }
    }
    if (valueType === 'time') {
      if (typeof v === 'string' && isIsoDate(v)) return { ok: v }
      return { err: `"${clipName(String(v))}" is not an ISO date` }
    }
    return { ok: v }
  }
  switch (op) {
    case 'is_null':
    case 'is_not_null':
      return { value: undefined }
    case 'in':
    case 'not_in': {
      const arr = Array.isArray(value) ? value : value === null || value === undefined ? [] : [value]
      if (!arr.length) return `"${op}" needs a non-empty list of values`
      const out: Scalar[] = []
      for (const v of arr) { const r = one(v); if ('err' in r) return r.err; out.push(r.ok) }
      return { value: out }
    }
    case 'between': {
      if (!Array.isArray(value) || value.length !== 2) return '"between" needs a list of exactly two values [low, high]'
      const a = one(value[0]); const b = one(value[1])
      if ('err' in a) return a.err
      if ('err' in b) return b.err
      return { value: [a.ok, b.ok] }
    }
    case 'like': {
      if (typeof value !== 'string' || !value) return '"like" needs a non-empty string pattern'
      if (valueType !== 'string') return '"like" applies to text dimensions only'
      return { value }
    }
    default: {
      if (value === null || value === undefined) return `"${op}" needs a value (use "is_null" / "is_not_null" for missing values)`
      if (Array.isArray(value)) return `"${op}" needs a single value (use "in" for a list)`
      const r = one(value)
      if ('err' in r) return r.err
      return { value: r.ok }
    }
  }
}
