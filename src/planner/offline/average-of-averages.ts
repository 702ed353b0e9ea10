// "average wait averaged across clinics", "the mean of the average wait by clinic": a second averaging
// word over a metric that is already an average (or a ratio) asks for the average of the groups'
// averages, one number in which each group weighs the same. The layer's own average is weighted by its
// rows, so answering with it (grouped, or not) is another number. Two averaging words with an average
// or ratio metric are doubted, unless the metric's name or description itself says two of them.
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'
import { metricAggregation } from './word-readings'
import { plainWords as words } from './normalize'

const AVERAGING = new Set(['average', 'avg', 'mean', 'averaged', 'averages', 'means', 'averaging'])


/** Why the plan does not compute an average of averages the question asks for, or undefined. */
export function averageOfAverages(question: string, query: SemanticQuery, idx: CatalogIndex): string | undefined {
  const said = words(question).filter((w) => AVERAGING.has(w))
  if (said.length < 2) return undefined
  for (const name of query.metrics) {
    const agg = metricAggregation(name, idx)
    if (agg !== 'avg' && agg !== 'ratio') continue
    // the name and the description each say it once ("avg_wait_minutes", "Average minutes..."): count each apart
    const count = (text: string) => words(text).filter((w) => AVERAGING.has(w)).length
    if (Math.max(count(name.replace(/_/g, ' ')), count(idx.metrics.get(name)?.description ?? '')) >= 2) continue
    return `"${said.join('" … "')}": an average of ${name}, itself an average or a ratio, weighs each group the same, which ${name} does not`
  }
  return undefined
}
