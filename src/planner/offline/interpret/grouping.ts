// Grouping: breakdowns ("by region", "per store", "for each day"), time
// grains ("monthly", "month over month"), trends ("over time"), and the
// dimension named after a group marker.
import { GRAIN_ADJECTIVES, GRAIN_NOUNS, GRAIN_REPEATS, GROUP_MARKERS, TREND_PHRASES } from '../lexicon'
import { SKIPPABLE, addGroup, addMetric, lastWordIn, phrase, span, word, type MatchRule, type ReadState, type WordRule } from './state'

/** Filler nouns that stand for a dimension without naming it ("by type", "per kind"). */
const GENERIC_NOUNS = new Set(['type', 'types', 'kind', 'kinds', 'sort', 'sorts'])

/** "by is_lux", "grouped by has_discount": the flag's verb stays inside the grouping. */
export const flagVerb: WordRule = (s, k, w) =>
  s.groupMode && (w === 'is' || w === 'has') && s.items[k + 1]?.kind === 'match' ? 1 : undefined

/** "monthly", "weekly" */
export const grainAdjective: WordRule = (s, _k, w) => {
  const adj = GRAIN_ADJECTIVES[w]
  if (!adj) return undefined
  s.d.grains.push({ grain: adj, text: w })
  return 1
}

/** "month over month", "by week", "per quarter", "for each day" */
export const grainNoun: WordRule = (s, k, w) => {
  const noun = GRAIN_NOUNS[w]
  if (!noun) return undefined
  for (const r of GRAIN_REPEATS) {
    if (word(s, k + 1) === r && GRAIN_NOUNS[word(s, k + 2) ?? ''] === noun) {
      s.d.grains.push({ grain: noun, text: span(s, k, 3) })
      return 3
    }
  }
  if (s.groupMode || lastWordIn(s, k, ['by', 'per', 'each', 'every', 'a'])) {
    s.d.grains.push({ grain: noun, text: w })
    return 1
  }
  return undefined
}

/** "over time", "trend": a time series. */
export const trendPhrase: WordRule = (s, k) => {
  for (const p of TREND_PHRASES) {
    const len = phrase(s, k, p)
    if (len) {
      s.d.trend = true
      s.d.notes.push(`"${span(s, k, len)}" → a time series`)
      return len
    }
  }
  return undefined
}

/** Group markers ("by", "per", "broken down by", "for each"). */
export const groupMarker: WordRule = (s, k) => {
  for (const m of GROUP_MARKERS) {
    const len = phrase(s, k, m)
    if (len) {
      s.groupMode = true
      s.filterMode = false
      s.negMode = false
      s.allMode = m.includes('all')
      s.lastMarker = span(s, k, len)
      s.groupSlotAt = k + len
      return len
    }
  }
  return undefined
}

/**
 * "terminations by type": the grouping's noun is only a placeholder for a dimension
 * the layer did not match; "sales by store type": it turns the name before it into
 * another attribute (a store's type, not the store). Dropping it answers another question.
 */
export const genericNoun: WordRule = (s, k, w) => {
  if (!(GENERIC_NOUNS.has(w) && ((s.groupMode && k === s.groupSlotAt) || (s.items[k - 1]?.kind === 'match' && word(s, k + 1) !== 'of') || (word(s, k + 1) === 'of' && s.items[k + 2]?.kind === 'match')))) return undefined
  s.d.unknown.push({ text: s.items[k].text, afterMarker: s.lastMarker })
  return 1
}

/** The field after a group marker: a dimension groups ("by region and category"); a metric ranks the subject ("top 5 stores by sales"). */
export const groupTarget: MatchRule = (s, { k, M, D, mention }) => {
  const d = s.d
  if (!s.groupMode) return false
  if (s.allMode && D.length && d.cue.remove) { d.removals.push(mention(D)); return true }
  // "top 5 stores by sales": the metric after "by" ranks the subject
  if (M.length && (!D.length || (d.rank?.subject && !d.rank.metric))) {
    const m = mention(M)
    addMetric(s, m)
    if (d.rank && !d.rank.metric) d.rank.metric = m
    // "by state sales 2023": a metric right after the grouping's own words ends the grouping; only one
    // that a group or list word introduces ("stores by sales") is a sort key. A comma or an article in
    // between does not introduce it either: "for each tier, the revenue" is the clause's new subject
    else if ((d.groups.some((g) => !g.absorbed) || s.pendingSubject) && !(s.lastRole?.kind === 'group' && onlyPunctuationOrArticlesBetween(s, s.lastRole.at, k))) d.order.push({ mention: m, as: 'metric' })
    s.groupMode = false
    s.lastRole = { kind: 'metric', at: k, mention: m }
    return true
  }
  if (D.length) {
    const g = addGroup(s, mention(D))
    g.marked = true
    s.lastRole = { kind: 'group', at: k, mention: g }
    return true // stay in group mode for "by region and category"
  }
  return false
}

/** Whether only commas, colons, dashes and articles ("the", "our") lie between two items: no word that introduces a sort key. */
function onlyPunctuationOrArticlesBetween(s: ReadState, a: number, b: number): boolean {
  for (let j = a + 1; j < b; j++) {
    const w = word(s, j)
    if (w === undefined || !(/^[,;:\u2013\u2014-]+$/.test(w) || SKIPPABLE.has(w))) return false
  }
  return true
}
