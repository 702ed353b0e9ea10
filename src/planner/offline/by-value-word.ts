// "sections by professor" (or "per professor", "for each professor") where "professor" is a value of
// the instructor's rank (PROF = professor):
// a bare singular noun right after "by" usually names what to group by ("sales by region"), while a
// filter by an agent takes the plural or an article ("taught by adjuncts", "by a professor"). Read
// as the rank filter alone, the question may have meant one row per professor: both are readings. A value
// of a name column ("loans originated by Priya Raman") names one thing, so the filter is the one reading.
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'
import type { Draft } from './interpret'
import { reachedEntityNamed } from './entity-noun-echo'
import { metricsSupport } from './resolve'
import { nameStems } from './normalize'

/** Whether a column holds names (`lo_nm`, `store_name`): its last strong word is "name". */
const namesOneThing = (field: string) => nameStems(field.slice(field.lastIndexOf('__') + 2)).pop() === 'name'

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

export function byValueReadings(draft: Draft, query: SemanticQuery, idx: CatalogIndex, question: string): Array<{ query: SemanticQuery; why: string }> {
  const out: Array<{ query: SemanticQuery; why: string }> = []
  for (const v of draft.values) {
    const text = v.text.toLowerCase()
    // "per manager", "for each manager" ask for one row per manager just as "by manager" does
    const after = new RegExp(`\\b(by|per|for\\s+each|for\\s+every|each|every)\\s+${escape(text)}\\b\\s*([a-z]*)`, 'i').exec(question)
    // "by international students": the value qualifies the noun after it, which names whose numbers they are
    if (v.negate || /s$/.test(text) || !after || (after[2] && reachedEntityNamed(after[2], query.metrics, idx))) continue
    const filter = (query.filters ?? []).find((f) => f.op === '=' && v.hits.some((h) => h.target.kind === 'value' && h.target.name === f.field && h.target.value === f.value))
    if (!filter || (query.group_by ?? []).includes(filter.field) || !metricsSupport(idx, query.metrics, filter.field)) continue
    // a value of a name column ("by Priya Raman", `lo_nm`) names one thing: one row per name is not asked
    if (namesOneThing(filter.field)) continue
    const filters = (query.filters ?? []).filter((f) => f !== filter)
    const reading: SemanticQuery = { ...query, group_by: [...(query.group_by ?? []), filter.field] }
    if (filters.length) reading.filters = filters
    else delete reading.filters
    out.push({ query: reading, why: `group by ${filter.field} instead of filtering it to ${String(filter.value)} ("${after[1].toLowerCase()} ${v.text}")` })
  }
  return out
}
