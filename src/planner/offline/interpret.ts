// Reads the segmented question left to right and gives every catalog mention
// a role (metric, group-by, filter value, sort key...) from the structure
// words around it. The result is a Draft: mentions with their candidate
// targets, resolved against the chosen metrics later (resolve.ts).
import type { TimeGrain } from '../../../semantic/types'
import type { TimeRangeMatch } from '../../../semantic/time-range'
import type { Hit } from './catalog-index'
import {
  COMPARATORS, CONJUNCTIONS, DIRECTION_PHRASES, EDIT_PHRASES, FILLER, FILTER_PREPS, FOLLOW_UP_ADD, FOLLOW_UP_REMOVE,
  FOLLOW_UP_REPLACE, GRAIN_ADJECTIVES, GRAIN_NOUNS, GRAIN_REPEATS, GROUP_MARKERS, LIMIT_MARKERS, NEGATIONS,
  NUMBER_WORDS, ORDER_MARKERS, SUPERLATIVES, TIME_FILTER_WORDS, TIME_ORDER_PHRASES, TREND_PHRASES, type Direction,
} from './lexicon'
import type { Item } from './segment'

export type CompareOp = '>' | '>=' | '<' | '<=' | '=' | '!=' | 'between' | 'in'

export interface Mention {
  text: string
  /** Item position, for adjacency checks. */
  at: number
  hits: Hit[]
}

export interface GroupMention extends Mention {
  grain?: TimeGrain
  absorbed?: boolean
  /** Named without "by"/"per" and in the singular ("store with the lowest revenue"). */
  bareSingular?: boolean
  /** Asked for explicitly ("by region", "top 5 stores"): never absorbed into a filter. */
  marked?: boolean
}
export interface ValueMention extends Mention {
  negate: boolean
  /** Introduced by a preposition ("for corporate customers"): a following entity noun belongs to it. */
  introduced?: boolean
  /** The same words also name a metric ("no show" the status value, or `no_show_count`). */
  metricHits?: Hit[]
}
export interface FieldFilter { mention: Mention; as: 'metric' | 'dimension'; op: CompareOp; value: number | number[]; text: string }
export interface OrderKey { mention: Mention; as: 'metric' | 'dimension' | 'time'; dir?: Direction; grain?: TimeGrain }

export interface Rank {
  dir: Direction
  /** The ranking word ("top", "most"). */
  word: string
  n?: number
  /** "top"/"bottom" without a number: a default limit applies. */
  explicitTop: boolean
  subject?: GroupMention
  singular: boolean
  metric?: Mention
  text: string
}

export interface Draft {
  metrics: Mention[]
  groups: GroupMention[]
  grains: Array<{ grain: TimeGrain; text: string }>
  values: ValueMention[]
  fieldFilters: FieldFilter[]
  times: TimeRangeMatch[]
  trend: boolean
  rank?: Rank
  order: OrderKey[]
  direction?: Direction
  limit?: number
  /** Dimensions whose filters/groupings a follow-up removes ("without region", "all categories"). */
  removals: Mention[]
  unfilters: Mention[]
  unknown: Array<{ text: string; afterMarker?: string }>
  /** Metrics named only as the noun of a filter ("non-instant bookings", "for corporate customers"); used when nothing else names one. */
  impliedMetrics: Mention[]
  cue: { add: boolean; replace: boolean; remove: boolean; instead: boolean; sort: boolean }
  /** Words that were understood, with what they meant, for the reasons list. */
  notes: string[]
  /** "drop the date filter": a follow-up clears the time range. */
  clearTime: boolean
  /** A number standing alone ("show me 10"): a new limit when it follows a ranked answer. */
  bareNumber?: { n: number; text: string }
}

/** Words before a metric that ask for the rows where it is zero ("no sales"). */
const ZERO_WORDS = new Set(['no', 'zero', 'never'])
/** Words before a dimension that ask for a count of its distinct values. */
const DISTINCT_WORDS = new Set(['distinct', 'unique'])
/** Filler nouns that stand for a dimension without naming it ("by type", "per kind"). */
const GENERIC_NOUNS = new Set(['type', 'types', 'kind', 'kinds', 'sort', 'sorts'])
const COMPARE_VERBS = new Set(['compare', 'comparing', 'compared', 'comparison'])
const SKIPPABLE = new Set(['the', 'a', 'an', 'our', 'my', 'their', 'its', 'your', 'his', 'her', 'these', 'those', 'this', 'that'])
const QUESTION_WORDS = new Set(['which', 'what', 'whose'])
/** Words between a number and the field it bounds ("$1M in sales", "100 worth of orders"). */
const LINK_AFTER_NUMBER = new Set(['in', 'of', 'worth', 'the', 'total', 'dollars', 'usd', 'in'])
/** Words between a dimension and its value ("region is West", "category = Toys"). */
const NARROW_GLUE = new Set(['is', 'are', 'was', 'were', '=', ':', 'equals', 'equal', 'named', 'called', 'of', 'being', 'the', 'a', 'an'])
/** Ranking words that judge a subject ("top stores") rather than a quantity ("most orders"). */
const JUDGMENT_RANKS = new Set(['top', 'bottom', 'best', 'worst', 'leading', 'strongest', 'weakest'])
/** Verbs that only echo a metric ("units sold"); a metric only when nothing else is. */
const VERB_METRIC_WORDS = new Set(['sell', 'sells', 'sold', 'selling'])
const NEGATION_WORDS = new Set(['other', 'than', 'apart', 'aside', 'except', 'but', 'not', 'excluding', 'exclude', 'excludes', 'excluded', 'excl', 'without', 'non', 'outside', 'besides', 'minus'])
const ENTITY_NOUN_FOLLOWERS = new Set(['with', 'that', 'which', 'where', 'whose', 'having', 'in', 'from', 'at', 'of', 'who'])
const COPULA = new Set(['is', 'are', 'was', 'were', 'be', 'been', '=', ':', 'equals', 'equal', 'of', 'named', 'called', 'as', 'being', 'with', 'having', 'has', 'had', 'total', 'a', 'an', 'the', 'where', 'whose', 'that', 'whom', 'in', 'got', 'get', 'did', 'do', 'does', 'generated', 'made', 'earned', 'recorded', 'value', 'amount', 'number', 'count', 'at', 'on'])

export function interpret(items: Item[]): Draft {
  return new Interpreter(items).run()
}

class Interpreter {
  private readonly d: Draft = {
    metrics: [], groups: [], grains: [], values: [], fieldFilters: [], times: [], trend: false, order: [],
    removals: [], unfilters: [], unknown: [], notes: [], impliedMetrics: [],
    cue: { add: false, replace: false, remove: false, instead: false, sort: false },
    clearTime: false,
  }
  private groupMode = false
  private negMode = false
  private filterMode = false
  private removeMode = false
  private orderMode = false
  private allMode = false
  private lastMarker?: string
  private pendingCompare?: { op: CompareOp; value: number | number[]; text: string }
  /** Where the follow-up cue words end (the edit phrase there is consumed). */
  private cueAt = -1
  /** The last "capacity 3" filter and where its number stood, for "capacity 3 or 4". */
  private lastNumberFilter?: { filter: FieldFilter; at: number }
  private pendingNumber?: { n: number; text: string; at: number }
  private whichAt = -1
  private lastRole?: { kind: 'metric' | 'group' | 'value' | 'other'; at: number; mention?: Mention }

  constructor(private readonly items: Item[]) {}

  private word(k: number): string | undefined {
    const it = this.items[k]
    return it?.kind === 'word' ? it.token.text : undefined
  }

  /** Length (in items) of a phrase of plain words starting at k, or 0. */
  private phrase(k: number, words: string[]): number {
    for (let j = 0; j < words.length; j++) if (this.word(k + j) !== words[j]) return 0
    return words.length
  }

  private longest<T>(k: number, table: Array<[string[], T]>): { len: number; value: T } | undefined {
    let best: { len: number; value: T } | undefined
    for (const [words, value] of table) {
      const len = this.phrase(k, words)
      if (len > 0 && (!best || len > best.len)) best = { len, value }
    }
    return best
  }

  private numberAt(k: number): number | undefined {
    const it = this.items[k]
    if (it?.kind !== 'word') return undefined
    if (it.token.number !== undefined) return it.token.number
    return Object.hasOwn(NUMBER_WORDS, it.token.text) ? NUMBER_WORDS[it.token.text] : undefined
  }

  run(): Draft {
    this.detectCues()
    const items = this.items
    for (let k = 0; k < items.length;) {
      const it = items[k]
      if (it.kind === 'time') {
        this.d.times.push(it.time)
        this.d.notes.push(`"${it.text.trim()}" → time range ${fmtRange(it.time)}`)
        this.resetModes()
        k++
        continue
      }
      if (it.kind === 'match') {
        this.onMatch(k)
        k++
        continue
      }
      k += this.onWord(k)
    }
    if (this.pendingNumber) {
      // "show me 10" after a ranking: the planner decides once it knows this is a follow-up
      const alone = this.d.metrics.length === 0 && this.d.groups.length === 0 && this.d.values.length === 0 && !this.d.rank && this.d.times.length === 0 && this.d.fieldFilters.length === 0
      if (alone && this.d.limit === undefined) this.d.bareNumber = { n: this.pendingNumber.n, text: this.pendingNumber.text }
      else this.d.unknown.push({ text: this.pendingNumber.text })
    }
    // "sort them by orders": re-sorts the last answer, keeping what it showed
    if (this.d.cue.sort && !this.d.cue.instead && !this.d.cue.replace) this.d.cue.add = true
    // "over 100" with nothing to compare: say so rather than drop it
    if (this.pendingCompare) this.d.unknown.push({ text: this.pendingCompare.text, afterMarker: 'compare' })
    // "sales in or": a preposition followed only by conjunctions leaves its filter unsaid; the answer
    // would silently be for everything (a bare trailing preposition is left: cut phrases leave them)
    this.danglingPreposition()
    // "units sold": the verb only echoes a metric that is named anyway
    const echo = (m: Mention) => VERB_METRIC_WORDS.has(m.text.toLowerCase())
    if (this.d.metrics.some((m) => !echo(m))) {
      const dropped = this.d.metrics.filter(echo)
      this.d.metrics = this.d.metrics.filter((m) => !echo(m))
      if (this.d.rank?.metric && dropped.includes(this.d.rank.metric)) this.d.rank.metric = undefined
      this.d.order = this.d.order.filter((o) => !dropped.includes(o.mention))
      this.d.fieldFilters = this.d.fieldFilters.filter((f) => !dropped.includes(f.mention))
    }
    // "sales volume": two metric words side by side are one noun phrase; its head (the last word) names the metric
    const modifiers = this.d.metrics.filter((m) => this.d.metrics.some((n) => n.at === m.at + 1))
    if (modifiers.length) {
      this.d.metrics = this.d.metrics.filter((m) => !modifiers.includes(m))
      // "new patient visits": a modifier that is also a value (NP = new patient) filters the head metric
      // instead of being dropped; dropping it would answer for all visits
      for (const m of modifiers) {
        const it = this.items[m.at]
        const V = it.kind === 'match' ? it.hits.filter((h) => h.target.kind === 'value') : []
        if (V.length) {
          this.d.values.push({ text: m.text, at: m.at, hits: V, negate: false })
          this.d.notes.push(`"${m.text}" qualifies the next metric word as a value`)
        }
      }
      if (this.d.rank?.metric && modifiers.includes(this.d.rank.metric)) this.d.rank.metric = this.d.metrics.find((n) => n.at === this.d.rank!.metric!.at + 1)
      this.d.order = this.d.order.filter((o) => !modifiers.includes(o.mention))
      this.d.fieldFilters = this.d.fieldFilters.filter((f) => !modifiers.includes(f.mention))
      for (const m of modifiers) if (!this.d.values.some((v) => v.at === m.at)) this.d.notes.push(`"${m.text}" only qualifies the next metric word`)
    }
    // "which store sold the most Electronics": the subject waited for a ranking metric that never came
    const rank = this.d.rank
    if (rank && !rank.subject && this.pendingSubject) {
      rank.subject = this.pendingSubject.group
      rank.singular = this.pendingSubject.singular && rank.n === undefined && this.d.limit === undefined
    }
    // "store with the lowest revenue": a singular subject asks for one row
    if (rank && !rank.subject && rank.n === undefined && this.d.limit === undefined) {
      const live = this.d.groups.filter((g) => !g.absorbed)
      if (live.length === 1 && live[0].bareSingular) { rank.subject = live[0]; rank.singular = true }
    }
    // "in store vs online": compared values are also a breakdown
    this.compareValues()
    // "non-instant bookings": the noun of a boolean filter is the metric when nothing else is
    this.d.impliedMetrics = this.implied
    return this.d
  }

  private danglingPreposition(): void {
    let k = this.items.length - 1
    while (k >= 0 && this.items[k].kind === 'word' && (CONJUNCTIONS.has(this.word(k)!) || /^[?.!]$/.test(this.word(k)!))) k--
    const w = this.word(k)
    if (k < 0 || k === this.items.length - 1 || !w || !['in', 'for', 'at', 'from', 'with', 'where', 'excluding', 'except', 'without'].includes(w)) return
    this.d.unknown.push({ text: this.span(k, this.items.length - k), afterMarker: w })
  }

  private resetModes(): void {
    this.groupMode = false
    this.negMode = false
    this.filterMode = false
    this.removeMode = false
    this.allMode = false
  }

  private detectCues(): void {
    const cue = this.d.cue
    let k = 0
    while (this.word(k) === 'ok' || this.word(k) === 'okay' || this.word(k) === 'great' || this.word(k) === 'thanks' || this.word(k) === ',' || this.word(k) === 'so' || this.word(k) === 'then' || this.word(k) === 'now' && this.word(k + 1) === 'and') k++
    const startsWith = (table: string[][]) => table.some((p) => this.phrase(k, p) > 0)
    this.cueAt = k
    if (startsWith(EDIT_PHRASES)) cue.replace = true
    if (ORDER_MARKERS.some((m) => m.length >= 2 && m[m.length - 1] === 'by' && this.phrase(k, m) > 0)) cue.sort = true
    if (startsWith(FOLLOW_UP_REPLACE)) cue.replace = true
    else if (startsWith(FOLLOW_UP_ADD)) cue.add = true
    if (startsWith(FOLLOW_UP_REMOVE)) cue.remove = true
    for (let j = 0; j < this.items.length; j++) {
      const w = this.word(j)
      if (w === 'instead' || w === 'rather') cue.instead = true
      if ((w === 'too' || (w === 'as' && this.word(j + 1) === 'well')) && j >= this.items.length - 3) cue.add = true
    }
  }

  /** Handles plain words; returns how many items were consumed. */
  private onWord(k: number): number {
    const w = this.word(k)!
    const d = this.d

    // "change it to", "same but": the edit verb of a follow-up means nothing more
    if (k === this.cueAt) {
      const edit = this.longestPhrase(k, EDIT_PHRASES)
      if (edit) return edit
    }
    // "most recent first", "chronologically": sort by the time grouping
    const timeOrder = this.longest(k, TIME_ORDER_PHRASES)
    if (timeOrder) {
      d.order.push({ mention: { text: this.span(k, timeOrder.len), at: k, hits: [] }, as: 'time', dir: timeOrder.value })
      d.notes.push(`"${this.span(k, timeOrder.len)}" → sort by time ${timeOrder.value === 'asc' ? 'ascending' : 'descending'}`)
      return timeOrder.len
    }
    // "drop the date filter", "without a time range"
    if (this.removeMode || this.d.cue.remove) {
      const tf = this.longestPhrase(k, TIME_FILTER_WORDS)
      if (tf) {
        d.clearTime = true
        d.notes.push(`"${this.span(k, tf)}" → no time range`)
        return tf
      }
    }
    // "all categories but Toys" excludes; elsewhere "but" only joins clauses ("same but weekly")
    if (w === 'but' && this.word(k + 1) !== 'not') {
      if (this.allMode || this.unfilterAt === k - 1 || this.lastRole?.kind === 'group' && this.d.groups.length && this.wordBefore(k, ['all', 'every', 'any'])) {
        this.negMode = true
        this.filterMode = true
        this.groupMode = false
        this.allMode = false
        const g = this.d.groups[this.d.groups.length - 1]
        // "all categories": named to be excluded from, not to group by
        if (g && !g.marked) g.absorbed = true
        this.lastMarker = 'but'
      }
      return 1
    }
    // "by is_lux", "grouped by has_discount": the flag's verb stays inside the grouping
    if (this.groupMode && (w === 'is' || w === 'has') && this.items[k + 1]?.kind === 'match') return 1
    // sort direction phrases ("high to low", "descending")
    const dir = this.longest(k, DIRECTION_PHRASES)
    if (dir) {
      if (w === 'alphabetically' || w === 'alphabetical') d.order.push({ mention: { text: w, at: k, hits: [] }, as: 'dimension', dir: 'asc' })
      const last = d.order[d.order.length - 1]
      if (last && last.dir === undefined) last.dir = dir.value
      else d.direction = dir.value
      d.notes.push(`"${this.span(k, dir.len)}" → sort ${dir.value === 'asc' ? 'ascending' : 'descending'}`)
      return dir.len
    }
    // explicit sort ("sorted by", "order by")
    for (const m of ORDER_MARKERS) {
      const len = this.phrase(k, m)
      if (len) {
        this.orderMode = true
        this.groupMode = false
        return len
      }
    }
    // comparisons: "over 10000", "between 10 and 20", "at least 5"
    if (w === 'between') {
      const a = this.numberAt(k + 1)
      const b = this.numberAt(k + 3)
      if (a !== undefined && b !== undefined && (this.word(k + 2) === 'and' || this.word(k + 2) === 'to' || this.word(k + 2) === '-')) {
        this.compare('between', [Math.min(a, b), Math.max(a, b)], this.span(k, 4), k, 4)
        return 4
      }
    }
    const cmp = this.longest(k, COMPARATORS)
    if (cmp) {
      const n = this.numberAt(k + cmp.len)
      if (n !== undefined) {
        this.compare(cmp.value, n, this.span(k, cmp.len + 1), k, cmp.len + 1)
        return cmp.len + 1
      }
    }
    // numbers: "top 5", "5 best", "100 or more", "capacity 3", "10 stores"
    const num = this.numberAt(k)
    if (num !== undefined) {
      const after = this.longest(k + 1, COMPARATORS.filter(([p]) => p[0] === 'or' || p[0] === '+'))
      if (after) {
        this.compare(after.value, num, this.span(k, 1 + after.len), k, 1 + after.len)
        return 1 + after.len
      }
      if (this.word(k + 1) === '+') { this.compare('>=', num, this.span(k, 2), k, 2); return 2 }
      // "3 months" is a time phrase already; here it is a count or a value
      const prevRole = this.lastRole
      let gap = k - 1
      while (gap > 0 && NARROW_GLUE.has(this.word(gap) ?? '')) gap--
      const lnf = this.lastNumberFilter
      if (lnf && lnf.at === k - 2 && CONJUNCTIONS.has(this.word(k - 1) ?? '') && (lnf.filter.op === '=' || lnf.filter.op === 'in')) {
        // "capacity 2 or 3": one more accepted value
        const f = lnf.filter
        const values = Array.isArray(f.value) ? f.value : [f.value]
        if (!values.includes(num)) values.push(num)
        f.op = 'in'
        f.value = values
        f.text += ` ${this.word(k - 1)} ${w}`
        this.lastNumberFilter = { filter: f, at: k }
        d.notes.push(`"${f.text}" → filter ${f.mention.hits[0].target.name} in ${values.join(', ')}`)
        return 1
      }
      if (prevRole?.kind === 'group' && prevRole.at === gap && prevRole.mention && this.isNumericGroup(prevRole.mention)) {
        // "capacity 3": the dimension was a filter, not a grouping
        this.retractGroup(prevRole.mention)
        const filter: FieldFilter = { mention: prevRole.mention, as: 'dimension', op: '=', value: num, text: `${prevRole.mention.text} ${w}` }
        d.fieldFilters.push(filter)
        this.lastNumberFilter = { filter, at: k }
        d.notes.push(`"${prevRole.mention.text} ${w}" → filter ${prevRole.mention.hits[0].target.name} = ${num}`)
        return 1
      }
      if (d.rank && d.rank.n === undefined && this.lastWordWasRank(k)) {
        d.rank.n = num
        d.rank.text += ` ${w}`
        return 1
      }
      this.pendingNumber = { n: num, text: w, at: k }
      return 1
    }
    // ranking: "top", "bottom", "highest", "most", "best"...
    const sup = SUPERLATIVES[w]
    // "which channel brings in more revenue": a comparative after "which" picks the winner
    const comparativeRank = ['more', 'less', 'higher', 'lower', 'fewer'].includes(w) && (this.whichAt >= 0 || this.pendingSubject !== undefined) &&
      this.word(k + 1) !== 'than' && this.numberAt(k + 1) === undefined && !d.rank
    if (sup && (comparativeRank || !['more', 'less', 'higher', 'lower', 'fewer', 'popular'].includes(w))) {
      const nAfter = this.numberAt(k + 1)
      const explicitTop = w === 'top' || w === 'bottom'
      let n: number | undefined
      let len = 1
      if (nAfter !== undefined && explicitTop) { n = nAfter; len = 2 }
      else if (this.pendingNumber && this.pendingNumber.at >= k - 2) { n = this.pendingNumber.n; this.pendingNumber = undefined }
      if (!d.rank) d.rank = { dir: sup, word: w, n, explicitTop, singular: false, text: this.span(k, len) }
      else { d.rank.dir = sup; d.rank.word = w; if (n !== undefined) d.rank.n = n; d.rank.explicitTop ||= explicitTop }
      this.rankAt = k + len - 1
      this.groupMode = false
      this.filterMode = false
      return len
    }
    // limits: "limit 10", "first 20"
    for (const m of LIMIT_MARKERS) {
      const len = this.phrase(k, m)
      if (len) {
        const n = this.numberAt(k + len)
        if (n !== undefined) {
          d.limit = n
          d.notes.push(`"${this.span(k, len + 1)}" → limit ${n}`)
          return len + 1
        }
      }
    }
    // grains: "monthly", "by week", "per quarter", "month over month", "for each day"
    const adj = GRAIN_ADJECTIVES[w]
    if (adj) {
      d.grains.push({ grain: adj, text: w })
      return 1
    }
    const noun = GRAIN_NOUNS[w]
    if (noun && this.orderMode) {
      // "ordered by month": sort by the time grouping
      this.orderMode = false
      d.order.push({ mention: { text: w, at: k, hits: [] }, as: 'time', grain: noun })
      return 1
    }
    if (noun) {
      for (const r of GRAIN_REPEATS) {
        if (this.word(k + 1) === r && GRAIN_NOUNS[this.word(k + 2) ?? ''] === noun) {
          d.grains.push({ grain: noun, text: this.span(k, 3) })
          return 3
        }
      }
      if (this.groupMode || this.lastWordIn(k, ['by', 'per', 'each', 'every', 'a'])) {
        d.grains.push({ grain: noun, text: w })
        return 1
      }
    }
    for (const p of TREND_PHRASES) {
      const len = this.phrase(k, p)
      if (len) {
        d.trend = true
        d.notes.push(`"${this.span(k, len)}" → a time series`)
        return len
      }
    }
    // group markers ("by", "per", "broken down by", "for each")
    for (const m of GROUP_MARKERS) {
      const len = this.phrase(k, m)
      if (len) {
        this.groupMode = true
        this.filterMode = false
        this.negMode = false
        this.allMode = m.includes('all')
        this.lastMarker = this.span(k, len)
        this.groupSlotAt = k + len
        return len
      }
    }
    for (const m of NEGATIONS) {
      const len = this.phrase(k, m)
      if (len) {
        this.negMode = true
        this.groupMode = false
        this.filterMode = true
        this.removeMode = this.d.cue.remove || m[0] === 'without'
        this.lastMarker = this.span(k, len)
        return len
      }
    }
    for (const m of FOLLOW_UP_REMOVE) {
      const len = this.phrase(k, m)
      if (len && k === 0) {
        this.removeMode = true
        this.negMode = true
        this.lastMarker = this.span(k, len)
        return len
      }
    }
    if (CONJUNCTIONS.has(w) || w === 'vs' || w === 'versus') {
      // chains continue across "and", ","; after a value the next one is a value too ("Texas or the US")
      if (this.lastRole?.kind === 'value') this.filterMode = true
      return 1
    }
    if (w === 'all' || w === 'every' || w === 'any') {
      this.allMode = true
      return 1
    }
    if (QUESTION_WORDS.has(w)) {
      this.whichAt = k
      return 1
    }
    if (FILTER_PREPS.has(w)) {
      this.filterMode = true
      this.groupMode = false
      this.lastMarker = w
      return 1
    }
    if (SKIPPABLE.has(w)) return 1
    const next = this.items[k + 1]
    if (next?.kind === 'match' && ((ZERO_WORDS.has(w) && next.hits.some((h) => h.target.kind === 'metric')) || (DISTINCT_WORDS.has(w) && next.hits[0]?.target.kind === 'dimension'))) {
      // "brands with no sales": the rows asked for are the ones missing from the answer; "distinct
      // products sold": a count of distinct values, not a breakdown by them. Neither is what the
      // plan would compute if the word were dropped as filler.
      d.unknown.push({ text: this.items[k].text })
      return 1
    }
    if (GENERIC_NOUNS.has(w) && ((this.groupMode && k === this.groupSlotAt) || (this.items[k - 1]?.kind === 'match' && this.word(k + 1) !== 'of') || (this.word(k + 1) === 'of' && this.items[k + 2]?.kind === 'match'))) {
      // "terminations by type": the grouping's noun is only a placeholder for a dimension
      // the layer did not match; "sales by store type": it turns the name before it into
      // another attribute (a store's type, not the store). Dropping it answers another question.
      d.unknown.push({ text: this.items[k].text, afterMarker: this.lastMarker })
      return 1
    }
    if (FILLER.has(w) || FILLER.has(this.stemOf(k))) {
      // ordinary words end group/negation chains ("by region, show sales")
      if (!['total', 'number', 'amount', 'count', 'sum', 'value'].includes(w)) this.groupMode = false
      return 1
    }
    if (w === ',' || w === '/' || w === '&') return 1
    d.unknown.push({ text: this.items[k].text, afterMarker: this.filterMode || this.groupMode || this.negMode ? this.lastMarker : undefined })
    return 1
  }

  private rankAt = -1
  /** The item right after the last group marker ("by", "per"): where its dimension should stand. */
  private groupSlotAt = -1
  /** Where "all <dimension>" stood ("all categories but Toys"). */
  private unfilterAt = -1
  private rankMetricAt = -1

  private stemOf(k: number): string {
    const it = this.items[k]
    return it?.kind === 'word' ? it.token.stem : ''
  }

  private lastWordWasRank(k: number): boolean {
    return this.rankAt === k - 1
  }

  private longestPhrase(k: number, table: string[][]): number {
    let best = 0
    for (const p of table) best = Math.max(best, this.phrase(k, p))
    return best
  }

  /** Whether one of the words stands among the two items before the last group mention's start. */
  private wordBefore(k: number, words: string[]): boolean {
    const g = this.d.groups[this.d.groups.length - 1]
    if (!g) return false
    for (let j = g.at - 1; j >= 0 && j >= g.at - 2; j--) if (words.includes(this.word(j) ?? '')) return true
    return false
  }

  private lastWordIn(k: number, words: string[]): boolean {
    const w = this.word(k - 1)
    return w !== undefined && words.includes(w)
  }

  private span(k: number, len: number): string {
    return this.items.slice(k, k + len).map((i) => i.text).join(' ')
  }

  private compare(op: CompareOp, value: number | number[], text: string, k: number, len: number): void {
    // a field right after wins: "more than 100 orders", "less than $1M in sales"
    for (let j = k + len; j < this.items.length && j <= k + len + 2; j++) {
      const it = this.items[j]
      if (it.kind === 'match') {
        if (it.hits.some((h) => h.target.kind === 'metric' || h.target.kind === 'dimension')) this.pendingCompare = { op, value, text }
        break
      }
      if (it.kind !== 'word' || !LINK_AFTER_NUMBER.has(it.token.text)) break
    }
    if (this.pendingCompare) return
    // else the nearest metric (or numeric dimension) before: "sales over 10000", "sales of more than 10000"
    for (let j = k - 1; j >= 0 && j >= k - 4; j--) {
      const it = this.items[j]
      if (it.kind === 'match') {
        const m = this.mentionAt(j)
        if (m && (m.as === 'metric' || this.isNumericGroup(m.mention))) {
          this.addFieldFilter(m.mention, m.as, op, value, `${it.text} ${text}`)
          return
        }
        break
      }
      if (it.kind === 'word' && !COPULA.has(it.token.text)) break
      if (it.kind === 'time') break
    }
    // or the first metric after ("with over 100 in orders")
    this.pendingCompare = { op, value, text }
  }

  private addFieldFilter(mention: Mention, as: 'metric' | 'dimension', op: CompareOp, value: number | number[], text: string): void {
    if (as === 'dimension') this.retractGroup(mention)
    this.d.fieldFilters.push({ mention, as, op, value, text })
    const v = Array.isArray(value) ? `${value[0]} and ${value[1]}` : String(value)
    this.d.notes.push(`"${text}" → filter ${mention.hits[0]?.target.name} ${op} ${v}`)
  }

  /** The role a match item at j was given (metric or dimension mention). */
  private mentionAt(j: number): { mention: Mention; as: 'metric' | 'dimension' } | undefined {
    const metric = this.metricMentions.find((m) => m.at === j)
    if (metric) return { mention: metric, as: 'metric' }
    const group = this.d.groups.find((g) => g.at === j && !g.absorbed)
    if (group) return { mention: group, as: 'dimension' }
    const it = this.items[j]
    if (it.kind === 'match') {
      const dims = it.hits.filter((h) => h.target.kind === 'dimension')
      if (dims.length) return { mention: { text: it.text, at: j, hits: dims }, as: 'dimension' }
    }
    return undefined
  }

  private retractGroup(mention: Mention): void {
    const g = this.d.groups.find((x) => x.at === mention.at)
    if (g) g.absorbed = true
  }

  private isNumericGroup(m: Mention): boolean {
    const h = m.hits[0]
    if (!h || h.target.kind !== 'dimension') return false
    const dim = h.target.dim
    return dim.type === 'categorical' && (dim.value_type === 'number' || (!!dim.sample_values?.length && dim.sample_values.every((v) => typeof v === 'number' || /^-?\d+(\.\d+)?$/.test(String(v)))))
  }

  // ------------------------------------------------------------ catalog mentions

  private onMatch(k: number): void {
    const it = this.items[k] as Extract<Item, { kind: 'match' }>
    const d = this.d
    const M = it.hits.filter((h) => h.target.kind === 'metric')
    const D = it.hits.filter((h) => h.target.kind === 'dimension')
    const V = it.hits.filter((h) => h.target.kind === 'value')
    const q = (hs: Hit[]) => hs[0]?.quality ?? 0
    const mention = (hits: Hit[]): Mention => ({ text: it.text, at: k, hits })
    if (it.corrected.length) d.notes.push(`read ${it.corrected.map((c) => `"${c.replace('→', '" as "')}"`).join(', ')}`)

    // Words like "us" only count as a value after a preposition ("in the US").
    if (it.weak && !(this.filterMode && V.length)) {
      this.lastRole = { kind: 'other', at: k }
      return
    }

    if (this.pendingCompare && (M.length || D.length)) {
      const pc = this.pendingCompare
      this.pendingCompare = undefined
      const as = M.length ? 'metric' : 'dimension'
      const m = mention(M.length ? M : D)
      if (as === 'metric') this.addMetric(m)
      this.addFieldFilter(m, as, pc.op, pc.value, `${pc.text} ${it.text}`)
      this.lastRole = { kind: as === 'metric' ? 'metric' : 'other', at: k, mention: m }
      this.resetModes()
      return
    }

    if (this.orderMode) {
      this.orderMode = false
      if (M.length) {
        const m = mention(M)
        this.addMetric(m)
        d.order.push({ mention: m, as: 'metric' })
      } else if (D.length) {
        const m = mention(D)
        d.order.push({ mention: m, as: 'dimension' })
        if (!this.groupedAlready(m)) this.addGroup(m)
      }
      this.lastRole = { kind: 'other', at: k }
      return
    }

    // rank subject: "top 5 stores", "which region", "the 3 best products", "best selling category"
    const afterRank = d.rank && !d.rank.subject && this.rankAt >= 0 && (this.onlySkippableBetween(this.rankAt, k) || (this.rankMetricAt >= 0 && this.onlySkippableBetween(this.rankMetricAt, k)))
    const afterWhich = this.whichAt >= 0 && this.onlySkippableBetween(this.whichAt, k)
    const afterNumber = this.pendingNumber && this.onlySkippableBetween(this.pendingNumber.at, k)
    // "the most customers" ranks by a metric; "top 5 customers" ranks customers
    const metricRank = afterRank && !afterWhich && !afterNumber && M.length > 0 && this.rankMetricAt < 0 &&
      (this.pendingSubject !== undefined || !JUDGMENT_RANKS.has(d.rank!.word))
    if (D.length && (afterRank || afterWhich || afterNumber) && !metricRank) {
      const g = this.addGroup(mention(D))
      g.marked = true
      const singular = this.isSingular(it)
      if (afterNumber && this.pendingNumber) {
        // "10 stores with the most sales" / "show 10 stores"
        if (d.rank) d.rank.n ??= this.pendingNumber.n
        else d.limit = this.pendingNumber.n
        this.pendingNumber = undefined
      }
      if (d.rank) { d.rank.subject = g; d.rank.singular = singular && d.rank.n === undefined && d.limit === undefined }
      else this.pendingSubject = { group: g, singular: singular && afterWhich === true }
      this.whichAt = -1
      this.lastRole = { kind: 'group', at: k, mention: g }
      this.resetModes()
      return
    }
    if (afterNumber) {
      // a number before a non-dimension: leave it for the unknown list
      d.unknown.push({ text: this.pendingNumber!.text })
      this.pendingNumber = undefined
    }
    // superlative followed by a metric: "highest sales", "the most orders"
    if (M.length && d.rank && !d.rank.metric && this.rankAt >= 0 && this.onlySkippableBetween(this.rankAt, k)) {
      const m = mention(M)
      this.addMetric(m)
      d.rank.metric = m
      this.rankMetricAt = k
      if (this.pendingSubject && !d.rank.subject) { d.rank.subject = this.pendingSubject.group; d.rank.singular = this.pendingSubject.singular && d.limit === undefined }
      this.lastRole = { kind: 'metric', at: k, mention: m }
      return
    }

    if (this.groupMode) {
      if (this.allMode && D.length && this.d.cue.remove) { d.removals.push(mention(D)); return }
      // "top 5 stores by sales": the metric after "by" ranks the subject
      if (M.length && (!D.length || (d.rank?.subject && !d.rank.metric))) {
        const m = mention(M)
        this.addMetric(m)
        if (d.rank && !d.rank.metric) d.rank.metric = m
        else if (d.groups.some((g) => !g.absorbed) || this.pendingSubject) d.order.push({ mention: m, as: 'metric' })
        this.groupMode = false
        this.lastRole = { kind: 'metric', at: k, mention: m }
        return
      }
      if (D.length) {
        const g = this.addGroup(mention(D))
        g.marked = true
        this.lastRole = { kind: 'group', at: k, mention: g }
        return // stay in group mode for "by region and category"
      }
    }

    if (V.length && (this.negMode || this.filterMode || !M.length || q(V) > q(M) || (d.metrics.length > 0 && this.filterMode))) {
      // "excluding the West region" / "for Electronics" / "Electronics sales"
      const useValue = this.negMode || this.filterMode || !M.length || q(V) > q(M)
      if (useValue) {
        const v: ValueMention = { text: it.text, at: k, hits: V, negate: this.negMode, introduced: this.filterMode || this.negMode, ...(M.length ? { metricHits: M } : {}) }
        const implied = V.find((h) => h.implied)?.implied
        if (implied) this.implied.push({ text: it.text, at: k, hits: [implied] })
        this.narrowByNeighbour(v, k)
        d.values.push(v)
        this.lastRole = { kind: 'value', at: k, mention: v }
        this.filterMode = false
        this.groupMode = false
        return
      }
    }

    if (this.removeMode && D.length && !M.length) {
      d.removals.push(mention(D))
      this.lastRole = { kind: 'other', at: k }
      return
    }
    if (this.allMode && D.length && !M.length) {
      // "for all regions": no filter on region
      d.unfilters.push(mention(D))
      this.allMode = false
      this.unfilterAt = k
      this.lastRole = { kind: 'other', at: k }
      return
    }

    // A dimension right next to a value of its own entity names that value:
    // "West region", "the Austin store", "corporate customers".
    if (D.length && this.lastRole?.kind === 'value' && this.lastRole.at === k - 1) {
      const v = this.lastRole.mention as ValueMention
      if ((!M.length || d.metrics.length > 0 || v.introduced) && this.compatible(v, D)) {
        this.narrow(v, D, M.length ? undefined : this.items[k].text)
        if (M.length) this.implied.push(mention(M))
        this.lastRole = { kind: 'other', at: k }
        return
      }
    }
    // "bookings for listings with capacity 4": the noun introduces a filter on its entity
    // ("average booking value for bookings that were not instant": the noun may be a metric's name too)
    if (this.filterMode && d.metrics.length > 0 && (M.length || D.some((h) => h.target.kind === 'dimension' && h.target.dim.type === 'entity')) && ENTITY_NOUN_FOLLOWERS.has(this.word(k + 1) ?? '') && !V.length) {
      d.notes.push(`"${it.text}" → names what the filter applies to`)
      this.lastRole = { kind: 'other', at: k }
      return
    }

    if (M.length && (!D.length || !this.filterMode || q(M) >= q(D) || d.metrics.length === 0)) {
      const m = mention(M)
      this.addMetric(m)
      this.lastRole = { kind: 'metric', at: k, mention: m }
      this.resetModes()
      return
    }
    if (D.length) {
      const g = this.addGroup(mention(D))
      g.bareSingular = !this.filterMode && this.isSingular(it)
      this.lastRole = { kind: 'group', at: k, mention: g }
      this.filterMode = false
      this.negMode = false
      return
    }
    this.lastRole = { kind: 'other', at: k }
  }

  private compareValues(): void {
    for (let k = 0; k < this.items.length; k++) {
      const w = this.word(k)
      let before: ValueMention | undefined
      let after: ValueMention | undefined
      if (w === 'between') {
        // "split between online and in store"
        before = this.d.values.find((v) => v.at === k + 1 || (v.at === k + 2 && SKIPPABLE.has(this.word(k + 1) ?? '')))
        after = before && this.d.values.find((v) => v.at > before!.at && v.at <= before!.at + 3)
      } else if (w === 'vs' || w === 'versus' || (w === 'compared' && this.word(k + 1) === 'to') || w === 'against' ||
        ((w === 'and' || w === 'with') && this.items.slice(0, k).some((it) => it.kind === 'word' && COMPARE_VERBS.has(it.token.text)))) {
        // "compare online and in-store orders": after a compare verb, "and" sets values side by side
        before = this.d.values.filter((v) => v.at < k).pop()
        after = this.d.values.find((v) => v.at > k)
      } else continue
      if (!before || !after || before.negate || after.negate) continue
      const dims = before.hits.map((h) => h.target.name).filter((n) => after.hits.some((h) => h.target.name === n))
      const dim = before.hits.find((h) => h.target.kind === 'value' && dims.includes(h.target.name))
      if (!dim || dim.target.kind !== 'value') continue
      if (this.d.groups.some((g) => !g.absorbed && g.hits[0]?.target.name === dim.target.name)) continue
      this.d.groups.push({ text: `${before.text} ${w} ${after.text}`, at: k, hits: [{ target: { kind: 'dimension', name: dim.target.name, dim: dim.target.dim }, quality: 1, source: 'name' }] })
      this.d.notes.push(`"${before.text} ${w} ${after.text}" → compare by ${dim.target.name}`)
    }
  }

  private pendingSubject?: { group: GroupMention; singular: boolean }
  private readonly implied: Mention[] = []

  private isEntityLike(D: Hit[]): boolean {
    return D.some((h) => h.target.kind === 'dimension' && (h.target.dim.type === 'entity' || h.target.dim.type === 'categorical'))
  }

  private onlySkippableBetween(a: number, b: number): boolean {
    for (let j = a + 1; j < b; j++) {
      const w = this.word(j)
      if (w === undefined) return false
      if (!SKIPPABLE.has(w) && !['performing', 'selling', 'sold', 'earning', 'grossing', 'most', 'best', 'popular', 'top', 'highest', 'lowest', 'largest', 'biggest', 'valuable', 'active', 'busiest', 'performer', 'performers'].includes(w) && this.numberAt(j) === undefined) return false
    }
    return true
  }

  private isSingular(it: Extract<Item, { kind: 'match' }>): boolean {
    const text = it.text.toLowerCase()
    const lastWord = text.split(/\s+/).pop() ?? ''
    return !/s$/.test(lastWord) || /(ss|us|is)$/.test(lastWord)
  }

  private addMetric(m: Mention): void {
    const name = m.hits[0].target.name
    this.metricMentions.push(m) // every mention, so "revenue ... where revenue > 1m" finds the second one
    if (!this.d.metrics.some((x) => x.hits[0].target.name === name)) this.d.metrics.push(m)
  }
  private readonly metricMentions: Mention[] = []

  private addGroup(m: Mention): GroupMention {
    const g: GroupMention = { ...m }
    this.d.groups.push(g)
    return g
  }

  private groupedAlready(m: Mention): boolean {
    return this.d.groups.some((g) => !g.absorbed && g.hits[0]?.target.name === m.hits[0]?.target.name)
  }

  /** Entity of a dimension query name: `store__region` → `store`; an entity is itself. */
  private entityOf(h: Hit): string | undefined {
    if (h.target.kind === 'metric') return undefined
    const dim = h.target.dim
    if (dim.type === 'entity') return dim.name
    const parts = dim.name.split('__')
    return parts.length > 1 ? parts[parts.length - 2] : undefined
  }

  private compatible(v: ValueMention, D: Hit[]): boolean {
    return v.hits.some((vh) => D.some((dh) => dh.target.name === vh.target.name || (this.entityOf(dh) !== undefined && this.entityOf(dh) === this.entityOf(vh))))
  }

  /** Keeps only the value readings that belong to the named dimension/entity. */
  private narrow(v: ValueMention, D: Hit[], text?: string): void {
    const exact = v.hits.filter((vh) => D.some((dh) => dh.target.name === vh.target.name))
    const sameEntity = v.hits.filter((vh) => D.some((dh) => this.entityOf(dh) !== undefined && this.entityOf(dh) === this.entityOf(vh)))
    const keep = exact.length ? exact : sameEntity
    // "Product division" when Product is a department name: the word names another attribute of
    // the same entity (its division), not the value's own dimension; reading it as the value's
    // noun would answer for the department. The word is not accounted for.
    if (text && !exact.length && sameEntity.length && D.every((h) => h.target.kind === 'dimension' && h.target.dim.type === 'categorical')) {
      this.d.unknown.push({ text })
    }
    if (keep.length) v.hits = keep
    // the dimension was only naming the value: drop a grouping it caused
    for (const g of this.d.groups) if (!g.absorbed && !g.marked && D.some((dh) => g.hits[0]?.target.name === dh.target.name) && Math.abs(g.at - v.at) <= 2) g.absorbed = true
  }

  /** "region West", "category is Electronics": a dimension just before its value. */
  private narrowByNeighbour(v: ValueMention, k: number): void {
    for (let j = k - 1; j >= 0 && j >= k - 4; j--) {
      const it = this.items[j]
      if (it.kind === 'word' && (NARROW_GLUE.has(it.token.text) || (v.negate && NEGATION_WORDS.has(it.token.text)))) continue
      if (it.kind !== 'match') return
      const D = it.hits.filter((h) => h.target.kind === 'dimension')
      if (D.length && this.compatible(v, D)) {
        const g = this.d.groups.find((x) => x.at === j)
        if (g?.marked) return
        if (g) g.absorbed = true
        this.narrow(v, D)
      }
      return
    }
  }
}

function fmtRange(t: TimeRangeMatch): string {
  const r = t.range
  if (!r.start && !r.end) return 'all time'
  if (r.start && r.end) return r.start === r.end ? r.start : `${r.start} to ${r.end}`
  return r.start ? `from ${r.start}` : `until ${r.end}`
}
