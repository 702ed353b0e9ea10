// "average loan size", "avg loan amount" for `avg_orig_amt`: an average of an amount taken over the rows of
// one entity is, in everyday words, the average <entity> amount (size, value), although the layer's name
// says what the amount is (originated) and never the entity. Named so only where the metric's name opens
// with an averaging word and ends in an amount word, its rows are one entity's (the one whose foreign keys
// it reaches), and that entity's name is one word the metric's name does not already hold. The bare
// "average loan" is left out: any average over the loans (rate, loan-to-value) is as much one.
import type { Catalog, CatalogMetric } from '../../../semantic/types'
import { nameStems } from './normalize'

const AMOUNT_WORDS = new Set(['amount', 'value', 'size'])

/** The entity of the rows a metric aggregates: the one whose own foreign keys it reaches, where exactly one has them. */
function rowEntity(m: CatalogMetric, catalog: Catalog): string | undefined {
  const entities = new Set(m.dimensions.filter((d) => !d.includes('__') && catalog.dimensions.some((x) => x.name === d && x.type === 'entity')))
  const roots = new Set(m.dimensions.filter((d) => { const p = d.split('__'); return p.length === 2 && entities.has(p[1]) }).map((d) => d.split('__')[0]))
  return roots.size === 1 ? [...roots][0] : undefined
}

/** Stems naming an average amount metric by its entity ("average loan size"), or none. */
export function entityAverageNames(m: CatalogMetric, catalog: Catalog): string[][] {
  const stems = nameStems(m.name)
  if (stems[0] !== 'average' || !AMOUNT_WORDS.has(stems[stems.length - 1])) return []
  const entity = rowEntity(m, catalog)
  const noun = entity ? nameStems(entity) : []
  if (noun.length !== 1 || !/^[a-z]{3,}$/.test(noun[0]) || stems.includes(noun[0])) return []
  return [...AMOUNT_WORDS].map((w) => ['average', noun[0], w])
}
