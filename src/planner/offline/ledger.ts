// The word ledger: every content word of the question is used (metric,
// dimension, value, time, operator) or is a known function word. interpret()
// leaves the words it could not place in `draft.unknown`; each one left there
// makes the answer not confident (planOffline multiplies confidence by 0.6 per
// word, which is below the threshold, so offline-only mode refuses). Here the
// words that are accounted for after all are taken off that list:
// - function words that carry no meaning of their own ("using", "ones");
// - a noun that repeats a name already used ("savings accounts" after the
//   metric account_balance and the filter account__account_type).
import type { Draft } from './interpret'

/** Words that only glue a question together (beyond the lexicon's filler). */
const FUNCTION_WORDS = new Set(['using', 'via', 'through', 'ones', 'one', 'between', 'among', 'across', 'respectively', 'please', 'thanks'])

export function accountForWords(draft: Draft): void {
  if (draft.unknown.length === 0) return
  const used = new Set<string>()
  for (const m of [...draft.metrics, ...draft.groups, ...draft.values]) {
    const h = m.hits[0]
    if (!h) continue
    for (const w of h.target.name.toLowerCase().split(/__|_/)) if (w.length >= 3) used.add(w)
  }
  draft.unknown = draft.unknown.filter((u) => {
    const w = u.text.toLowerCase()
    if (FUNCTION_WORDS.has(w)) return false
    if (u.afterMarker !== undefined) return true
    const singular = w.endsWith('ies') ? `${w.slice(0, -3)}y` : w.endsWith('s') ? w.slice(0, -1) : w
    if (used.has(w) || used.has(singular)) {
      draft.notes.push(`"${u.text}" repeats a name already used`)
      return false
    }
    return true
  })
}
