// "employees earning over 100k by department": the number met the grouping's dimension and came out as
// `department name > 100000`, dropping both the grouping and what the number measured (pay the layer has
// no column for). A column of words has no order a number could stand above, so such a threshold is never
// what was asked. Read from the catalog only: the dimension's values are words (its sample values, or a
// name column).
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'

const ORDERED = new Set(['>', '>=', '<', '<='])

/** Why a numeric threshold on a column of words cannot be the question's, or undefined. */
export function thresholdOnText(query: SemanticQuery, idx: CatalogIndex): string | undefined {
  for (const f of query.filters ?? []) {
    if (!ORDERED.has(f.op) || typeof f.value !== 'number') continue
    const d = idx.dimensions.get(f.field)
    if (!d || d.type !== 'categorical') continue
    const own = (f.field.split('__').pop() ?? '').toLowerCase()
    const words = d.value_type === 'string' || /(?:^|_)(?:name|nm)$/.test(own)
    if (words) return `a number cannot stand above or below ${f.field}, whose values are words`
  }
  return undefined
}
