// "mrr of the cheapest plan" was answered as the plan with the least MRR, "no show rate of the busiest
// clinic" as the clinic with the highest no-show rate: a superlative naming a quality of the ranked thing
// (its price, how busy or how big it is) was read as a rank by whatever metric the question asked for.
// Plain rank words ("top", "best", "highest", "most") rank by the metric; a quality word does so only
// when the metric can measure that quality: a price word needs a metric said to be a price, cost, fee,
// rate or charge; a word of activity or size needs a metric that adds up (a count or a sum), never a
// ratio or an average. A superlative said of the metric itself ("the longest average wait") is not doubted.
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'
import type { Mention } from './interpret/draft'
import { metricAggregation } from './word-readings'
import { plainWords as words } from './normalize'

const PRICE = new Set(['cheapest', 'priciest', 'costliest', 'expensive'])
const ACTIVITY_OR_SIZE = new Set(['busiest', 'quietest', 'largest', 'biggest', 'smallest', 'heaviest', 'lightest', 'longest', 'shortest', 'slowest', 'fastest'])
const AGG_WORDS = new Set(['average', 'avg', 'mean', 'median', 'total'])
const PRICE_WORDS = /\b(price|prices|priced|cost|costs|fee|fees|rate|rates|charge|charges|tariff)\b/i


/** Why the ranking metric does not measure the quality a superlative names, or undefined. */
export function qualitySuperlative(metrics: Mention[], question: string, query: SemanticQuery, idx: CatalogIndex): string | undefined {
  if (query.limit === undefined || !query.order_by?.length) return undefined
  const ranked = query.order_by[0].replace(/^-/, '')
  if (!query.metrics.includes(ranked)) return undefined
  const own = new Set(metrics.flatMap((m) => words(m.text)))
  const said = words(question)
  for (let i = 0; i < said.length; i++) {
    const w = said[i]
    if (!PRICE.has(w) && !ACTIVITY_OR_SIZE.has(w)) continue
    // "the longest average wait", "the largest sales": said of the metric, which it then ranks
    let next = i + 1
    while (AGG_WORDS.has(said[next] ?? '')) next++
    if (own.has(said[next] ?? '')) continue
    const def = idx.metrics.get(ranked)
    if (PRICE.has(w)) {
      if (PRICE_WORDS.test(`${ranked.replace(/_/g, ' ')} ${def?.description ?? ''}`)) continue
      return `"${w}" ranks by price, which ${ranked} does not measure`
    }
    if (metricAggregation(ranked, idx) === 'additive') continue
    return `"${w}" ranks by how busy or big each one is, which ${ranked} (not a count or a sum) does not measure`
  }
  return undefined
}
