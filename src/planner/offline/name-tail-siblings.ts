// "sessions last month" over `pt_sessions` and `sessions_held`: the planner read the word as
// `pt_sessions` by the tail of its name (dropping "pt"), but `sessions_held` holds the same
// word at its head. A name read without its first words is a guess whenever another metric's
// name holds every word the question used: both are readings, so ask back with each.
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'
import type { Draft } from './interpret'
import { metricsSupport } from './resolve'
import { nameStems } from './normalize'

/** At most this many siblings: beyond it the word names a topic and other rules ask back. */
const MAX_SIBLINGS = 3

/** Whether a metric can be grouped and filtered by every field of a plan (time fields aside). */
function reaches(idx: CatalogIndex, metric: string, query: SemanticQuery): boolean {
  const fields = [...(query.group_by ?? []).map((g) => (typeof g === 'string' ? g : g.name)), ...(query.filters ?? []).map((f) => f.field)]
  return fields.every((f) => f.startsWith('metric_time') || idx.metrics.has(f) || metricsSupport(idx, [metric], f))
}

export function nameTailSiblings(draft: Draft, query: SemanticQuery, idx: CatalogIndex): Array<{ query: SemanticQuery; why: string }> {
  if (query.metrics.length !== 1) return []
  for (const m of draft.metrics) {
    const h = m.hits[0]
    if (h?.source !== 'name tail' || h.target.name !== query.metrics[0]) continue
    const picked = h.target.name
    const said = nameStems(m.text)
    if (said.length === 0) continue
    const siblings = [...idx.metrics.keys()].filter((n) => n !== picked && said.every((s) => nameStems(n).includes(s)) && reaches(idx, n, query))
    if (siblings.length === 0 || siblings.length > MAX_SIBLINGS) continue
    return siblings.map((n) => {
      const q: SemanticQuery = { ...query, metrics: [n] }
      if (q.order_by) q.order_by = q.order_by.map((o) => (o === picked ? n : o === `-${picked}` ? `-${n}` : o))
      if (q.filters) q.filters = q.filters.map((f) => (f.field === picked ? { ...f, field: n } : f))
      return { query: q, why: `metric ${n} instead of ${picked} ("${m.text}" is in both names)` }
    })
  }
  return []
}
