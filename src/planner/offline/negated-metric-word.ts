// "no show rate by trainer" read as `show_rate`: "no" was passed over as a grammar word, and the
// plan answers the opposite of the question. A "no", "non" or "not" written right before the
// words that named a metric turns them into another thing (a no-show, a non-member), which the
// metric does not measure: the plan is a doubt, not an answer. "no. of bookings" ("number of")
// is not this: "of" stands between. "without" (and "w/o") before the metric's words asks for the rows with
// none of it ("products without sales"), which a plan of the rows that have some does not list.
import type { Draft } from './interpret'

export function negatedMetricDoubt(draft: Draft, question: string): string | undefined {
  for (const m of draft.metrics) {
    const first = m.text.trim().split(/[\s_-]+/)[0]
    if (!first) continue
    // "non-instant bookings": the negated word is a value of its own (instant = false), read as such
    if (draft.values.some((v) => v.text.toLowerCase().split(/[\s_-]+/).includes(first.toLowerCase()))) continue
    const escaped = first.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    // "products without sales": the rows that have none of the metric, which a plan of the rows that have some cannot list
    const hit = new RegExp(`\\b(no|non|not|without)[\\s-]+${escaped}\\b`, 'i').exec(question)
    if (hit) return `"${hit[1]}" stands right before "${m.text}": the question may ask for its opposite, which ${m.hits[0]?.target.name ?? 'the metric'} does not measure`
  }
  return undefined
}
