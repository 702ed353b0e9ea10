// "refunded invoices by region" over `invoice_count` beside a `refunds` metric: the participle read as a
// metric word of its own, two metric words side by side were taken for one noun phrase, and the modifier
// was dropped as a mere qualifier of the head. A participle before a noun narrows what is counted (the
// refunded ones), so answering every invoice is confidently wrong unless the planned metric itself says
// the participle (its name or description: "Number of settled transactions" for "settled transactions").
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'
import type { Draft } from './interpret'
import type { Item } from './segment'
import { nameStems, stem } from './normalize'

const PARTICIPLE = /^[a-z]{3,}ed$/i

/** Why a dropped participle before the planned metric's word narrows it, or undefined. */
export function droppedParticiple(draft: Draft, items: Item[], query: SemanticQuery, idx: CatalogIndex): string | undefined {
  for (const m of draft.metrics) {
    const h = m.hits[0]
    if (!h || h.target.kind !== 'metric' || !query.metrics.includes(h.target.name)) continue
    const before = items[m.at - 1]
    if (before?.kind !== 'match' || before.text.includes(' ') || !PARTICIPLE.test(before.text)) continue
    // read as a value ("cancelled visits") or a metric of its own, it is in the plan
    if (!before.hits.some((x) => x.target.kind === 'metric') || draft.values.some((v) => v.at === m.at - 1)) continue
    if (draft.metrics.some((x) => x.at === m.at - 1)) continue
    const word = stem(before.text.toLowerCase())
    const own = [...nameStems(h.target.name), ...nameStems(idx.metrics.get(h.target.name)?.description ?? '')]
    if (own.includes(word)) continue
    return `"${before.text}" narrows "${m.text}", but ${h.target.name} counts them all`
  }
  return undefined
}
