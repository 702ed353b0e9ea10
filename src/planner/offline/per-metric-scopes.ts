// "apex sales and voltix units", "sales by brand and units by category": two questions typed as one, each
// metric with its own filter or breakdown. A plan applies every filter and breakdown to every metric, so it
// answers neither question (the sales and units of both brands summed; both metrics over a brand-by-category
// matrix). The question is cut into clauses at its list words; when two clauses each name a different metric
// and each carries a filter value or a "by" breakdown of its own, the plan is doubted. A filter or breakdown
// said once for a list ("sales and units by category") leaves the other clause bare, and the same metric on
// both sides ("apex sales vs voltix sales") is a comparison the plan can make. A clause's metric word counts
// even where the plan read it otherwise ("orders by state" as a grouping by order): it was written as a metric.
// Two clauses that each pair a filter value with a period ("sales in CA last month and TX this month") are
// two questions as well: the plan would apply both values to both periods.
import type { Draft } from './interpret/draft'
import type { Item } from './segment'

/** Words that end one clause of a question and start the next. */
const CLAUSE_BREAKS = new Set([',', ';', 'and', '&', '+', 'plus', 'vs', 'versus'])
const BREAKDOWN_WORDS = new Set(['by', 'per'])

interface Clause { metric?: string; scope: string[]; values: number; times: number }

/** Why the plan may merge two questions whose metrics each have their own filter or breakdown, or undefined. */
export function perMetricScopes(draft: Draft, items: Item[]): string | undefined {
  const clauses: Clause[] = []
  let current: Clause = { scope: [], values: 0, times: 0 }
  let breakdown = false
  items.forEach((it, at) => {
    const word = it.kind === 'word' ? it.text.toLowerCase() : undefined
    if (word !== undefined && CLAUSE_BREAKS.has(word)) {
      clauses.push(current)
      current = { scope: [], values: 0, times: 0 }
      breakdown = false
      return
    }
    if (word !== undefined && BREAKDOWN_WORDS.has(word)) breakdown = true
    if (it.kind === 'time') current.times++
    if (it.kind !== 'match') return
    const value = draft.values.find((v) => v.at === at)
    if (value) current.values++
    if (value) { current.scope.push(`value ${value.negate ? 'not ' : ''}${value.text.toLowerCase()}`); return }
    const metric = draft.metrics.find((m) => m.at === at)?.hits.find((h) => h.target.kind === 'metric')?.target.name
    const group = draft.groups.find((g) => g.at === at)
    // a metric word before any breakdown word of its clause names the clause's metric, whatever role the plan gave it
    // (not right after a value a preposition introduced, where it is the value's noun: "from Corporate and Small
    // Business customers"; "in store orders" after "online sales and" is the second clause's metric)
    const nounOfValue = draft.values.some((v) => v.at === at - 1 && v.introduced)
    const written = metric ?? (breakdown || nounOfValue ? undefined : it.hits.find((h) => h.target.kind === 'metric')?.target.name)
    if (written && current.metric === undefined) { current.metric = written; return }
    if (group && breakdown) current.scope.push(`by ${group.hits[0]?.target.name ?? group.text.toLowerCase()}`)
  })
  clauses.push(current)
  // "sales in CA last month and TX this month": two clauses each pairing a value with its own period
  const paired = clauses.filter((c) => c.values > 0 && c.times > 0)
  if (paired.length >= 2) return 'two parts of the question each pair a filter value with its own period; one plan would apply every value to every period'
  const scoped = clauses.filter((c) => c.metric !== undefined && c.scope.length > 0)
  for (let i = 0; i < scoped.length; i++) {
    for (let j = i + 1; j < scoped.length; j++) {
      const [a, b] = [scoped[i], scoped[j]]
      if (a.metric === b.metric || a.scope.join('|') === b.scope.join('|')) continue
      return `${a.metric} (${a.scope.join(', ')}) and ${b.metric} (${b.scope.join(', ')}) each have their own filter or breakdown; one plan would apply both to both`
    }
  }
  return undefined
}
