// "active members last month" read as members who joined last month and are active now: a
// word for a state ("active", "inactive", "current") read as a status filter describes the
// row as it is today, while the time range picks rows by the metric's own date (joined,
// started). The question most likely means "active during last month", which such a layer
// cannot express. A state filter on the very entity the metric counts, next to a time range,
// is therefore a doubt ("shipments for active accounts last month" filters another entity by
// its state: the shipments of last month, of accounts active now, is a fair reading).
import type { SemanticQuery } from '../../../semantic/types'
import { nameStems } from './normalize'

/** Values that name a state a row is in now, not one it had in a period. */
const STATE_VALUES = new Set(['active', 'inactive', 'current'])

export function stateInPeriodDoubt(query: SemanticQuery): string | undefined {
  const t = query.time_constraint
  if (!t || (!t.start && !t.end)) return undefined
  for (const f of query.filters ?? []) {
    if (f.op !== '=' || typeof f.value !== 'string' || !STATE_VALUES.has(f.value.toLowerCase())) continue
    // the filter's entity is the thing the metric counts (`member__mbr_status` for `member_count`)
    const entity = nameStems(f.field.split('__')[0])
    if (!query.metrics.some((m) => nameStems(m).some((w) => entity.includes(w)))) continue
    return `${f.field} = ${f.value} is the state rows are in now, and the time range picks them by the metric's date: "${f.value} in the period" is not what the plan counts`
  }
  return undefined
}

