// "number of claims adjusters" was answered as the claim count by adjuster: a count phrase ("number of",
// "how many", "count of") governs the noun phrase after it, and that phrase's last word is the thing
// counted ("claims adjusters" are adjusters). When that word is a plural the plan reads as a breakdown
// (its grouping's entity or column names it) and no planned metric names it, the plan counts something
// else per those things, not how many of them there are. "number of claims by adjuster" ends the phrase
// at "by": the claims are counted, per adjuster, as asked.
import type { SemanticQuery } from '../../../semantic/types'
import { nameStems, stem } from './normalize'

const COUNT_PHRASE = /\b(?:number of|num of|no\.? of|count of|how many|# of)\s+([a-z0-9' -]+)/i
/** Words that end the counted noun phrase: structure words, time words, verbs of a relative clause. */
const PHRASE_END = new Set(['by', 'per', 'for', 'in', 'at', 'on', 'with', 'without', 'from', 'during', 'last', 'this', 'next', 'over', 'across', 'since', 'between', 'before', 'after', 'who', 'that', 'which', 'where', 'are', 'were', 'is', 'was', 'did', 'do', 'does', 'have', 'has', 'and', 'or', 'vs', 'to', 'of', 'each', 'ytd', 'mtd', 'qtd'])

/** Why the plan does not count the thing a count phrase counts, or undefined. */
export function countedEntityDoubt(question: string, query: SemanticQuery): string | undefined {
  const said = COUNT_PHRASE.exec(question.toLowerCase())
  if (!said || !query.group_by?.length || query.metrics.length === 0) return undefined
  const phrase: string[] = []
  for (const w of said[1].split(/\s+/).filter(Boolean)) {
    if (PHRASE_END.has(w) || /^\d/.test(w)) break
    phrase.push(w)
  }
  // one word is the metric's own noun ("number of claims"): only a compound hides another counted thing
  if (phrase.length < 2) return undefined
  const last = phrase[phrase.length - 1]
  if (!/s$/.test(last)) return undefined
  const counted = stem(last)
  if (query.metrics.some((m) => nameStems(m).includes(counted))) return undefined
  const grouped = query.group_by.some((g) => {
    const name = typeof g === 'string' ? g : g.name
    return name.split('__').some((part) => nameStems(part).includes(counted))
  })
  if (!grouped) return undefined
  return `"${said[0].trim()}" counts ${last}, which no planned metric counts; the plan counts ${query.metrics.join(', ')} per ${last.replace(/s$/, '')}`
}
