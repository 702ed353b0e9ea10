// "merchants with more than 100 chargebacks": a threshold on one metric, and
// before "with" a word that also reads as a count metric (`merchant_count`).
// The word names what is listed (merchants, each with its chargebacks), not a
// second number to add beside the first: answering with two metrics and one
// filter is a confident plan of another question, so it is offered, not run.
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'

const SUBJECT_JOIN = /\b(?:with|having|that have|that had|where)\b/i

/** A reason to doubt a plan whose extra metric stands where the listed subject would be, else undefined. */
export function thresholdSubjectDoubt(query: SemanticQuery, idx: CatalogIndex, question: string): string | undefined {
  const thresholds = (query.filters ?? []).filter((f) => idx.metrics.has(f.field))
  if (thresholds.length === 0 || query.metrics.length < 2 || !SUBJECT_JOIN.test(question)) return undefined
  const bare = query.metrics.filter((m) => !thresholds.some((f) => f.field === m))
  if (bare.length === 0) return undefined
  return `${bare.join(', ')} may name what is listed rather than a second number beside the threshold on ${thresholds.map((f) => f.field).join(', ')}`
}
