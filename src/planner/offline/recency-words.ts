// "latest visit", "latest mrr", "the most recent order" were answered with the count or sum over all
// time: the word that asks for the most recent row or period was passed over as filler (and once read
// as "late", the start of another metric's name). A plan over all time does not answer what was asked,
// so such a word with no period in the plan is a doubt. Stated in English only: a period said with it
// ("last month") gives the plan its time range, and an order phrase ("latest first", "newest to oldest")
// sorts rather than picks, so neither is doubted; nor is "last" closing a comparison ("this year vs last").
import type { SemanticQuery } from '../../../semantic/types'
import { plainWords as words } from './normalize'

/** Words that pick the most recent (or earliest) row or period. */
const RECENCY = new Set(['latest', 'newest', 'recent', 'recently', 'lately', 'last', 'earliest'])
/** Words after a recency word that make it an order phrase ("latest first", "newest to oldest"). */
const ORDER_AFTER = new Set(['first', 'last', 'to', 'on', 'at'])
/** Words before "last" that make it the second half of a comparison ("this year vs last"). */
const COMPARED_BEFORE = new Set(['vs', 'versus', 'than', 'and', 'or', 'v'])


/** Why the plan does not answer a recency word of the question, or undefined. */
export function recencyWithoutPeriod(question: string, query: SemanticQuery): string | undefined {
  const tc = query.time_constraint
  if (tc && (tc.start || tc.end)) return undefined
  if (query.compare || query.offset_metrics?.length) return undefined
  const said = words(question)
  for (let i = 0; i < said.length; i++) {
    const w = said[i]
    if (!RECENCY.has(w)) continue
    if (ORDER_AFTER.has(said[i + 1] ?? '')) continue
    if (w === 'last' && (i === said.length - 1 || COMPARED_BEFORE.has(said[i - 1] ?? ''))) continue
    return `"${w}" asks for the most recent row or period, but the plan covers all time`
  }
  return undefined
}
