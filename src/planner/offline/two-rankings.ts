// "top 5 stores by sales and bottom 5 by aov", "top 5 brands and top 5 categories by sales": two rankings typed
// as one question. A plan keeps one set of rows under one limit, so it answered one list sorted both ways, or the
// best pairs of brand and category. Two ranking words each with its own count, or a plan sorted by two metrics in
// opposite directions under a limit, is a doubt.
import type { SemanticQuery } from '../../../semantic/types'

const COUNTED_RANK = /\b(?:top|bottom|best|worst|highest|lowest|first|last)\s+\d+\b/gi

/** Why the plan may merge two rankings into one, or undefined. */
export function twoRankings(text: string, query: SemanticQuery): string | undefined {
  const ranks = text.match(COUNTED_RANK) ?? []
  if (ranks.length >= 2 && query.limit !== undefined) return `the question asks for two rankings ("${ranks[0]}", "${ranks[1]}"); one plan keeps one set of rows`
  const keys = (query.order_by ?? []).filter((k) => query.metrics.includes(k.replace(/^-/, '')))
  if (query.limit !== undefined && keys.some((k) => k.startsWith('-')) && keys.some((k) => !k.startsWith('-'))) {
    return `the plan keeps ${query.limit} rows sorted by ${keys.join(' and ')}, two metrics in opposite directions; each was likely its own ranking`
  }
  return undefined
}
