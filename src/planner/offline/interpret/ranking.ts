// Top-n: ranking words ("top", "most", "which ... more"), their count, their
// subject ("top 5 stores", "which region") and metric ("highest sales"),
// and limits ("limit 10", "show me 10").
import { LIMIT_MARKERS, SUPERLATIVES } from '../lexicon'
import {
  addGroup, addMetric, isSingular, numberAt, onlySkippableBetween, phrase, resetModes, span, word,
  type MatchRule, type ReadState, type WordRule,
} from './state'

const QUESTION_WORDS = new Set(['which', 'what', 'whose'])
/** Ranking words that judge a subject ("top stores") rather than a quantity ("most orders"). */
const JUDGMENT_RANKS = new Set(['top', 'bottom', 'best', 'worst', 'leading', 'strongest', 'weakest'])

/** "which", "what": a dimension right after is the subject of a ranking to come ("which region sold most"). */
export const questionWord: WordRule = (s, k, w) => {
  if (!QUESTION_WORDS.has(w)) return undefined
  s.whichAt = k
  return 1
}

/** "top 5": the number right after the ranking word is its count. */
export const rankCount: WordRule = (s, k, w) => {
  const num = numberAt(s, k)
  if (num === undefined || !(s.d.rank && s.d.rank.n === undefined && s.rankAt === k - 1)) return undefined
  s.d.rank.n = num
  s.d.rank.text += ` ${w}`
  return 1
}

/** Any other number waits for what it counts ("10 stores", "5 best"). */
export const pendingNumber: WordRule = (s, k, w) => {
  const num = numberAt(s, k)
  if (num === undefined) return undefined
  s.pendingNumber = { n: num, text: w, at: k }
  return 1
}

/** Ranking: "top", "bottom", "highest", "most", "best"... */
export const superlative: WordRule = (s, k, w) => {
  const d = s.d
  const sup = SUPERLATIVES[w]
  // "which channel brings in more revenue": a comparative after "which" picks the winner
  const comparativeRank = ['more', 'less', 'higher', 'lower', 'fewer'].includes(w) && (s.whichAt >= 0 || s.pendingSubject !== undefined) &&
    word(s, k + 1) !== 'than' && numberAt(s, k + 1) === undefined && !d.rank
  if (!(sup && (comparativeRank || !['more', 'less', 'higher', 'lower', 'fewer', 'popular'].includes(w)))) return undefined
  const nAfter = numberAt(s, k + 1)
  const explicitTop = w === 'top' || w === 'bottom'
  let n: number | undefined
  let len = 1
  if (nAfter !== undefined && explicitTop) { n = nAfter; len = 2 }
  else if (s.pendingNumber && s.pendingNumber.at >= k - 2) { n = s.pendingNumber.n; s.pendingNumber = undefined }
  if (!d.rank) d.rank = { dir: sup, word: w, n, explicitTop, singular: false, text: span(s, k, len) }
  else { d.rank.dir = sup; d.rank.word = w; if (n !== undefined) d.rank.n = n; d.rank.explicitTop ||= explicitTop }
  s.rankAt = k + len - 1
  s.groupMode = false
  s.filterMode = false
  return len
}

/** Limits: "limit 10", "first 20". */
export const limitMarker: WordRule = (s, k) => {
  for (const m of LIMIT_MARKERS) {
    const len = phrase(s, k, m)
    if (len) {
      const n = numberAt(s, k + len)
      if (n !== undefined) {
        s.d.limit = n
        s.d.notes.push(`"${span(s, k, len + 1)}" → limit ${n}`)
        return len + 1
      }
    }
  }
  return undefined
}

/** Rank subject: "top 5 stores", "which region", "the 3 best products", "best selling category". */
export const rankSubject: MatchRule = (s, { k, it, M, D, mention }) => {
  const d = s.d
  const afterRank = d.rank && !d.rank.subject && s.rankAt >= 0 && (onlySkippableBetween(s, s.rankAt, k) || (s.rankMetricAt >= 0 && onlySkippableBetween(s, s.rankMetricAt, k)))
  const afterWhich = s.whichAt >= 0 && onlySkippableBetween(s, s.whichAt, k)
  const afterNumber = s.pendingNumber && onlySkippableBetween(s, s.pendingNumber.at, k)
  // "the most customers" ranks by a metric; "top 5 customers" ranks customers
  const metricRank = afterRank && !afterWhich && !afterNumber && M.length > 0 && s.rankMetricAt < 0 &&
    (s.pendingSubject !== undefined || !JUDGMENT_RANKS.has(d.rank!.word))
  if (D.length && (afterRank || afterWhich || afterNumber) && !metricRank) {
    const g = addGroup(s, mention(D))
    g.marked = true
    const singular = isSingular(it)
    if (afterNumber && s.pendingNumber) {
      // "10 stores with the most sales" / "show 10 stores"
      if (d.rank) d.rank.n ??= s.pendingNumber.n
      else d.limit = s.pendingNumber.n
      s.pendingNumber = undefined
    }
    if (d.rank) { d.rank.subject = g; d.rank.singular = singular && d.rank.n === undefined && d.limit === undefined }
    else s.pendingSubject = { group: g, singular: singular && afterWhich === true }
    s.whichAt = -1
    s.lastRole = { kind: 'group', at: k, mention: g }
    resetModes(s)
    return true
  }
  if (afterNumber) {
    // a number before a non-dimension: leave it for the unknown list
    d.unknown.push({ text: s.pendingNumber!.text })
    s.pendingNumber = undefined
  }
  return false
}

/** Superlative followed by a metric: "highest sales", "the most orders". */
export const rankMetric: MatchRule = (s, { k, M, mention }) => {
  const d = s.d
  if (!(M.length && d.rank && !d.rank.metric && s.rankAt >= 0 && onlySkippableBetween(s, s.rankAt, k))) return false
  const m = mention(M)
  addMetric(s, m)
  d.rank.metric = m
  s.rankMetricAt = k
  if (s.pendingSubject && !d.rank.subject) { d.rank.subject = s.pendingSubject.group; d.rank.singular = s.pendingSubject.singular && d.limit === undefined }
  s.lastRole = { kind: 'metric', at: k, mention: m }
  return true
}

/** After reading: "show me 10" alone is a new limit for a ranked answer; a ranking's subject settles. */
export function finishRanking(s: ReadState): void {
  const d = s.d
  if (s.pendingNumber) {
    // "show me 10" after a ranking: the planner decides once it knows this is a follow-up
    const alone = d.metrics.length === 0 && d.groups.length === 0 && d.values.length === 0 && !d.rank && d.times.length === 0 && d.fieldFilters.length === 0
    if (alone && d.limit === undefined) d.bareNumber = { n: s.pendingNumber.n, text: s.pendingNumber.text }
    else d.unknown.push({ text: s.pendingNumber.text })
  }
}

/** "which store sold the most Electronics", "store with the lowest revenue": who the ranking ranks. */
export function finishRankSubject(s: ReadState): void {
  const d = s.d
  const rank = d.rank
  // "which store sold the most Electronics": the subject waited for a ranking metric that never came
  if (rank && !rank.subject && s.pendingSubject) {
    rank.subject = s.pendingSubject.group
    rank.singular = s.pendingSubject.singular && rank.n === undefined && d.limit === undefined
  }
  // "store with the lowest revenue": a singular subject asks for one row
  if (rank && !rank.subject && rank.n === undefined && d.limit === undefined) {
    const live = d.groups.filter((g) => !g.absorbed)
    if (live.length === 1 && live[0].bareSingular) { rank.subject = live[0]; rank.singular = true }
  }
}
