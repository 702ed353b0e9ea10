// "average loan size over 2023 month by month" was answered as the months whose average exceeds 2023: "over"
// before a calendar year is also "during that year". A bound on a metric whose number is a plausible year
// (a whole four-digit number within a century of today) said right after "over" and standing alone, in a
// plan without a time range is as likely the period, so the plan is doubted. Beside a time range the period
// is already said, and the number is a bound.
import type { SemanticQuery } from '../../../semantic/types'

/** Why a metric bound may be a year the question names, or undefined. */
export function yearAsBoundDoubt(question: string, query: SemanticQuery, now: Date): string | undefined {
  if (query.time_constraint?.start || query.time_constraint?.end) return undefined
  const year = now.getUTCFullYear()
  for (const f of query.filters ?? []) {
    if (!query.metrics.includes(f.field) || typeof f.value !== 'number' || !Number.isInteger(f.value)) continue
    if (f.value < year - 100 || f.value > year + 100) continue
    // only "over" reads as "during" ("more than 2000 orders" is a bound): and the number stands alone, without
    // a currency, a unit or the counted noun after it ("over 2023 orders", "over $2023")
    const written = new RegExp(`\\bover\\s+${f.value}(?![\\d,.%])(?!\\s+(?!month|week|quarter|day|year|by|for|in|at|on)[a-z$])`, 'i')
    if (!written.test(question)) continue
    return `${f.value} is bounded as a value of ${f.field}, but it reads as the year ${f.value} as well`
  }
  return undefined
}
