// "subscribers with a dropped call", "policyholders with a claim", "students with an outstanding balance":
// "with a/an X" after a plural says which of them are counted (those having an X), never a second number
// beside theirs. Read word by word, X names its own metric, and the plan lists both counts side by side or,
// where the first noun is read as the owner of X's metric, answers X's total for everyone. The layer has
// no "those having one" count, so neither is the question: not confident. English only.
import type { SemanticQuery } from '../../../semantic/types'
import type { Draft } from './interpret'
import type { Item } from './segment'

const HAVING = new Set(['with', 'having', 'has', 'have', 'had'])
const ARTICLES = new Set(['a', 'an', 'any', 'one'])

const word = (it: Item | undefined) => (it?.kind === 'word' ? it.text.toLowerCase() : undefined)

/** Why "with a X" naming a planned metric does not ask for that metric, or undefined. */
export function withArticleNoun(draft: Draft, items: Item[], query: SemanticQuery): string | undefined {
  for (const m of draft.metrics) {
    const h = m.hits[0]
    if (!h || h.target.kind !== 'metric' || !query.metrics.includes(h.target.name)) continue
    const article = word(items[m.at - 1])
    if (!article || !ARTICLES.has(article) || !HAVING.has(word(items[m.at - 2]) ?? '')) continue
    return `"${word(items[m.at - 2])} ${article} ${m.text}" says which ones are counted (those having one), not a second number`
  }
  return undefined
}
