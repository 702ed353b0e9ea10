// "how many products sold" was answered with total sales by product: "how many" (or "number of") asks
// for a count, and every metric of the plan is a sum of money, so the number answered is not the number
// asked for. Stated in English and catalog terms: a count phrase, no money word in the question, and each
// planned metric described in a currency (US dollars, USD, euros...) make the plan doubtful.
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'

const CURRENCY = /\b(?:us dollars?|dollars?|usd|eur|euros?|gbp|pounds sterling|currency)\b|\$/i
const MONEY_SAID = /\$|\b(?:dollars?|usd|eur|euros?|money|much|revenue|amount|sales|spend|spent|worth|value)\b/i
const COUNT_PHRASE = /\bhow many\b|\bnumber of\b|\bcount of\b/i

/** Why money answers a question asking how many, or undefined. */
export function countAskedMoneyPlanned(question: string, query: SemanticQuery, idx: CatalogIndex): string | undefined {
  if (!COUNT_PHRASE.test(question) || MONEY_SAID.test(question) || query.metrics.length === 0) return undefined
  if (!query.metrics.every((m) => CURRENCY.test(idx.metrics.get(m)?.description ?? ''))) return undefined
  return `"${COUNT_PHRASE.exec(question)![0]}" asks for a count, but ${query.metrics.join(', ')} ${query.metrics.length > 1 ? 'are sums' : 'is a sum'} of money`
}
