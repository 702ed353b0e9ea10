// "open tickets" over `tickets` ("Number of support tickets opened.") was answered with every ticket ever
// opened: "open" before the noun says the state each ticket is in now, not the act the metric counts, but
// as a verb form of the description's "opened" it was taken as restating the metric. Stated in English
// and catalog terms: a word right before the metric's noun that is not itself a word of the description,
// only the base of one of its past forms, describes a state the layer does not filter on, so the plan is
// doubted. The past form ("opened tickets", "tickets opened") and a word read as a value filter stay.
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'
import type { Mention } from './interpret/draft'
import { definingPhrase, descriptionSaysVerb } from './description-verbs'
import { plainWords as words } from './normalize'


/** Why a state word before the metric's noun is not what the metric counts, or undefined. */
export function stateAdjective(metrics: Mention[], question: string, query: SemanticQuery, idx: CatalogIndex): string | undefined {
  const said = words(question)
  const filtered = new Set((query.filters ?? []).map((f) => String(f.value).toLowerCase()))
  for (const m of metrics) {
    const h = m.hits[0]
    if (!h || h.target.kind !== 'metric' || !query.metrics.includes(h.target.name)) continue
    const description = definingPhrase(idx.metrics.get(h.target.name)?.description)
    const own = new Set(words(description ?? ''))
    const first = words(m.text)[0]
    for (let i = 0; i + 1 < said.length; i++) {
      const w = said[i]
      if (said[i + 1] !== first || own.has(w) || filtered.has(w)) continue
      if (descriptionSaysVerb(w, description)) return `"${w} ${first}" says a state of each one, not the act ${h.target.name} counts`
    }
  }
  return undefined
}
