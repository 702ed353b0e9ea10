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
//   where member_count reaches only `enroll_dt`): it says what the time range is on;
// - a verb the metric's own description says ("accounts created" for "Number of accounts created").
import type { CatalogIndex } from './catalog-index'
import type { Draft } from './interpret'
import { definingPhrase, descriptionSays, descriptionSaysVerb } from './description-verbs'
import { descriptionForCode } from './legend-other-codes'
import { nameStems, stem } from './normalize'
import { ownsWords } from './resolve'

/** Relative pronouns: the verb after one describes the rows counted. */
const RELATIVE = new Set(['who', 'that', 'which'])

/** A copula or relative pronoun before a verb: "were opened", "that churned". */
const PASSIVE_MARKERS = new Set(['were', 'was', 'is', 'are', 'be', 'been', 'being', 'got', 'get', 'who', 'that', 'which'])

/** Units a metric's name may end in: "in minutes", "in years" restate it. General English. */
const UNITS = new Set(['minute', 'hour', 'day', 'week', 'month', 'year', 'second', 'dollar', 'usd', 'percent', 'pct', 'night', 'mile', 'kilometer', 'km'])

/**
 * Everyday words for "how many" in any domain: "visit volume" and "visit count" ask the same of a count.
 * Only beside counts: of an amount ("sales volume") the word may mean the sum.
 */
const COUNT_WORDS = new Set(['volume', 'volumes', 'count', 'counts', 'number', 'numbers', 'tally', 'quantity'])
/** Count words that also name a measure of units or money ("quantity" of `shp_qty`, "volume" of `orig_vol`). */
const MEASURE_WORDS = new Set(['volume', 'volumes', 'quantity'])

/**
 * Whether the layer names a measure of the same rows by the word: a metric over the same table as a planned one
 * (the same dimensions) whose name ends in it or its clip (`shp_qty` beside `shp_cnt`). One over other rows
 * (`orig_vol` of loans beside the applications' `appl_cnt`: "app volume") leaves the word a count's echo.
 */
function namesMeasure(word: string, idx: CatalogIndex | undefined, planned: string[]): boolean {
  if (!MEASURE_WORDS.has(word) || !idx) return false
  const w = stem(word)
  const tables = planned.map((p) => idx.metrics.get(p)?.dimensions.join(' '))
  return [...idx.metrics.values()].some((m) => {
    const last = nameStems(m.name).pop() ?? ''
    return !planned.includes(m.name) && tables.includes(m.dimensions.join(' ')) && (last === w || (last.length >= 3 && w.startsWith(last)))
  })
}

/** Whether a metric counts rows: its name says count, or its description opens with "Number of". */
function isCount(metric: { name: string; description?: string }): boolean {
  return /(?:^|_)(?:count|cnt|num|nbr)(?:_|$)/i.test(metric.name) || /^\s*(?:the\s+)?number\s+of\b/i.test(metric.description ?? '')
}

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
    // "accounts (that were) created", "fees charged", "commission paid to travel agencies": a word of the
    // metric's own description restates the metric; after a copula or a relative pronoun it is the
    // passive or the clause saying the same; after a preposition, only where the description has it too ("paid to").
    // Only the description's defining phrase counts: "refunded" of "Number of orders, excluding refunded ones" is
    // a qualifier, and "refunded orders" asks for rows the metric leaves out
    const marker = u.afterMarker
    if (draft.metrics.length > 0 && draft.metrics.every((m) => {
      const description = definingPhrase(m.hits[0]?.target.kind === 'metric' ? m.hits[0].target.metric.description : undefined)
      const introduced = marker === undefined || PASSIVE_MARKERS.has(marker) || new RegExp(`\\b${marker.replace(/[^a-z]/gi, '')}\\b`, 'i').test(description ?? '')
      return introduced && descriptionSays(w, description)
    })) {
      draft.notes.push(`"${u.text}" is said in the description of ${draft.metrics.map((m) => m.hits[0]!.target.name).join(', ')}`)
      return false
    }
    // "locations run by franchisees" where `is_franchise` is "True when the location is run by a franchisee",
    // "by booking source" where `resv_src_cd` is "Booking source: ...": a word of a used column's own
    // description restates that column. A verb of a filter's column ("run by" a value); a noun only inside the
    // grouping phrase ("by booking source"), since a noun elsewhere may be a filter nobody could read. A verb
    // before a grouping is not read so: "run by franchisees" may be the passive's agent, not a breakdown
    const columns = [...draft.values, ...draft.groups].map((v) => v.hits[0]).filter((h) => h?.target.kind === 'value' || h?.target.kind === 'dimension')
    const filters = draft.values.map((v) => v.hits[0]).filter((h) => h?.target.kind === 'value')
    const describe = (h: (typeof columns)[number]) => idx?.dimensions.get(h!.target.name)?.description
    // a filter's column restated by its own code's meaning or its title, not by another code's ("voluntary" of
    // "VOL = voluntary resignation" beside the filter INV: the other side of "voluntary vs involuntary")
    const describeFilter = (h: (typeof columns)[number]) => descriptionForCode(describe(h), h!.target.kind === 'value' ? h!.target.value : undefined)
    if (((marker === undefined || PASSIVE_MARKERS.has(marker)) && filters.some((h) => descriptionSaysVerb(w, describeFilter(h)))) ||
      ((marker === 'by' || marker === 'per') && draft.groups.some((g) => g.hits[0] && descriptionSays(w, describe(g.hits[0]))))) {
      draft.notes.push(`"${u.text}" is said in the description of ${columns.map((h) => h!.target.name).join(', ')}`)
      return false
    }
    // "average tenure in years" for `avg_tenure_years`: "in" and a unit the metric's own name holds say its unit
    const singularUnit = w.endsWith('s') ? w.slice(0, -1) : w
    if (u.afterMarker === 'in' && UNITS.has(singularUnit) && draft.metrics.some((m) => m.hits[0]?.target.kind === 'metric' && m.hits[0].target.name.toLowerCase().split('_').some((p) => p === w || p === singularUnit || p === `${singularUnit}s`))) {
      draft.notes.push(`"in ${u.text}" is the unit of the metric`)
      return false
    }
    // "visit volume", "the number of": a word that only says "how many" beside metrics that are all counts
    // "shipment quantity" beside `shp_qty` ("Units shipped."): where the layer names a measure by the word, it is not an echo
    if (u.afterMarker === undefined && COUNT_WORDS.has(w) && !namesMeasure(w, idx, draft.metrics.map((m) => m.hits[0]?.target.name ?? '')) && draft.metrics.length > 0 && draft.metrics.every((m) => m.hits[0]?.target.kind === 'metric' && isCount(m.hits[0].target.metric))) {
      draft.notes.push(`"${u.text}" says the metric is a count, as it is`)
      return false
    }
    // "members who enrolled in May": a relative pronoun before the dating verb introduces no filter
    if (u.afterMarker !== undefined && !(RELATIVE.has(u.afterMarker) && datingVerbOf(draft, idx, w))) return true
    const singular = w.endsWith('ies') ? `${w.slice(0, -3)}y` : w.endsWith('s') ? w.slice(0, -1) : w
    if (used.has(w) || used.has(singular)) {
      draft.notes.push(`"${u.text}" repeats a name already used`)
      return false
    }
    // "loans originated", "trainers hired": the dating verb follows its metric's noun; after other words
    // ("loans and $ originated") it may belong to a word nothing read
    // (a value word that names a metric too, "members" for the tier Member, is the metric's noun)
    const nouns = [...draft.metrics, ...draft.values.filter((v) => v.metricHits?.length)]
    const follows = u.at === undefined || nouns.some((m) => m.at === u.at! - 1 || (RELATIVE.has(u.afterMarker ?? '') && m.at === u.at! - 2))
    const dated = follows ? datingVerbOf(draft, idx, w) : undefined
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
export function datingVerbOf(draft: Draft, idx: CatalogIndex | undefined, word: string): string | undefined {
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
    let times = target.metric.dimensions.filter((d) => idx.dimensions.get(d)?.type === 'time' && !d.startsWith('metric_time'))
    // "loans originated" where `loan_cnt` reaches its own `loan__orig_dt` and the borrower's `brwr_since_dt`:
    // the date on the entity the metric's name counts is the one its rows are dated by
    if (times.length > 1) {
      const own = times.filter((d) => ownsWords({ name: d, type: 'time' }, [], new Set(nameStems(target.name).filter((w) => w.length >= 3))))
      // ... and only on the rows the metric aggregates: `customers` (distinct ordering customers) is dated by the
      // order day, so "customers signed up" names the customer's date, which the period is not on
      const root = aggregatedEntity(target.metric.dimensions, idx)
      if (own.length === 1 && (!root || own[0].startsWith(`${root}__`))) times = own
    }
    if (times.length !== 1 || (dim && dim !== times[0])) return undefined
    dim = times[0]
  }
  const d = dim ? idx.dimensions.get(dim) : undefined
  if (!d) return undefined
  const text = `${d.name.split('__').pop()} ${d.description ?? ''}`.toLowerCase()
  const own = text.split(/[^a-z]+/)
  return own.some((x) => stems.some((st) => x.startsWith(st))) ? d.name : undefined
}

/**
 * The entity of the rows a metric aggregates, read off its dimensions: the one whose own foreign keys it
 * reaches ("order__customer", "order__store" for a metric on orders), where exactly one entity has them.
 */
function aggregatedEntity(dimensions: string[], idx: CatalogIndex): string | undefined {
  const entities = new Set(dimensions.filter((d) => !d.includes('__') && idx.dimensions.get(d)?.type === 'entity'))
  const roots = new Set(dimensions.filter((d) => { const p = d.split('__'); return p.length === 2 && entities.has(p[1]) }).map((d) => d.split('__')[0]))
  return roots.size === 1 ? [...roots][0] : undefined
}
