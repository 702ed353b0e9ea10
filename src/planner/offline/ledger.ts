// The word ledger: every content word of the question is used (metric,
// dimension, value, time, operator) or is a known function word. interpret()
// leaves the words it could not place in `draft.unknown`; each one left there
// makes the answer not confident (planOffline multiplies confidence by 0.6 per
// word, which is below the threshold, so offline-only mode refuses). Here the
// words that are accounted for after all are taken off that list:
// - function words that carry no meaning of their own ("using", "ones");
// - a noun that repeats a name already used ("savings accounts" after the
//   metric account_balance and the filter account__account_type);
// - the verb of the one event a metric is dated by ("members enrolled this year"
//   where member_count reaches only `enroll_dt`): it says what the time range is on.
import type { CatalogIndex } from './catalog-index'
import type { Draft } from './interpret'

/** Relative pronouns: the verb after one describes the rows counted. */
const RELATIVE = new Set(['who', 'that', 'which'])

/** Words that only glue a question together (beyond the lexicon's filler). */
const FUNCTION_WORDS = new Set(['using', 'via', 'through', 'ones', 'one', 'between', 'among', 'across', 'respectively', 'please', 'thanks'])

export function accountForWords(draft: Draft, idx?: CatalogIndex): void {
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
    // "members who enrolled in May": a relative pronoun before the dating verb introduces no filter
    if (u.afterMarker !== undefined && !(RELATIVE.has(u.afterMarker) && datingVerbOf(draft, idx, w))) return true
    const singular = w.endsWith('ies') ? `${w.slice(0, -3)}y` : w.endsWith('s') ? w.slice(0, -1) : w
    if (used.has(w) || used.has(singular)) {
      draft.notes.push(`"${u.text}" repeats a name already used`)
      return false
    }
    const dated = datingVerbOf(draft, idx, w)
    if (dated) {
      draft.notes.push(`"${u.text}" is the event ${dated} dates the metric by`)
      return false
    }
    return true
  })
}

/**
 * The time dimension a past-tense verb names when every metric of the draft reaches exactly one
 * time dimension (so it is the one the metric is dated by) and that dimension's column or
 * description holds the verb's stem: "enrolled" for `enroll_dt` ("Day the guest enrolled"),
 * "opened" for `open_date`. A metric dated by several events ("bookings" by booking, arrival
 * and departure day) leaves the verb unread: the range might be meant on another of them.
 */
function datingVerbOf(draft: Draft, idx: CatalogIndex | undefined, word: string): string | undefined {
  if (!idx) return undefined
  // a value word that also names a metric ("members" for the tier Member) becomes the metric later
  const named = draft.metrics.length ? draft.metrics.map((m) => m.hits[0]) : draft.values.flatMap((v) => (v.metricHits?.length ? [v.metricHits[0]] : []))
  // "hired" keeps a three-letter base ("hir" + e); the stems below are at least four letters
  if (!/^[a-z]{3,}ed$/.test(word) || named.length === 0) return undefined
  const base = word.slice(0, -2)
  // "enrolled" → enroll / enrol, "opened" → open, "closed" → close
  const stems = [...new Set([base, `${base}e`, /(.)\1$/.test(base) ? base.slice(0, -1) : base])].filter((x) => x.length >= 4)
  let dim: string | undefined
  for (const h of named) {
    const target = h?.target
    if (target?.kind !== 'metric') return undefined
    const times = target.metric.dimensions.filter((d) => idx.dimensions.get(d)?.type === 'time' && !d.startsWith('metric_time'))
    if (times.length !== 1 || (dim && dim !== times[0])) return undefined
    dim = times[0]
  }
  const d = dim ? idx.dimensions.get(dim) : undefined
  if (!d) return undefined
  const text = `${d.name.split('__').pop()} ${d.description ?? ''}`.toLowerCase()
  const own = text.split(/[^a-z]+/)
  return own.some((x) => stems.some((st) => x.startsWith(st))) ? d.name : undefined
}
