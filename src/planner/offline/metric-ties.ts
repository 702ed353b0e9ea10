// A metric word that names a family of metrics rather than one of them:
// - "refunds ytd" over `refund_count` and `refund_volume`; "payouts by merchant"
//   over `payout_amount` and `payout_count`: the question kept the shared noun
//   and dropped the word that tells the metrics apart (count, amount, volume);
// Picking one is a confident guess; the honest answer asks back with each metric
// as a ready-to-run reading. Two signals still decide, because they say which
// number is meant: a count phrase ("number of failed payouts", "how many") picks
// the one counting metric, and a description that opens with the question's noun
// ("Chargebacks received.") says that metric is the thing itself.
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'
import type { Draft, Mention } from './interpret'
import { metricsSupport } from './resolve'
import { nameStems, stem } from './normalize'

export interface MetricTie {
  /** The plan with the tie broken by a count phrase or a description, when one decided. */
  query: SemanticQuery
  reasons: string[]
  /** Other readings when nothing decided (the plan is then not confident). */
  readings: Array<{ query: SemanticQuery; why: string }>
}

const COUNT_STEMS = new Set(['count', 'cnt', 'number', 'num'])
const COUNT_PHRASE = /\b(?:number of|num of|no\.? of|count of|how many|# of)\b|#/i
/**
 * Added words that say how the thing is measured (how many, how much), not which of them
 * ("churned accounts", "active merchants" are a subset: a bare noun means them all) nor
 * another statistic ("average freight cost": a bare noun means its sum).
 */
const MEASURE_STEMS = new Set(['count', 'cnt', 'number', 'num', 'amount', 'amt', 'volume', 'value', 'total', 'sum', 'quantity', 'qty'])
const AMOUNT_STEMS = new Set(['amount', 'amt', 'value'])
/** Another statistic of the same thing: a bare noun does not mean it. */
const STATISTIC_STEMS = new Set(['average', 'avg', 'mean', 'max', 'maximum', 'min', 'minimum', 'median', 'rate', 'ratio', 'percent', 'pct', 'share'])
/** More metrics than this sharing a noun: the noun names a topic, and other rules ask back. */
const MAX_FAMILY = 4

function words(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).map(stem)
}

/** Whether every field of a plan (time aside) can be reached by a metric. */
function reaches(idx: CatalogIndex, metric: string, query: SemanticQuery): boolean {
  const fields = [...(query.group_by ?? []).map((g) => (typeof g === 'string' ? g : g.name)), ...(query.filters ?? []).map((f) => f.field)]
  return fields.every((f) => f.startsWith('metric_time') || idx.metrics.has(f) || metricsSupport(idx, [metric], f))
}

/** Metrics the mention's words name as well as the picked one, with the word each adds. */
function family(m: Mention, picked: string, idx: CatalogIndex, asked: Set<string>): string[] {
  if (m.hits[0]?.source !== 'short name') return []
  const own = nameStems(m.text)
  if (own.length === 0) return []
  // "auths" read as `auth_amount` by dropping "amount": a plural noun more often counts the things,
  // so every sibling that adds one word (`auth_attempts`, `approved_auths`) is as good a reading
  const droppedAmount = nameStems(picked).filter((s) => !own.includes(s)).every((s) => AMOUNT_STEMS.has(s)) && /s$/i.test(m.text.trim())
  return [...idx.metrics.keys()].filter((n) => {
    if (n === picked) return false
    const stems = nameStems(n)
    const extra = stems.filter((s) => !own.includes(s))
    // one added word, which the question does not say ("volume" in refund_volume for "refunds")
    return own.every((s) => stems.includes(s)) && extra.length === 1 && !asked.has(extra[0]) && (MEASURE_STEMS.has(extra[0]) || (droppedAmount && !STATISTIC_STEMS.has(extra[0])))
  })
}

export function metricTie(draft: Draft, query: SemanticQuery, idx: CatalogIndex, question: string): MetricTie | undefined {
  const asked = new Set(words(question))
  for (const m of draft.metrics) {
    const picked = m.hits[0]?.target.name
    // several metrics ("gpv vs refunds by merchant"): the noun is as open a choice beside another metric
    if (!picked || !query.metrics.includes(picked)) continue
    const others = family(m, picked, idx, asked).filter((n) => !query.metrics.includes(n) && reaches(idx, n, query))
    if (others.length === 0 || others.length >= MAX_FAMILY) continue
    const all = [picked, ...others]
    const swap = (to: string): SemanticQuery => {
      const q: SemanticQuery = { ...query, metrics: query.metrics.map((n) => (n === picked ? to : n)) }
      if (q.order_by) q.order_by = q.order_by.map((o) => (o === picked ? to : o === `-${picked}` ? `-${to}` : o))
      if (q.filters) q.filters = q.filters.map((f) => (f.field === picked ? { ...f, field: to } : f))
      return q
    }
    // a count phrase asks for the one counting metric
    if (COUNT_PHRASE.test(question)) {
      const counts = all.filter((n) => nameStems(n).some((s) => COUNT_STEMS.has(s)))
      if (counts.length === 1) return { query: swap(counts[0]), reasons: [`"${m.text}" with a count phrase → metric ${counts[0]}`], readings: [] }
    }
    // a description that opens with the question's noun describes the thing itself ("Chargebacks received.")
    const head = nameStems(m.text).pop()
    const described = all.filter((n) => words(idx.metrics.get(n)?.description ?? '')[0] === head)
    if (head && described.length === 1) {
      return { query: swap(described[0]), reasons: [`"${m.text}" → metric ${described[0]} (its description names it)`], readings: [] }
    }
    return {
      query,
      reasons: [],
      readings: others.map((n) => ({ query: swap(n), why: `metric ${n} instead of ${picked} ("${m.text}" names both)` })),
    }
  }
  return undefined
}
