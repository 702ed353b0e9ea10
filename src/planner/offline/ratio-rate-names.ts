// `scrap_pct` described as "Scrapped units divided by units produced" is what analysts call the
// "scrap rate": a ratio metric named as a percent is also named as a rate. Only ratio metrics, and derived
// ones whose description says they divide ("registrations divided by seats offered" for `fill_pct`), so a
// stored percent column summed as a simple metric keeps its one name.
import type { CatalogMetric } from '../../../semantic/types'

/** "scrap rate" for a ratio metric whose name stems end in "percent"; undefined otherwise. */
export function rateNameStems(m: CatalogMetric, stems: string[]): string[] | undefined {
  const divides = m.type === 'derived' && /\bdivided by\b|\bover\b|\bratio\b|\brate\b/i.test(m.description ?? '')
  if ((m.type !== 'ratio' && !divides) || stems.length < 2 || stems[stems.length - 1] !== 'percent') return undefined
  return [...stems.slice(0, -1), 'rate']
}

