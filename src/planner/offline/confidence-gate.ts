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

/** Returns the plan when it is confident enough, else throws the refusal or the clarification. */
export function gateConfidence<P extends Plan>(plan: P, minConfidence: number): P {
  if (plan.confidence >= minConfidence || plan.kind !== 'semantic') return plan
  const ignored = plan.reasons.map((r) => /^ignored "(.*)"$/.exec(r)?.[1]).filter((w): w is string => w !== undefined)
  const why = `confidence ${plan.confidence.toFixed(2)} is below ${minConfidence}`
  if (ignored.length) {
    throw new PlanningError('question_not_understood', `Could not account for ${ignored.map((w) => `"${w}"`).join(', ')} (${why}); rephrase with the metric, dimension or value it means`,
      ignored.map((w) => detail({ issue: `"${w}" does not match any metric, dimension or value`, confidence: plan.confidence })))
  }
  const candidates: Candidate[] = [{ id: interpretationId(plan.query), phrase: describeQuery(plan.query), plan: plan.query }]
  throw new PlanningError('ambiguous_question', `Not sure what the question means (${why}); confirm an interpretation or rephrase`, [detail({
    issue: 'low_confidence', confidence: plan.confidence, reasons: plan.reasons, candidates,
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

const QUERY_KEYS = new Set(['metrics', 'group_by', 'filters', 'time_constraint', 'order_by', 'limit'])

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

/** "total_sales by store__region where order__channel = Online, 2024-05-01 to 2024-05-31". */
export function describeQuery(q: SemanticQuery): string {
  const parts = [q.metrics.join(', ')]
  const groups = (q.group_by ?? []).map((g) => (typeof g === 'string' ? g : [g.name, g.grain ?? g.date_part].filter(Boolean).join('__')))
  if (groups.length) parts.push(`by ${groups.join(', ')}`)
  const filters = (q.filters ?? []).map((f) => `${f.field} ${f.op} ${Array.isArray(f.value) ? f.value.join(' | ') : String(f.value)}`)
  if (filters.length) parts.push(`where ${filters.join(' and ')}`)
  const t = q.time_constraint
  if (t && (t.start || t.end)) parts.push(`${t.start ?? '…'} to ${t.end ?? '…'}`)
  if (q.order_by?.length) parts.push(`ordered by ${q.order_by.join(', ')}`)
  if (q.limit !== undefined) parts.push(`limit ${q.limit}`)
  return parts.join(', ')
}
