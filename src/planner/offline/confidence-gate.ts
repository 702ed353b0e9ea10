// Offline-only mode answers only what it is sure of: a plan below the
// confidence threshold is never run. With no LLM to hand the question to, a
// plan that left words unexplained is refused (422 question_not_understood,
// naming the words); a plan that is complete but unsure (typo readings, a
// value that only partly matches, two readings of one word) is turned into a
// clarification (422 ambiguous_question) whose detail carries the candidate
// interpretations, ready to run.
import type { SemanticQuery } from '../../../semantic/types'
import { PlanningError, type Plan } from '../planner'

export interface Candidate {
  id: string
  /** A short phrase saying what the interpretation computes. */
  phrase: string
  plan: SemanticQuery
}

const MAX_CANDIDATES = 5

/** Returns the plan when it is confident enough, else throws the refusal or the clarification. */
export function gateConfidence<P extends Plan>(plan: P, minConfidence: number): P {
  if (plan.confidence >= minConfidence || plan.kind !== 'semantic') return plan
  const ignored = plan.reasons.map((r) => /^ignored "(.*)"$/.exec(r)?.[1]).filter((w): w is string => w !== undefined)
  const why = `confidence ${plan.confidence.toFixed(2)} is below ${minConfidence}`
  if (ignored.length) {
    throw new PlanningError('question_not_understood', `Could not account for ${ignored.map((w) => `"${w}"`).join(', ')} (${why}); rephrase with the metric, dimension or value it means`,
      ignored.map((w) => detail({ issue: `"${w}" does not match any metric, dimension or value`, confidence: plan.confidence })))
  }
  const alternatives = plan.kind === 'semantic' ? plan.alternatives ?? [] : []
  const candidates: Candidate[] = []
  for (const q of [plan.query, ...alternatives.map((a) => a.query)]) {
    const id = interpretationId(q)
    if (candidates.length < MAX_CANDIDATES && !candidates.some((c) => c.id === id)) candidates.push({ id, phrase: describeQuery(q), plan: q })
  }
  const message = candidates.length > 1
    ? `The question can be read ${candidates.length} ways; pick an interpretation or rephrase`
    : `Not sure what the question means (${why}); confirm an interpretation or rephrase`
  throw new PlanningError('ambiguous_question', message, [detail({
    issue: candidates.length > 1 ? 'several_readings' : 'low_confidence', confidence: plan.confidence, reasons: plan.reasons, candidates,
  })])
}

/**
 * A candidate's id carries its plan (base64url JSON after `int_`), so POST
 * /query can run it as `interpretation` without the server remembering the
 * clarification. Running it is the same as POST /semantic/query with that plan:
 * names are checked by the compiler, and it may not carry raw `where` SQL.
 */
export function interpretationId(q: SemanticQuery): string {
  return `int_${Buffer.from(JSON.stringify(q), 'utf8').toString('base64url')}`
}

const QUERY_KEYS = new Set(['metrics', 'group_by', 'filters', 'time_constraint', 'order_by', 'limit', 'offset_metrics', 'compare', 'share_of_total'])

/** The plan of an interpretation id, or undefined when the id is not one (or carries anything but a structured plan). */
export function decodeInterpretation(id: string): SemanticQuery | undefined {
  if (!/^int_[A-Za-z0-9_-]{1,8000}$/.test(id)) return undefined
  let q: unknown
  try { q = JSON.parse(Buffer.from(id.slice(4), 'base64url').toString('utf8')) } catch { return undefined }
  if (!q || typeof q !== 'object' || Array.isArray(q)) return undefined
  const o = q as Record<string, unknown>
  if (Object.keys(o).some((k) => !QUERY_KEYS.has(k))) return undefined
  if (!Array.isArray(o.metrics) || o.metrics.length === 0 || !o.metrics.every((m) => typeof m === 'string')) return undefined
  if (o.group_by !== undefined && !Array.isArray(o.group_by)) return undefined
  if (o.filters !== undefined && (!Array.isArray(o.filters) || !o.filters.every((f) => f && typeof f === 'object' && typeof (f as { field?: unknown }).field === 'string' && typeof (f as { op?: unknown }).op === 'string'))) return undefined
  if (o.order_by !== undefined && (!Array.isArray(o.order_by) || !o.order_by.every((x) => typeof x === 'string'))) return undefined
  if (o.limit !== undefined && (typeof o.limit !== 'number' || !Number.isInteger(o.limit) || o.limit < 1)) return undefined
  if (o.time_constraint !== undefined && (typeof o.time_constraint !== 'object' || o.time_constraint === null)) return undefined
  return o as unknown as SemanticQuery
}

/** Details travel to the error envelope as they are (ErrorDetail allows extra fields). */
function detail(d: { issue: string; [k: string]: unknown }): { issue: string } {
  return d
}

/** "new_customers" → "new customers"; "store__region" → "region" (the entity path is context, not words). */
function words(name: string): string {
  const last = name.split('__').filter((p) => !['day', 'week', 'month', 'quarter', 'year'].includes(p)).pop() ?? name
  const grain = /__(day|week|month|quarter|year)$/.exec(name)?.[1]
  const text = last === 'metric_time' ? 'time' : last.replace(/_/g, ' ')
  return grain ? (last === 'metric_time' ? grain : `${text} (${grain})`) : text
}

const OP_WORDS: Record<string, string> = { '=': 'is', '!=': 'is not', '>': 'above', '>=': 'at least', '<': 'below', '<=': 'at most', in: 'is one of', not_in: 'is none of', between: 'between', like: 'like', is_null: 'is empty', is_not_null: 'is set' }

/**
 * A candidate in plain words, with each metric's name so the reading is
 * unmistakable: "Customers (customers) where city is New York, 2024-05-01 to 2024-05-31".
 */
export function describeQuery(q: SemanticQuery): string {
  const offsets = new Map((q.offset_metrics ?? []).map((o) => [o.alias, o]))
  const metric = (m: string) => {
    const o = offsets.get(m)
    if (o) return `${words(o.name)} ${o.offset_window ? `${o.offset_window} earlier` : `at the start of the ${o.offset_to_grain}`}`
    return `${words(m)} (${m})`
  }
  const first = q.metrics.map(metric).join(', ')
  const parts = [first.charAt(0).toUpperCase() + first.slice(1)]
  const groups = (q.group_by ?? []).map((g) => (typeof g === 'string' ? g : [g.name, g.grain ?? g.date_part].filter(Boolean).join('__')))
  if (groups.length) parts.push(`by ${groups.map(words).join(' and ')}`)
  const filters = (q.filters ?? []).map((f) => `${words(f.field)} ${OP_WORDS[f.op] ?? f.op}${f.value === undefined ? '' : ` ${Array.isArray(f.value) ? f.value.join(' | ') : String(f.value)}`}`)
  if (filters.length) parts.push(`where ${filters.join(' and ')}`)
  const t = q.time_constraint
  if (t && (t.start || t.end)) parts.push(`${t.start ?? 'the start'} to ${t.end ?? 'now'}`)
  if (q.compare) parts.push(`compared with ${q.compare.offset_window} earlier`)
  if (q.share_of_total) parts.push('as a share of the total')
  if (q.order_by?.length) parts.push(`ordered by ${q.order_by.map((o) => (o.startsWith('-') ? `${words(o.slice(1))} (highest first)` : words(o))).join(', ')}`)
  if (q.limit !== undefined) parts.push(`first ${q.limit}`)
  return parts.join(', ')
}
