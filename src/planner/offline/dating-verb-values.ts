// "applications submitted last month" where `appl_stat_cd` is "SUB = submitted (pending), ..." and the
// application count is dated by `appl_dt` ("Date the application was submitted."): the past participle right
// after the metric noun is the event the period is on (every application sent in last month), and it is also
// a status code (the ones still pending). Read as the code alone the plan answered the pending ones with
// confidence; both readings are offered. Before the noun ("submitted applications") the word is the code.
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'
import type { Draft } from './interpret'
import { datingVerbOf } from './ledger'

/** The plan without a value filter whose word is also the dating verb of the metric, as another reading. */
export function datingVerbValueReadings(draft: Draft, query: SemanticQuery, idx: CatalogIndex): Array<{ query: SemanticQuery; why: string }> {
  if (!query.time_constraint || draft.metrics.length === 0) return []
  const out: Array<{ query: SemanticQuery; why: string }> = []
  for (const v of draft.values) {
    const word = v.text.trim().toLowerCase()
    if (v.negate || !/^[a-z]+ed$/.test(word) || !draft.metrics.some((m) => m.at === v.at - 1)) continue
    const hit = v.hits[0]
    if (hit?.target.kind !== 'value') continue
    const field = hit.target.name
    const value = hit.target.value
    const dated = datingVerbOf(draft, idx, word)
    if (!dated) continue
    const filters = (query.filters ?? []).filter((f) => !(f.field === field && f.op === '=' && f.value === value))
    if (filters.length === (query.filters ?? []).length) continue
    const rest: SemanticQuery = { ...query, filters }
    if (filters.length === 0) delete rest.filters
    out.push({ query: rest, why: `"${v.text}" as the event ${dated} dates the metric by, not ${field} = ${String(value)}` })
  }
  return out
}

/**
 * "policies cancelled last month" where `pol_status` holds "cancelled" and `policy_count` is dated by the day
 * cover starts: the verb after the metric noun says when the rows changed, but the period picks them by the
 * metric's own date, which says nothing of that verb. The plan would count the policies that started last
 * month and are cancelled now, not the ones cancelled last month: a doubt.
 */
export function undatedVerbValueDoubt(draft: Draft, query: SemanticQuery, idx: CatalogIndex): string | undefined {
  if (!query.time_constraint || draft.metrics.length === 0) return undefined
  for (const v of draft.values) {
    const word = v.text.trim().toLowerCase()
    if (v.negate || !/^[a-z]{3,}ed$/.test(word) || !draft.metrics.some((m) => m.at === v.at - 1)) continue
    const hit = v.hits[0]
    if (hit?.target.kind !== 'value') continue
    const { name, value } = hit.target
    if (!(query.filters ?? []).some((f) => f.field === name && f.op === '=' && f.value === value)) continue
    if (datingVerbOf(draft, idx, word)) continue
    return `"${v.text}" after the metric says when the rows became ${String(value)}, but the time range picks them by the metric's own date`
  }
  return undefined
}
