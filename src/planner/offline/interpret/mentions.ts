// Plain mentions: a metric or dimension that no structure word claimed is
// asked for (a metric) or shown (a dimension); after reading, metric words
// that only echo or qualify another metric ("units sold", "sales volume") go.
import type { Hit } from '../catalog-index'
import { nameStems, stem } from '../normalize'
import { STRICT_AGG_WORDS, aggregationFits, aggregationOf } from '../word-readings'
import type { Mention } from './draft'
import { addGroup, addMetric, isSingular, resetModes, type MatchRule, type ReadState } from './state'

/** Verbs that only echo a metric ("units sold"); a metric only when nothing else is. */
const VERB_METRIC_WORDS = new Set(['sell', 'sells', 'sold', 'selling'])

/** The fallback for a catalog match: a metric when it reads as one, else a dimension to show. */
export const plainMention: MatchRule = (s, { k, it, M, D, mention }) => {
  const q = (hs: Hit[]) => hs[0]?.quality ?? 0
  if (M.length && (!D.length || !s.filterMode || q(M) >= q(D) || s.d.metrics.length === 0)) {
    const m = mention(M)
    addMetric(s, m)
    s.lastRole = { kind: 'metric', at: k, mention: m }
    resetModes(s)
    return true
  }
  if (D.length) {
    const g = addGroup(s, mention(D))
    g.bareSingular = !s.filterMode && isSingular(it)
    s.lastRole = { kind: 'group', at: k, mention: g }
    s.filterMode = false
    s.negMode = false
    return true
  }
  s.lastRole = { kind: 'other', at: k }
  return true
}

/** "units sold": the verb only echoes a metric that is named anyway. */
export function dropEchoVerbs(s: ReadState): void {
  const d = s.d
  const echo = (m: Mention) => VERB_METRIC_WORDS.has(m.text.toLowerCase())
  if (!d.metrics.some((m) => !echo(m))) return
  const dropped = d.metrics.filter(echo)
  d.metrics = d.metrics.filter((m) => !echo(m))
  if (d.rank?.metric && dropped.includes(d.rank.metric)) d.rank.metric = undefined
  d.order = d.order.filter((o) => !dropped.includes(o.mention))
  d.fieldFilters = d.fieldFilters.filter((f) => !dropped.includes(f.mention))
}

/**
 * "passed inspections" where the modifier reads `insp_pass_cnt` ("Inspections passed.") and the head
 * reads `insp_cnt`: a metric whose description is about the head noun is named by the whole
 * phrase, so it, not the head's plainer metric, is meant. Otherwise the head names the metric.
 */
const DESCRIPTION_LEADS = new Set(['the', 'a', 'an', 'number', 'count', 'total', 'of', 'distinct', 'unique'])

function takeModifierMetric(modifier: Mention, head: Mention): void {
  const own = modifier.hits.find((h) => h.target.kind === 'metric')
  if (!own || own.target.kind !== 'metric' || head.hits.some((h) => h.target.name === own.target.name)) return
  const headWord = stem(head.text.toLowerCase().split(/\s+/).pop() ?? '')
  // the description must be about the head noun ("Inspections passed."), not merely mention it
  // ("Average severity of claims" is a severity, not a count of claims)
  const described = nameStems(own.target.metric.description ?? '').filter((w) => !DESCRIPTION_LEADS.has(w))
  if (headWord.length < 3 || described[0] !== headWord) return
  head.hits = [own, ...head.hits.filter((h) => h !== own)]
}

/**
 * "installments due": a plural noun before a word that names a metric only with its measure noun left out
 * ("due" of the due amount) is no modifier of it; the plural is the thing asked about and the word after it
 * says which of them. That word is left unread (the question is refused) rather than answered as the amount.
 */
function pluralBeforeShortName(m: Mention, head: Mention): boolean {
  const text = m.text.toLowerCase()
  const top = head.hits.find((h) => h.target.kind === 'metric')
  return /[^s]s$/.test(text) && stem(text) !== text && !head.text.includes(' ') && top?.source === 'short name'
}

/** The statistic word ("average", "max") a qualifier says that its head's metric does not compute, or undefined. */
function unansweredStatistic(m: Mention, head: Mention): string | undefined {
  const top = head.hits.find((h) => h.target.kind === 'metric')
  if (!top || top.target.kind !== 'metric') return undefined
  for (const w of m.text.toLowerCase().split(/[^a-z0-9]+/)) {
    const word = STRICT_AGG_WORDS[w]
    if (!word || word === 'sum' || word === 'total') continue
    return aggregationFits(word, aggregationOf(top.target.name, top.target.metric)) ? undefined : w
  }
  return undefined
}

/** "sales volume": two metric words side by side are one noun phrase; its head (the last word) names the metric. */
export function joinMetricNounPhrases(s: ReadState): void {
  const d = s.d
  const unjoined = d.metrics.filter((n) => d.metrics.some((m) => n.at === m.at + 1 && pluralBeforeShortName(m, n)))
  if (unjoined.length) {
    d.metrics = d.metrics.filter((n) => !unjoined.includes(n))
    for (const n of unjoined) d.unknown.push({ text: n.text })
  }
  const modifiers = d.metrics.filter((m) => d.metrics.some((n) => n.at === m.at + 1))
  if (!modifiers.length) return
  // In a run of three or more ("revenue customers orders") the middle words are modifiers too:
  // each modifier's head is the last word of its run, the one that stays.
  const kept = d.metrics.filter((m) => !modifiers.includes(m))
  const headOf = (m: Mention): Mention | undefined => {
    let at = m.at + 1
    while (modifiers.some((x) => x.at === at)) at++
    return kept.find((n) => n.at === at)
  }
  d.metrics = kept
  for (const m of modifiers) {
    const head = headOf(m)
    if (head) takeModifierMetric(m, head)
    // "average loan amount requested": a statistic said in the qualifier is asked of its head; where the head's
    // metric does not compute it, the word stays unread (refused as "average" before a sum alone is)
    const asked = head && unansweredStatistic(m, head)
    if (asked) d.unknown.push({ text: asked })
  }
  // "new patient visits": a modifier that is also a value (NP = new patient) filters the head metric
  // instead of being dropped; dropping it would answer for all visits
  for (const m of modifiers) {
    const it = s.items[m.at]
    const V = it.kind === 'match' ? it.hits.filter((h) => h.target.kind === 'value') : []
    if (V.length) {
      d.values.push({ text: m.text, at: m.at, hits: V, negate: false })
      d.notes.push(`"${m.text}" qualifies the next metric word as a value`)
    }
  }
  if (d.rank?.metric && modifiers.includes(d.rank.metric)) d.rank.metric = headOf(d.rank.metric)
  d.order = d.order.filter((o) => !modifiers.includes(o.mention))
  d.fieldFilters = d.fieldFilters.filter((f) => !modifiers.includes(f.mention))
  for (const m of modifiers) if (!d.values.some((v) => v.at === m.at)) d.notes.push(`"${m.text}" only qualifies the next metric word`)
}
