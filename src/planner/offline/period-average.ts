// "daily average sales last month" was answered as average order value by day: "daily average" asks for
// each day's total averaged over the days, and the average the plan matched averages something else
// (per order). An average over periods ("daily average", "average weekly", "monthly mean") is doubted
// unless the planned metric is itself named or described as that average ("average daily rate",
// `avg_monthly_fee`), which is how a layer says it computes it.
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'
import { plainWords as words } from './normalize'

const PERIODIC = new Set(['daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'annual', 'annually', 'hourly', 'nightly'])
const AVERAGE = new Set(['average', 'avg', 'mean'])


/** Why the plan does not compute an average over periods the question asks for, or undefined. */
export function periodAverage(question: string, query: SemanticQuery, idx: CatalogIndex): string | undefined {
  const said = words(question)
  for (let i = 0; i + 1 < said.length; i++) {
    const [a, b] = [said[i], said[i + 1]]
    const period = PERIODIC.has(a) && AVERAGE.has(b) ? a : AVERAGE.has(a) && PERIODIC.has(b) ? b : undefined
    if (!period) continue
    const named = query.metrics.some((m) => {
      const own = words(`${m.replace(/_/g, ' ')} ${idx.metrics.get(m)?.description ?? ''}`)
      return own.includes(period) && own.some((w) => AVERAGE.has(w))
    })
    if (!named) return `"${a} ${b}" asks for an average over ${period} periods, which no planned metric computes`
  }
  return undefined
}
