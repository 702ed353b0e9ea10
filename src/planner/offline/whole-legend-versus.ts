// "fixed vs variable loan count" where the column's legend documents its codes as "FX = fixed, VR = variable":
// the two sides of the comparison are every code the column has, so the breakdown alone answers it. A filter
// on both would only restate the whole. Only a legend says a set of codes is whole: sample values are a sample
// (a demo's "online vs in store" may leave out a channel nobody sampled), so a filter on them stays.
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'
import { codeLegend } from './code-legend'

/** Drops an "in" filter on a grouped dimension that lists every code of its legend; returns the reason, if any was dropped. */
export function dropWholeLegendFilter(query: SemanticQuery, idx: CatalogIndex): string | undefined {
  const grouped = new Set((query.group_by ?? []).map((g) => (typeof g === 'string' ? g : g.name)))
  const whole = (query.filters ?? []).filter((f) => {
    if (f.op !== 'in' || !Array.isArray(f.value) || !grouped.has(f.field)) return false
    const d = idx.dimensions.get(f.field)
    const codes = d?.type === 'categorical' && legendIsWhole(d.description) ? codeLegend(d.description).map(([code]) => code.toLowerCase()) : []
    const listed = new Set((f.value as unknown[]).map((v) => String(v).toLowerCase()))
    return codes.length >= 2 && codes.every((c) => listed.has(c))
  })
  if (whole.length === 0) return undefined
  query.filters = (query.filters ?? []).filter((f) => !whole.includes(f))
  if (query.filters.length === 0) delete query.filters
  return `${whole.map((f) => f.field).join(', ')}: the values compared are every code its legend lists → the breakdown alone`
}

/**
 * Whether a legend explains every item it lists: "Carrier: UPS, FDX = FedEx, LTL = ..." lists UPS with no
 * meaning, so FedEx and LTL are not all the carriers. Items are the comma- or semicolon-separated parts after
 * the legend's title, asides in parentheses set apart ("EXP = express (24h, no classes)" is one item).
 */
export function legendIsWhole(description: string | undefined): boolean {
  const codes = codeLegend(description)
  if (!description || codes.length < 2) return false
  const bare = description.replace(/\([^()]*\)/g, ' ')
  // "Carrier: UPS, ...": a colon before the first "=" ends the title (a legend written "F: female" has none)
  const colon = bare.indexOf(':')
  const eq = bare.indexOf('=')
  const body = colon >= 0 && eq > colon ? bare.slice(colon + 1) : bare
  const items = body.split(/[,;]|\.\s/).map((x) => x.replace(/\.\s*$/, '').trim()).filter(Boolean)
  return items.length <= codes.length
}
