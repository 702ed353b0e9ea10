// Filters by value: "for Electronics", "West region", "Texas or the US",
// "bookings for listings with capacity 4"; a value's readings are narrowed
// by the dimension named next to it.
import type { Hit } from '../catalog-index'
import { CONJUNCTIONS, FILTER_PREPS } from '../lexicon'
import type { ValueMention } from './draft'
import { NARROW_GLUE, span, word, type MatchRule, type ReadState, type WordRule } from './state'

const NEGATION_WORDS = new Set(['other', 'than', 'apart', 'aside', 'except', 'but', 'not', 'excluding', 'exclude', 'excludes', 'excluded', 'excl', 'without', 'non', 'outside', 'besides', 'minus'])
const ENTITY_NOUN_FOLLOWERS = new Set(['with', 'that', 'which', 'where', 'whose', 'having', 'in', 'from', 'at', 'of', 'who'])

/** Chains continue across "and", ","; after a value the next one is a value too ("Texas or the US"). */
export const conjunction: WordRule = (s, _k, w) => {
  if (!(CONJUNCTIONS.has(w) || w === 'vs' || w === 'versus')) return undefined
  if (s.lastRole?.kind === 'value') s.filterMode = true
  return 1
}

/** "all", "every", "any": the next dimension is un-filtered (follow-up.ts) or excluded from ("but"). */
export const allWord: WordRule = (s, _k, w) => {
  if (!(w === 'all' || w === 'every' || w === 'any')) return undefined
  s.allMode = true
  return 1
}

/** "for", "in", "from": a value after it filters. */
export const filterPrep: WordRule = (s, _k, w) => {
  if (!FILTER_PREPS.has(w)) return undefined
  s.filterMode = true
  s.groupMode = false
  s.lastMarker = w
  return 1
}

/**
 * "gold members" over a tier dimension whose values are Member, Silver, Gold and Platinum:
 * a plural right after a value of the same dimension is the noun that value qualifies (the
 * members who are gold), not a second value; reading both filters for "Gold or Member".
 * A conjunction between them ("gold and member") still lists two values.
 */
export const pluralHeadOfValue: MatchRule = (s, { k, it, M, V, mention }) => {
  const last = s.lastRole
  if (!V.length || last?.kind !== 'value' || last.at !== k - 1) return false
  const prev = last.mention as ValueMention
  const text = it.text.toLowerCase()
  const head = V.some((h) => {
    const t = h.target
    if (t.kind !== 'value' || `${String(t.value).toLowerCase()}s` !== text) return false
    return prev.hits.some((p) => p.target.kind === 'value' && p.target.name === t.name && p.target.value !== t.value)
  })
  if (!head) return false
  s.d.notes.push(`"${it.text}" names what the filter "${prev.text}" applies to, not a second value`)
  // "platinum members" alone: the noun may be the metric that counts them
  if (M.length) s.implied.push(mention(M))
  s.lastRole = { kind: 'other', at: k }
  return true
}

/** "excluding the West region" / "for Electronics" / "Electronics sales". */
export const valueMention: MatchRule = (s, { k, it, M, V }) => {
  const d = s.d
  const q = (hs: Hit[]) => hs[0]?.quality ?? 0
  if (!(V.length && (s.negMode || s.filterMode || !M.length || q(V) > q(M) || (d.metrics.length > 0 && s.filterMode)))) return false
  const useValue = s.negMode || s.filterMode || !M.length || q(V) > q(M)
  if (!useValue) return false
  const v: ValueMention = { text: it.text, at: k, hits: V, negate: s.negMode, introduced: s.filterMode || s.negMode, ...(M.length ? { metricHits: M } : {}) }
  const implied = V.find((h) => h.implied)?.implied
  if (implied) s.implied.push({ text: it.text, at: k, hits: [implied] })
  narrowByNeighbour(s, v, k)
  d.values.push(v)
  s.lastRole = { kind: 'value', at: k, mention: v }
  s.filterMode = false
  s.groupMode = false
  return true
}

/**
 * A dimension right next to a value of its own entity names that value:
 * "West region", "the Austin store", "corporate customers".
 */
export const valueNoun: MatchRule = (s, { k, M, D, mention }) => {
  if (!(D.length && s.lastRole?.kind === 'value' && s.lastRole.at === k - 1)) return false
  const v = s.lastRole.mention as ValueMention
  if (!((!M.length || s.d.metrics.length > 0 || v.introduced) && compatible(v, D))) return false
  narrow(s, v, D, M.length ? undefined : s.items[k].text)
  if (M.length) s.implied.push(mention(M))
  s.lastRole = { kind: 'other', at: k }
  return true
}

/**
 * "bookings for listings with capacity 4": the noun introduces a filter on its entity
 * ("average booking value for bookings that were not instant": the noun may be a metric's name too).
 */
export const filteredEntityNoun: MatchRule = (s, { k, it, M, D, V }) => {
  if (!(s.filterMode && s.d.metrics.length > 0 && (M.length || D.some((h) => h.target.kind === 'dimension' && h.target.dim.type === 'entity')) && ENTITY_NOUN_FOLLOWERS.has(word(s, k + 1) ?? '') && !V.length)) return false
  s.d.notes.push(`"${it.text}" → names what the filter applies to`)
  s.lastRole = { kind: 'other', at: k }
  return true
}

/**
 * "sales in or": a preposition followed only by conjunctions leaves its filter unsaid; the answer
 * would silently be for everything (a bare trailing preposition is left: cut phrases leave them).
 */
export function danglingPreposition(s: ReadState): void {
  let k = s.items.length - 1
  while (k >= 0 && s.items[k].kind === 'word' && (CONJUNCTIONS.has(word(s, k)!) || /^[?.!]$/.test(word(s, k)!))) k--
  const w = word(s, k)
  if (k < 0 || k === s.items.length - 1 || !w || !['in', 'for', 'at', 'from', 'with', 'where', 'excluding', 'except', 'without'].includes(w)) return
  s.d.unknown.push({ text: span(s, k, s.items.length - k), afterMarker: w })
}

/**
 * "store sales in chicago": an entity's noun said once, in the singular, with no group word
 * ("by", "per", "each"), next to a filter on that entity's values is the noun the filter
 * applies to (the stores in Chicago), not a breakdown; grouping by it answers "sales per
 * store in Chicago", which nobody asked. A ranking keeps its subject ("which store in ...").
 */
export function absorbFilteredNouns(s: ReadState): void {
  if (s.d.rank) return
  for (const g of s.d.groups) {
    if (g.absorbed || g.marked || !g.bareSingular) continue
    const D = g.hits.filter((h) => h.target.kind === 'dimension')
    const v = s.d.values.find((x) => !x.negate && x.at !== g.at && compatible(x, D))
    if (!v) continue
    g.absorbed = true
    s.d.notes.push(`"${g.text}" names what the filter "${v.text}" applies to, not a breakdown`)
  }
}

/** Entity of a dimension query name: `store__region` → `store`; an entity is itself. */
function entityOf(h: Hit): string | undefined {
  if (h.target.kind === 'metric') return undefined
  const dim = h.target.dim
  if (dim.type === 'entity') return dim.name
  const parts = dim.name.split('__')
  return parts.length > 1 ? parts[parts.length - 2] : undefined
}

function compatible(v: ValueMention, D: Hit[]): boolean {
  return v.hits.some((vh) => D.some((dh) => dh.target.name === vh.target.name || (entityOf(dh) !== undefined && entityOf(dh) === entityOf(vh))))
}

/** Keeps only the value readings that belong to the named dimension/entity. */
function narrow(s: ReadState, v: ValueMention, D: Hit[], text?: string): void {
  const exact = v.hits.filter((vh) => D.some((dh) => dh.target.name === vh.target.name))
  const sameEntity = v.hits.filter((vh) => D.some((dh) => entityOf(dh) !== undefined && entityOf(dh) === entityOf(vh)))
  const keep = exact.length ? exact : sameEntity
  // "Product division" when Product is a department name: the word names another attribute of
  // the same entity (its division), not the value's own dimension; reading it as the value's
  // noun would answer for the department. The word is not accounted for.
  if (text && !exact.length && sameEntity.length && D.every((h) => h.target.kind === 'dimension' && h.target.dim.type === 'categorical')) {
    s.d.unknown.push({ text })
  }
  if (keep.length) v.hits = keep
  // the dimension was only naming the value: drop a grouping it caused
  for (const g of s.d.groups) if (!g.absorbed && !g.marked && D.some((dh) => g.hits[0]?.target.name === dh.target.name) && Math.abs(g.at - v.at) <= 2) g.absorbed = true
}

/** "region West", "category is Electronics": a dimension just before its value. */
function narrowByNeighbour(s: ReadState, v: ValueMention, k: number): void {
  for (let j = k - 1; j >= 0 && j >= k - 4; j--) {
    const it = s.items[j]
    if (it.kind === 'word' && (NARROW_GLUE.has(it.token.text) || (v.negate && NEGATION_WORDS.has(it.token.text)))) continue
    if (it.kind !== 'match') return
    const D = it.hits.filter((h) => h.target.kind === 'dimension')
    if (D.length && compatible(v, D)) {
      const g = s.d.groups.find((x) => x.at === j)
      if (g?.marked) return
      if (g) g.absorbed = true
      narrow(s, v, D)
    }
    return
  }
}
