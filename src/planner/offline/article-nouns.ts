// "average days to fill a requisition, by priority", "average days to pay an invoice": a singular noun
// after "a" or "an" is one thing the other metric's phrase talks about, never a request for a count of
// them (that would be "requisitions", "the number of invoices"). Read word by word, the noun adds the
// entity's count as a second metric. Where another metric is asked for and its own description speaks
// of the noun, the noun is part of that metric's phrase and leaves the plan.
import type { Draft } from './interpret'
import type { Item } from './segment'
import { stem } from './normalize'

/** Sources that read a metric's whole name: such a mention is asked for, whatever stands before it. */
const WHOLE_NAME_SOURCES = new Set(['name', 'label', 'synonym'])

/** Drops metrics named by a singular noun after an indefinite article; returns the note, if it did. */
export function articleNounMetrics(draft: Draft, items: Item[]): string | undefined {
  if (draft.metrics.length < 2) return undefined
  for (const m of draft.metrics) {
    const before = items[m.at - 1]
    const h = m.hits[0]
    if (before?.kind !== 'word' || !['a', 'an'].includes(before.text.toLowerCase()) || /s$/i.test(m.text) || m.text.includes(' ')) continue
    if (!h || h.target.kind !== 'metric' || WHOLE_NAME_SOURCES.has(h.source)) continue
    const noun = stem(m.text)
    const others = draft.metrics.filter((x) => x !== m && x.hits[0]?.target.kind === 'metric')
    const speaks = others.some((x) => {
      const t = x.hits[0]!.target
      return t.kind === 'metric' && (t.metric.description ?? '').toLowerCase().split(/[^a-z]+/).some((w) => w && stem(w) === noun)
    })
    if (!speaks) continue
    draft.metrics = draft.metrics.filter((x) => x !== m)
    return `"${before.text} ${m.text}" is what ${others.map((x) => x.hits[0]!.target.name).join(', ')} speaks of, not a count of ${m.text}s`
  }
  return undefined
}
