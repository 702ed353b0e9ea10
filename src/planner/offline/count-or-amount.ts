// "charges by type" over `chg_cnt` (a count of charges) beside `chg_amt` ("Amount charged in USD."):
// the bare plural of a thing that carries money names the count only because the count is the metric
// counted over that thing; "charges" as readily means the money charged, and the other way round where
// the amount's description named it ("Fees billed in USD." for "fees"). Where the question gives no count
// word ("number of", "how many", "count") and two metrics share a name word, one with a count word and one
// with an amount word, both readings are the layer's own and the plan is asked back; unless the metric
// planned is named by the word in the layer itself (`chargeback_count` is "chargebacks" by its own name).
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'
import type { Mention } from './interpret/draft'
import { nameStems } from './normalize'

const COUNT_WORDS = new Set(['count', 'number', 'many', 'cnt', 'num', '#', 'times'])
/** Readings where the layer itself names the metric by the word. */
const NAMED = new Set(['name', 'short name', 'label', 'synonym'])
const AMOUNT_WORDS = new Set(['amount', 'amt', 'value', 'usd', 'dollar', 'sum'])

export function countOrAmount(metrics: Mention[], question: string, query: SemanticQuery, idx: CatalogIndex): string | undefined {
  const said = question.toLowerCase().split(/[^a-z#]+/)
  if (said.some((w) => COUNT_WORDS.has(w))) return undefined
  // one metric word, one metric planned (another reading may have swapped the mention's own metric for the pair's other)
  if (metrics.length !== 1 || query.metrics.length !== 1 || metrics[0].text.trim().includes(' ')) return undefined
  const planned = query.metrics[0]
  // "chargebacks" for `chargeback_count`: the layer's own name, less its count word, is no guess
  if (metrics[0].hits.some((h) => h.target.name === planned && NAMED.has(h.source))) return undefined
  const stems = nameStems(planned)
  const isCount = stems[1] === 'count'
  if (stems.length !== 2 || (!isCount && !AMOUNT_WORDS.has(stems[1]))) return undefined
  // the other of the pair: the amount beside a count, the count beside an amount
  const sibling = [...idx.metrics.values()].find((o) => {
    const os = nameStems(o.name)
    return o.name !== planned && os.length === 2 && os[0] === stems[0] && (isCount ? AMOUNT_WORDS.has(os[1]) : os[1] === 'count')
  })
  if (!sibling) return undefined
  const [many, much] = isCount ? [planned, sibling.name] : [sibling.name, planned]
  return `"${metrics[0].text}" may mean how many (${many}) or how much (${much})`
}
