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


/** The initials of the metric's names (label, synonyms, name) that hold an averaging word: "aov" for "Average order value". */
function averagingInitials(name: string, idx: CatalogIndex): Set<string> {
  const m = idx.metrics.get(name)
  const phrases = [name.replace(/_/g, ' '), m?.label ?? '', ...(m?.synonyms ?? [])].map(words).filter((ws) => ws.length >= 2 && ws.some((w) => AVERAGING.has(w)))
  return new Set(phrases.map((ws) => ws.map((w) => w[0]).join('')))
}

/** Why the plan does not compute an average of averages the question asks for, or undefined. */
export function averageOfAverages(question: string, query: SemanticQuery, idx: CatalogIndex): string | undefined {
  const asked = words(question)
  const said = asked.filter((w) => AVERAGING.has(w))
  if (said.length === 0) return undefined
  for (const name of query.metrics) {
    const agg = metricAggregation(name, idx)
    if (agg !== 'avg' && agg !== 'ratio') continue
    // "average aov": the metric's initials ("aov" of "Average order value") already say one average
    const initials = averagingInitials(name, idx)
    const twice = said.length + asked.filter((w) => initials.has(w)).length
    if (twice < 2) continue
    // the name and the description each say it once ("avg_wait_minutes", "Average minutes..."): count each apart
    const count = (text: string) => words(text).filter((w) => AVERAGING.has(w)).length
    if (Math.max(count(name.replace(/_/g, ' ')), count(idx.metrics.get(name)?.description ?? '')) >= 2) continue
    return `"${said.join('" … "')}": an average of ${name}, itself an average or a ratio, weighs each group the same, which ${name} does not`
  }
  return undefined
}
