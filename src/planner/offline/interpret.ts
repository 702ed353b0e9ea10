// Reads the segmented question left to right and gives every catalog mention
// a role (metric, group-by, filter value, sort key...) from the structure
// words around it. The result is a Draft: mentions with their candidate
// targets, resolved against the chosen metrics later (resolve.ts).
//
// This is the driver: the reading state is explicit (interpret/state.ts) and
// every rule is a function over it, one module per concern (ordering,
// ranking, comparisons, negation, filters, grouping, follow-up edits). The
// rule lists below are tried in order and the first that applies wins, so
// their order is part of the grammar.
import type { TimeRangeMatch } from '../time/parse-time'
import { FILLER } from './lexicon'
import type { Item } from './segment'
import { betweenNumbers, comparator, compareValues, finishPendingCompare, numberAlternative, numberOrMore, numericDimensionValue, pendingComparison } from './interpret/comparisons'
import type { Draft } from './interpret/draft'
import { allWord, conjunction, absorbFilteredNouns, danglingPreposition, filterPrep, filteredEntityNoun, pluralHeadOfValue, valueMention, valueNoun } from './interpret/filters'
import { clearTimeRange, detectCues, editPhrase, finishSortCue, removeCue, removedDimension, unfilteredDimension } from './interpret/follow-up'
import { flagVerb, genericNoun, grainAdjective, grainNoun, groupMarker, groupTarget, trendPhrase } from './interpret/grouping'
import { dropEchoVerbs, joinMetricNounPhrases, plainMention } from './interpret/mentions'
import { butExcept, negationMarker } from './interpret/negation'
import { orderByGrain, orderMarker, orderTarget, sortDirection, timeOrder } from './interpret/ordering'
import { finishRankSubject, finishRanking, limitMarker, pendingNumber, questionWord, rankCount, rankMetric, rankSubject, superlative } from './interpret/ranking'
import { createState, resetModes, SKIPPABLE, stemOf, type MatchContext, type MatchRule, type ReadState, type WordRule } from './interpret/state'

export type { CompareOp, Draft, FieldFilter, GroupMention, Mention, OrderKey, Rank, ValueMention } from './interpret/draft'

/** Words before a metric that ask for the rows where it is zero ("no sales"). */
const ZERO_WORDS = new Set(['no', 'zero', 'never'])
/** Words before a dimension that ask for a count of its distinct values. */
const DISTINCT_WORDS = new Set(['distinct', 'unique'])

/**
 * "brands with no sales": the rows asked for are the ones missing from the answer; "distinct
 * products sold": a count of distinct values, not a breakdown by them. Neither is what the
 * plan would compute if the word were dropped as filler.
 */
const zeroOrDistinct: WordRule = (s, k, w) => {
  const next = s.items[k + 1]
  if (!(next?.kind === 'match' && ((ZERO_WORDS.has(w) && next.hits.some((h) => h.target.kind === 'metric')) || (DISTINCT_WORDS.has(w) && next.hits[0]?.target.kind === 'dimension')))) return undefined
  s.d.unknown.push({ text: s.items[k].text })
  return 1
}

/** Ordinary words end group/negation chains ("by region, show sales"). */
const filler: WordRule = (s, k, w) => {
  if (!(FILLER.has(w) || FILLER.has(stemOf(s, k)))) return undefined
  // "inspections by result": an everyday word left alone after "by" at the end was asked to group by;
  // dropping it answers without the breakdown, so it stays unexplained
  const before = s.items[k - 1]
  if (s.groupMode && k === s.items.length - 1 && before?.kind === 'word' && before.token.text === 'by') {
    s.d.unknown.push({ text: s.items[k].text, afterMarker: s.lastMarker })
    return 1
  }
  if (!['total', 'number', 'amount', 'count', 'sum', 'value'].includes(w)) s.groupMode = false
  return 1
}

const skippable: WordRule = (_s, _k, w) => (SKIPPABLE.has(w) ? 1 : undefined)
const punctuation: WordRule = (_s, _k, w) => (w === ',' || w === '/' || w === '&' || w === '+' ? 1 : undefined)

/** Rules for a plain word, in order; a word none of them claims is unknown. */
const WORD_RULES: WordRule[] = [
  editPhrase, timeOrder, clearTimeRange, butExcept, flagVerb, sortDirection, orderMarker,
  betweenNumbers, comparator,
  // numbers: "100 or more", "capacity 2 or 3", "capacity 3", "top 5", "10 stores"
  numberOrMore, numberAlternative, numericDimensionValue, rankCount, pendingNumber,
  superlative, limitMarker,
  grainAdjective, orderByGrain, grainNoun, trendPhrase, groupMarker,
  negationMarker, removeCue, conjunction, allWord, questionWord, filterPrep,
  skippable, zeroOrDistinct, genericNoun, filler, punctuation,
]

/** Rules for a catalog match, in order; the last (plainMention) always applies. */
const MATCH_RULES: MatchRule[] = [
  pendingComparison, orderTarget, rankSubject, rankMetric, groupTarget, pluralHeadOfValue, valueMention,
  removedDimension, unfilteredDimension, valueNoun, filteredEntityNoun, plainMention,
]

export function interpret(items: Item[]): Draft {
  const s = createState(items)
  detectCues(s)
  for (let k = 0; k < items.length;) {
    const it = items[k]
    if (it.kind === 'time') {
      s.d.times.push(it.time)
      s.d.notes.push(`"${it.text.trim()}" → time range ${fmtRange(it.time)}`)
      resetModes(s)
      k++
      continue
    }
    if (it.kind === 'match') {
      onMatch(s, k, it)
      k++
      continue
    }
    k += onWord(s, k, it.token.text)
  }
  finishRanking(s)
  finishSortCue(s)
  finishPendingCompare(s)
  danglingPreposition(s)
  absorbFilteredNouns(s)
  dropEchoVerbs(s)
  joinMetricNounPhrases(s)
  finishRankSubject(s)
  compareValues(s)
  // "non-instant bookings": the noun of a boolean filter is the metric when nothing else is
  s.d.impliedMetrics = s.implied
  return s.d
}

/** Handles a plain word; returns how many items were consumed. */
function onWord(s: ReadState, k: number, w: string): number {
  for (const rule of WORD_RULES) {
    const used = rule(s, k, w)
    if (used !== undefined) return used
  }
  s.d.unknown.push({ text: s.items[k].text, at: k, afterMarker: s.filterMode || s.groupMode || s.negMode ? s.lastMarker : undefined })
  return 1
}

function onMatch(s: ReadState, k: number, it: Extract<Item, { kind: 'match' }>): void {
  const c: MatchContext = {
    k, it,
    M: it.hits.filter((h) => h.target.kind === 'metric'),
    D: it.hits.filter((h) => h.target.kind === 'dimension'),
    V: it.hits.filter((h) => h.target.kind === 'value'),
    mention: (hits) => ({ text: it.text, at: k, hits }),
  }
  if (it.corrected.length) s.d.notes.push(`read ${it.corrected.map((x) => `"${x.replace('→', '" as "')}"`).join(', ')}`)
  // Words like "us" only count as a value after a preposition ("in the US").
  if (it.weak && !(s.filterMode && c.V.length)) {
    s.lastRole = { kind: 'other', at: k }
    return
  }
  for (const rule of MATCH_RULES) if (rule(s, c)) return
}

function fmtRange(t: TimeRangeMatch): string {
  const r = t.range
  if (!r.start && !r.end) return 'all time'
  if (r.start && r.end) return r.start === r.end ? r.start : `${r.start} to ${r.end}`
  return r.start ? `from ${r.start}` : `until ${r.end}`
}
