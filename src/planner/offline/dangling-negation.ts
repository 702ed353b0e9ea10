// "how many visits did not happen", "how many patients did not show up": the negation's verb is a word
// the planner knows and passes over ("happen", "show"), so "not" negated nothing and the plan counted
// every visit, every patient, confidently: the opposite of the question. Where the question says a
// negation and nothing in the plan is negated (no excluded value, no false flag), the plan did not read
// it. English only.
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'

/** "not", "never", "didn't": a negation (not "no" of "no-show", nor "not only"). */
const NEGATION = /\b(?:not(?!\s+only\b)|never|(?:did|does|do|was|were|is|are|has|have|had)n['’]?t)\b/i

/** A metric that is itself a negation: "Visits the patient did not arrive for", `no_show_count`. */
const NEGATIVE_METRIC = /\b(?:not|never|no|non|without|[a-z]+n['’]t)\b/i

/** Why a negation of the question went unread, or undefined. */
export function danglingNegation(question: string, query: SemanticQuery, idx: CatalogIndex): string | undefined {
  const m = NEGATION.exec(question)
  if (!m) return undefined
  const negated = (query.filters ?? []).some((f) => f.op === '!=' || f.op === 'not_in' || f.value === false)
    || query.metrics.some((name) => NEGATIVE_METRIC.test(name.replace(/_/g, ' ')) || NEGATIVE_METRIC.test(idx.metrics.get(name)?.description ?? ''))
  return negated ? undefined : `"${m[0]}" negates nothing the plan reads`
}
