// Comparisons: numeric bounds on a metric or a numeric dimension ("over
// 10000", "between 10 and 20", "100 or more", "capacity 3 or 4") and values
// set side by side ("online vs in store"), which become a breakdown.
import { COMPARATORS, CONJUNCTIONS } from '../lexicon'
import type { CompareOp, FieldFilter, Mention, ValueMention } from './draft'
import {
  NARROW_GLUE, SKIPPABLE, addMetric, longest, numberAt, resetModes, retractGroup, span, word,
  type MatchRule, type ReadState, type WordRule,
} from './state'

const COMPARE_VERBS = new Set(['compare', 'comparing', 'compared', 'comparison'])
/** Words between a number and the field it bounds ("$1M in sales", "100 worth of orders"). */
const LINK_AFTER_NUMBER = new Set(['in', 'of', 'worth', 'the', 'total', 'dollars', 'usd', 'in'])
const COPULA = new Set(['is', 'are', 'was', 'were', 'be', 'been', '=', ':', 'equals', 'equal', 'of', 'named', 'called', 'as', 'being', 'with', 'having', 'has', 'had', 'total', 'a', 'an', 'the', 'where', 'whose', 'that', 'whom', 'in', 'got', 'get', 'did', 'do', 'does', 'generated', 'made', 'earned', 'recorded', 'value', 'amount', 'number', 'count', 'at', 'on'])

/** "between 10 and 20" */
export const betweenNumbers: WordRule = (s, k, w) => {
  if (w !== 'between') return undefined
  const a = numberAt(s, k + 1)
  const b = numberAt(s, k + 3)
  if (a !== undefined && b !== undefined && (word(s, k + 2) === 'and' || word(s, k + 2) === 'to' || word(s, k + 2) === '-')) {
    compare(s, 'between', [Math.min(a, b), Math.max(a, b)], span(s, k, 4), k, 4)
    return 4
  }
  return undefined
}

/** "over 10000", "at least 5" */
export const comparator: WordRule = (s, k) => {
  const cmp = longest(s, k, COMPARATORS)
  if (!cmp) return undefined
  const n = numberAt(s, k + cmp.len)
  if (n === undefined) return undefined
  compare(s, cmp.value, n, span(s, k, cmp.len + 1), k, cmp.len + 1)
  return cmp.len + 1
}

/** "100 or more", "5+" */
export const numberOrMore: WordRule = (s, k) => {
  const num = numberAt(s, k)
  if (num === undefined) return undefined
  const after = longest(s, k + 1, COMPARATORS.filter(([p]) => p[0] === 'or' || p[0] === '+'))
  if (after) {
    compare(s, after.value, num, span(s, k, 1 + after.len), k, 1 + after.len)
    return 1 + after.len
  }
  if (word(s, k + 1) === '+') { compare(s, '>=', num, span(s, k, 2), k, 2); return 2 }
  return undefined
}

/** "capacity 2 or 3": one more accepted value of the last number filter. */
export const numberAlternative: WordRule = (s, k, w) => {
  const num = numberAt(s, k)
  const lnf = s.lastNumberFilter
  if (num === undefined || !(lnf && lnf.at === k - 2 && CONJUNCTIONS.has(word(s, k - 1) ?? '') && (lnf.filter.op === '=' || lnf.filter.op === 'in'))) return undefined
  const f = lnf.filter
  const values = Array.isArray(f.value) ? f.value : [f.value]
  if (!values.includes(num)) values.push(num)
  f.op = 'in'
  f.value = values
  f.text += ` ${word(s, k - 1)} ${w}`
  s.lastNumberFilter = { filter: f, at: k }
  s.d.notes.push(`"${f.text}" → filter ${f.mention.hits[0].target.name} in ${values.join(', ')}`)
  return 1
}

/** "capacity 3": the numeric dimension before was a filter, not a grouping ("3 months" is a time phrase already). */
export const numericDimensionValue: WordRule = (s, k, w) => {
  const num = numberAt(s, k)
  if (num === undefined) return undefined
  const prevRole = s.lastRole
  let gap = k - 1
  while (gap > 0 && NARROW_GLUE.has(word(s, gap) ?? '')) gap--
  if (!(prevRole?.kind === 'group' && prevRole.at === gap && prevRole.mention && isNumericGroup(prevRole.mention))) return undefined
  retractGroup(s, prevRole.mention)
  const filter: FieldFilter = { mention: prevRole.mention, as: 'dimension', op: '=', value: num, text: `${prevRole.mention.text} ${w}` }
  s.d.fieldFilters.push(filter)
  s.lastNumberFilter = { filter, at: k }
  s.d.notes.push(`"${prevRole.mention.text} ${w}" → filter ${prevRole.mention.hits[0].target.name} = ${num}`)
  return 1
}

/** "more than 100 orders": the comparison waiting for a field gets it. */
export const pendingComparison: MatchRule = (s, { k, it, M, D, mention }) => {
  if (!(s.pendingCompare && (M.length || D.length))) return false
  const pc = s.pendingCompare
  s.pendingCompare = undefined
  const as = M.length ? 'metric' : 'dimension'
  const m = mention(M.length ? M : D)
  if (as === 'metric') addMetric(s, m)
  addFieldFilter(s, m, as, pc.op, pc.value, `${pc.text} ${it.text}`)
  s.lastRole = { kind: as === 'metric' ? 'metric' : 'other', at: k, mention: m }
  resetModes(s)
  return true
}

/** "over 100" with nothing to compare: say so rather than drop it. */
export function finishPendingCompare(s: ReadState): void {
  if (s.pendingCompare) s.d.unknown.push({ text: s.pendingCompare.text, afterMarker: 'compare' })
}

function compare(s: ReadState, op: CompareOp, value: number | number[], text: string, k: number, len: number): void {
  // a field right after wins: "more than 100 orders", "less than $1M in sales"
  for (let j = k + len; j < s.items.length && j <= k + len + 2; j++) {
    const it = s.items[j]
    if (it.kind === 'match') {
      if (it.hits.some((h) => h.target.kind === 'metric' || h.target.kind === 'dimension')) s.pendingCompare = { op, value, text }
      break
    }
    if (it.kind !== 'word' || !LINK_AFTER_NUMBER.has(it.token.text)) break
  }
  if (s.pendingCompare) return
  // else the nearest metric (or numeric dimension) before: "sales over 10000", "sales of more than 10000"
  for (let j = k - 1; j >= 0 && j >= k - 4; j--) {
    const it = s.items[j]
    if (it.kind === 'match') {
      const m = mentionAt(s, j)
      if (m && (m.as === 'metric' || isNumericGroup(m.mention))) {
        addFieldFilter(s, m.mention, m.as, op, value, `${it.text} ${text}`)
        return
      }
      break
    }
    if (it.kind === 'word' && !COPULA.has(it.token.text)) break
    if (it.kind === 'time') break
  }
  // or the first metric after ("with over 100 in orders")
  s.pendingCompare = { op, value, text }
}

function addFieldFilter(s: ReadState, mention: Mention, as: 'metric' | 'dimension', op: CompareOp, value: number | number[], text: string): void {
  if (as === 'dimension') retractGroup(s, mention)
  s.d.fieldFilters.push({ mention, as, op, value, text })
  const v = Array.isArray(value) ? `${value[0]} and ${value[1]}` : String(value)
  s.d.notes.push(`"${text}" → filter ${mention.hits[0]?.target.name} ${op} ${v}`)
}

/** The role a match item at j was given (metric or dimension mention). */
function mentionAt(s: ReadState, j: number): { mention: Mention; as: 'metric' | 'dimension' } | undefined {
  const metric = s.metricMentions.find((m) => m.at === j)
  if (metric) return { mention: metric, as: 'metric' }
  const group = s.d.groups.find((g) => g.at === j && !g.absorbed)
  if (group) return { mention: group, as: 'dimension' }
  const it = s.items[j]
  if (it.kind === 'match') {
    const dims = it.hits.filter((h) => h.target.kind === 'dimension')
    if (dims.length) return { mention: { text: it.text, at: j, hits: dims }, as: 'dimension' }
  }
  return undefined
}

function isNumericGroup(m: Mention): boolean {
  const h = m.hits[0]
  if (!h || h.target.kind !== 'dimension') return false
  const dim = h.target.dim
  return dim.type === 'categorical' && (dim.value_type === 'number' || (!!dim.sample_values?.length && dim.sample_values.every((v) => typeof v === 'number' || /^-?\d+(\.\d+)?$/.test(String(v)))))
}

/** "in store vs online", "split between online and in store": compared values are also a breakdown. */
export function compareValues(s: ReadState): void {
  for (let k = 0; k < s.items.length; k++) {
    const w = word(s, k)
    let before: ValueMention | undefined
    let after: ValueMention | undefined
    if (w === 'between') {
      // "split between online and in store"
      before = s.d.values.find((v) => v.at === k + 1 || (v.at === k + 2 && SKIPPABLE.has(word(s, k + 1) ?? '')))
      after = before && s.d.values.find((v) => v.at > before!.at && v.at <= before!.at + 3)
    } else if (w === 'vs' || w === 'versus' || (w === 'compared' && word(s, k + 1) === 'to') || w === 'against' ||
      ((w === 'and' || w === 'with') && s.items.slice(0, k).some((it) => it.kind === 'word' && COMPARE_VERBS.has(it.token.text)))) {
      // "compare online and in-store orders": after a compare verb, "and" sets values side by side
      before = s.d.values.filter((v) => v.at < k).pop()
      after = s.d.values.find((v) => v.at > k)
    } else continue
    if (!before || !after || before.negate || after.negate) continue
    const dims = before.hits.map((h) => h.target.name).filter((n) => after.hits.some((h) => h.target.name === n))
    const dim = before.hits.find((h) => h.target.kind === 'value' && dims.includes(h.target.name))
    if (!dim || dim.target.kind !== 'value') continue
    if (s.d.groups.some((g) => !g.absorbed && g.hits[0]?.target.name === dim.target.name)) continue
    s.d.groups.push({ text: `${before.text} ${w} ${after.text}`, at: k, hits: [{ target: { kind: 'dimension', name: dim.target.name, dim: dim.target.dim }, quality: 1, source: 'name' }] })
    s.d.notes.push(`"${before.text} ${w} ${after.text}" → compare by ${dim.target.name}`)
  }
}
