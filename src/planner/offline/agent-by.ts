// "amount paid by patients" was answered as `total_paid_amount` by patient, though the metric is described
// as the "Amount paid by payers on claims": after a verb, "by" names who did it, not a breakdown, and the
// layer says someone else did. Stated in catalog terms only: when a planned metric's description says
// "<verb> by <someone>" and the question says the same verb "by" another noun, the plan is doubted.
// The same agent ("paid by payer") or a "by" after no such verb is left alone.
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'
import { plainWords as words } from './normalize'

/** Past participles that do not end in -ed: a "by" after a participle names who did it. */
const IRREGULAR = new Set(['paid', 'made', 'sold', 'held', 'done', 'given', 'taken', 'sent', 'won', 'written', 'seen', 'brought', 'bought', 'spent', 'lost', 'kept', 'run', 'set', 'put', 'built', 'driven', 'chosen', 'shown', 'told'])
const participle = (w: string) => IRREGULAR.has(w) || (w.length > 4 && w.endsWith('ed'))
const stem = (w: string) => w.replace(/(ies|es|s)$/, '')

/** Why a "<verb> by <noun>" of the question contradicts who the metric's description says did it, or undefined. */
export function agentBy(question: string, query: SemanticQuery, idx: CatalogIndex): string | undefined {
  const said = words(question)
  for (const name of query.metrics) {
    const desc = words(idx.metrics.get(name)?.description ?? '')
    for (let d = 1; d + 1 < desc.length; d++) {
      if (desc[d] !== 'by') continue
      const verb = desc[d - 1]
      const agent = desc[d + 1]
      if (!participle(verb) || agent === 'the' || agent === 'a') continue
      for (let i = 1; i + 1 < said.length; i++) {
        if (said[i] !== 'by' || said[i - 1] !== verb) continue
        const other = said[i + 1] === 'the' ? said[i + 2] : said[i + 1]
        if (!other || stem(other) === stem(agent)) continue
        return `"${verb} by ${other}": ${name} is described as ${verb} by ${agent}`
      }
    }
  }
  return undefined
}
