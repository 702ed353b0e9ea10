// The reading state the interpreter's rules share, made explicit: the Draft
// being built, the "modes" the last structure word switched on (after "by" a
// dimension is a grouping, after "excluding" a value is negated...) and the
// positions later words look back to. Rules are functions over this state;
// the helpers here only read the items.
import type { Hit } from '../catalog-index'
import { NUMBER_WORDS } from '../lexicon'
import type { Item } from '../segment'
import type { CompareOp, Draft, FieldFilter, GroupMention, Mention } from './draft'

export interface ReadState {
  readonly items: Item[]
  readonly d: Draft
  /** After a group marker ("by", "per"): a dimension is a grouping. */
  groupMode: boolean
  /** After a negation ("excluding", "other than"): a value is excluded. */
  negMode: boolean
  /** After a filter preposition ("for", "in"): a value filters. */
  filterMode: boolean
  /** After "without"/"remove" in a follow-up: a dimension is dropped from the last answer. */
  removeMode: boolean
  /** After "sorted by": the next field is the sort key. */
  orderMode: boolean
  /** After "all"/"every": a dimension is un-filtered ("for all regions"). */
  allMode: boolean
  /** The last structure word, for the unknown list ("by <unknown>"). */
  lastMarker?: string
  /** A comparison waiting for the field after it ("more than 100 orders"). */
  pendingCompare?: { op: CompareOp; value: number | number[]; text: string }
  /** Where the follow-up cue words end (the edit phrase there is consumed). */
  cueAt: number
  /** The last "capacity 3" filter and where its number stood, for "capacity 3 or 4". */
  lastNumberFilter?: { filter: FieldFilter; at: number }
  pendingNumber?: { n: number; text: string; at: number }
  whichAt: number
  lastRole?: { kind: 'metric' | 'group' | 'value' | 'other'; at: number; mention?: Mention }
  /** "which store ...": the subject of a ranking that has not been named yet. */
  pendingSubject?: { group: GroupMention; singular: boolean }
  readonly implied: Mention[]
  rankAt: number
  /** The item right after the last group marker ("by", "per"): where its dimension should stand. */
  groupSlotAt: number
  /** Where "all <dimension>" stood ("all categories but Toys"). */
  unfilterAt: number
  rankMetricAt: number
  /** Every metric mention, so "revenue ... where revenue > 1m" finds the second one. */
  readonly metricMentions: Mention[]
}

/** A catalog match item with its hits split by kind: what the match rules look at. */
export interface MatchContext {
  k: number
  it: Extract<Item, { kind: 'match' }>
  M: Hit[]
  D: Hit[]
  V: Hit[]
  mention(hits: Hit[]): Mention
}

/** A rule over a plain word at k: how many items it consumed, or undefined when it does not apply. */
export type WordRule = (s: ReadState, k: number, w: string) => number | undefined
/** A rule over a catalog match: true when it gave the match its role. */
export type MatchRule = (s: ReadState, c: MatchContext) => boolean

export const SKIPPABLE = new Set(['the', 'a', 'an', 'our', 'my', 'their', 'its', 'your', 'his', 'her', 'these', 'those', 'this', 'that'])
/** Words between a dimension and its value ("region is West", "category = Toys"). */
export const NARROW_GLUE = new Set(['is', 'are', 'was', 'were', '=', ':', 'equals', 'equal', 'named', 'called', 'of', 'being', 'the', 'a', 'an'])

export function createState(items: Item[]): ReadState {
  return {
    items,
    d: {
      metrics: [], groups: [], grains: [], values: [], fieldFilters: [], times: [], trend: false, order: [],
      removals: [], unfilters: [], unknown: [], notes: [], impliedMetrics: [],
      cue: { add: false, replace: false, remove: false, instead: false, sort: false },
      clearTime: false,
    },
    groupMode: false, negMode: false, filterMode: false, removeMode: false, orderMode: false, allMode: false,
    cueAt: -1, whichAt: -1, implied: [], rankAt: -1, groupSlotAt: -1, unfilterAt: -1, rankMetricAt: -1, metricMentions: [],
  }
}

export function resetModes(s: ReadState): void {
  s.groupMode = false
  s.negMode = false
  s.filterMode = false
  s.removeMode = false
  s.allMode = false
}

export function word(s: ReadState, k: number): string | undefined {
  const it = s.items[k]
  return it?.kind === 'word' ? it.token.text : undefined
}

/** Length (in items) of a phrase of plain words starting at k, or 0. */
export function phrase(s: ReadState, k: number, words: string[]): number {
  for (let j = 0; j < words.length; j++) if (word(s, k + j) !== words[j]) return 0
  return words.length
}

export function longest<T>(s: ReadState, k: number, table: Array<[string[], T]>): { len: number; value: T } | undefined {
  let best: { len: number; value: T } | undefined
  for (const [words, value] of table) {
    const len = phrase(s, k, words)
    if (len > 0 && (!best || len > best.len)) best = { len, value }
  }
  return best
}

export function longestPhrase(s: ReadState, k: number, table: string[][]): number {
  let best = 0
  for (const p of table) best = Math.max(best, phrase(s, k, p))
  return best
}

export function numberAt(s: ReadState, k: number): number | undefined {
  const it = s.items[k]
  if (it?.kind !== 'word') return undefined
  if (it.token.number !== undefined) return it.token.number
  return Object.hasOwn(NUMBER_WORDS, it.token.text) ? NUMBER_WORDS[it.token.text] : undefined
}

export function stemOf(s: ReadState, k: number): string {
  const it = s.items[k]
  return it?.kind === 'word' ? it.token.stem : ''
}

export function span(s: ReadState, k: number, len: number): string {
  return s.items.slice(k, k + len).map((i) => i.text).join(' ')
}

export function lastWordIn(s: ReadState, k: number, words: string[]): boolean {
  const w = word(s, k - 1)
  return w !== undefined && words.includes(w)
}

export function onlySkippableBetween(s: ReadState, a: number, b: number): boolean {
  for (let j = a + 1; j < b; j++) {
    const w = word(s, j)
    if (w === undefined) return false
    if (!SKIPPABLE.has(w) && !['performing', 'selling', 'sold', 'earning', 'grossing', 'most', 'best', 'popular', 'top', 'highest', 'lowest', 'largest', 'biggest', 'valuable', 'active', 'busiest', 'performer', 'performers'].includes(w) && numberAt(s, j) === undefined) return false
  }
  return true
}

export function isSingular(it: Extract<Item, { kind: 'match' }>): boolean {
  const text = it.text.toLowerCase()
  const lastWord = text.split(/\s+/).pop() ?? ''
  return !/s$/.test(lastWord) || /(ss|us|is)$/.test(lastWord)
}

export function addMetric(s: ReadState, m: Mention): void {
  const name = m.hits[0].target.name
  s.metricMentions.push(m) // every mention, so "revenue ... where revenue > 1m" finds the second one
  if (!s.d.metrics.some((x) => x.hits[0].target.name === name)) s.d.metrics.push(m)
}

export function addGroup(s: ReadState, m: Mention): GroupMention {
  const g: GroupMention = { ...m }
  s.d.groups.push(g)
  return g
}

export function retractGroup(s: ReadState, mention: Mention): void {
  const g = s.d.groups.find((x) => x.at === mention.at)
  if (g) g.absorbed = true
}
