// "avg sales by month" read as `average_order_value`, whose synonym is "average sale": matching folds "sales" onto
// "sale", but as written the plural is the layer's own word for another metric (`total_sales` is "sales"), so
// "average sales" reads as well as the average of the sales (by month, by store) as one sale's average. A metric
// named only by writing the last word of its singular name in the plural, where the plural as written names
// another metric, is a doubt; the name written as the layer writes it ("avg sale") is not.
import type { CatalogIndex } from './catalog-index'
import type { Draft } from './interpret/draft'
import { stem } from './normalize'

const lastWord = (s: string) => s.toLowerCase().split(/[\s_-]+/).filter(Boolean).pop() ?? ''

/** Why a metric matched through a name whose last word the question wrote in another number may be another metric, or undefined. */
export function nameNumberDoubt(draft: Draft, idx: CatalogIndex): string | undefined {
  for (const m of draft.metrics) {
    const target = m.hits[0]?.target
    if (target?.kind !== 'metric') continue
    const written = lastWord(m.text)
    const key = stem(written)
    // only a plural written for a singular name ("sales" for "sale"): a singular before "count" ("lux listing
    // count") is how English names a count of the plural
    if (key === written) continue
    const names = [target.name, target.metric.label ?? '', ...(target.metric.synonyms ?? [])].map(lastWord).filter((w) => stem(w) === key)
    if (names.length === 0 || names.includes(written)) continue
    const other = (idx.terms.get(key) ?? []).find((h) => h.target.kind === 'metric' && h.target.name !== target.name)
    if (!other) continue
    return `"${m.text}" names ${target.name} only with "${written}" read as "${names[0]}"; as written "${written}" is ${other.target.name}`
  }
  return undefined
}
