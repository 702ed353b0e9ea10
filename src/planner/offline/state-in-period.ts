// "active members last month" read as members who joined last month and are active now: a
// word for a state ("active", "inactive", "current") read as a status filter describes the
// row as it is today, while the time range picks rows by the metric's own date (joined,
// started). The question most likely means "active during last month", which such a layer
// cannot express. A state filter on the very entity the metric counts, next to a time range,
// is therefore a doubt ("shipments for active accounts last month" filters another entity by
// its state: the shipments of last month, of accounts active now, is a fair reading).
// A column whose description says it holds the state as it is now ("Loan status today: CUR = current, DQ =
// delinquent") is such a state whatever its values are called: "delinquent loans last month".
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'
import { nameStems } from './normalize'

/** Values that name a state a row is in now, not one it had in a period. */
const STATE_VALUES = new Set(['active', 'inactive', 'current'])
/** Description words that say a column holds the state as it is now. */
const NOW_WORDS = /\b(?:today|now|currently|as of the latest load|as of today)\b/i

export function stateInPeriodDoubt(query: SemanticQuery, idx?: CatalogIndex, today?: string): string | undefined {
  const t = query.time_constraint
  if (!t || (!t.start && !t.end)) return undefined
  // "loans by status today" beside "Loan status today: ...": a range of today alone is as likely the "today" the
  // layer writes of the column (its state now) as the day the metric's rows are dated; a longer period is the plan's
  if (today && t.start?.slice(0, 10) === today && t.end?.slice(0, 10) === today) {
    const fields = [...(query.group_by ?? []).map((g) => (typeof g === 'string' ? g : g.name)), ...(query.filters ?? []).map((f) => f.field)]
    const now = fields.find((f) => NOW_WORDS.test(idx?.dimensions.get(f)?.description ?? ''))
    if (now) return `${now} holds the state as it is today, and "today" as a time range picks the rows dated today: the question may mean either`
  }
  for (const f of query.filters ?? []) {
    if (f.op !== '=' || typeof f.value !== 'string') continue
    if (!STATE_VALUES.has(f.value.toLowerCase()) && !NOW_WORDS.test(idx?.dimensions.get(f.field)?.description ?? '')) continue
    // the filter's entity is the thing the metric counts (`member__mbr_status` for `member_count`)
    const entity = nameStems(f.field.split('__')[0])
    if (!query.metrics.some((m) => nameStems(m).some((w) => entity.includes(w)))) continue
    return `${f.field} = ${f.value} is the state rows are in now, and the time range picks them by the metric's date: "${f.value} in the period" is not what the plan counts`
  }
  return undefined
}

