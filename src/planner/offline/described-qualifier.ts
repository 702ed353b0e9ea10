// "call drop rate by month" where `drop_pct` is described as "Dropped calls divided by voice calls." and
// "call" is also a code of the care channel (CALL = call center), which the rate cannot reach: the
// word is what the metric's own description says it measures, a qualifier of the metric the analyst
// repeats, not a filter. Only a value the plan's metrics cannot reach is read so (a reachable value
// is still a filter), and only where every metric of the plan is described with the word.
import type { CatalogIndex } from './catalog-index'
import { stem } from './normalize'

/** Whether `word` ("call") stands in the description of every metric of the plan. */
export function describesMetrics(word: string, metrics: string[], idx: CatalogIndex): boolean {
  const s = stem(word.toLowerCase())
  if (s.length < 3 || metrics.length === 0) return false
  return metrics.every((m) => (idx.metrics.get(m)?.description ?? '').toLowerCase().split(/[^a-z0-9]+/).some((w) => w && stem(w) === s))
}
