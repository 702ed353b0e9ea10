// Ordering: sort keys and directions ("sorted by revenue", "high to low",
// "most recent first", "ordered by month").
import { DIRECTION_PHRASES, GRAIN_NOUNS, ORDER_MARKERS, TIME_ORDER_PHRASES } from '../lexicon'
import type { Mention } from './draft'
import { addGroup, addMetric, longest, phrase, span, type MatchRule, type ReadState, type WordRule } from './state'

/** "most recent first", "chronologically": sort by the time grouping. */
export const timeOrder: WordRule = (s, k) => {
  const t = longest(s, k, TIME_ORDER_PHRASES)
  if (!t) return undefined
  s.d.order.push({ mention: { text: span(s, k, t.len), at: k, hits: [] }, as: 'time', dir: t.value })
  s.d.notes.push(`"${span(s, k, t.len)}" → sort by time ${t.value === 'asc' ? 'ascending' : 'descending'}`)
  return t.len
}

/** Sort direction phrases ("high to low", "descending", "alphabetically"). */
export const sortDirection: WordRule = (s, k, w) => {
  const d = s.d
  const dir = longest(s, k, DIRECTION_PHRASES)
  if (!dir) return undefined
  if (w === 'alphabetically' || w === 'alphabetical') d.order.push({ mention: { text: w, at: k, hits: [] }, as: 'dimension', dir: 'asc' })
  const last = d.order[d.order.length - 1]
  if (last && last.dir === undefined) last.dir = dir.value
  else d.direction = dir.value
  d.notes.push(`"${span(s, k, dir.len)}" → sort ${dir.value === 'asc' ? 'ascending' : 'descending'}`)
  return dir.len
}

/** Explicit sort ("sorted by", "order by"): the next field is the key. */
export const orderMarker: WordRule = (s, k) => {
  for (const m of ORDER_MARKERS) {
    const len = phrase(s, k, m)
    if (len) {
      s.orderMode = true
      s.groupMode = false
      return len
    }
  }
  return undefined
}

/** "ordered by month": sort by the time grouping. */
export const orderByGrain: WordRule = (s, k, w) => {
  const noun = GRAIN_NOUNS[w]
  if (!(noun && s.orderMode)) return undefined
  s.orderMode = false
  s.d.order.push({ mention: { text: w, at: k, hits: [] }, as: 'time', grain: noun })
  return 1
}

/** The field after "sorted by" is the sort key (a dimension key is also shown). */
export const orderTarget: MatchRule = (s, { k, M, D, mention }) => {
  if (!s.orderMode) return false
  s.orderMode = false
  if (M.length) {
    const m = mention(M)
    addMetric(s, m)
    s.d.order.push({ mention: m, as: 'metric' })
  } else if (D.length) {
    const m = mention(D)
    s.d.order.push({ mention: m, as: 'dimension' })
    if (!groupedAlready(s, m)) addGroup(s, m)
  }
  s.lastRole = { kind: 'other', at: k }
  return true
}

function groupedAlready(s: ReadState, m: Mention): boolean {
  return s.d.groups.some((g) => !g.absorbed && g.hits[0]?.target.name === m.hits[0]?.target.name)
}
