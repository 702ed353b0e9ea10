// Calibration by the words the plan passed over. The lexicon's filler list
// ("earned", "generated", "total", "recent"...) lets a question carry words
// that mean nothing to most layers. A layer can give such a word meaning,
// though: with `gross_earned_premium` next to `gross_written_premium`,
// "earned" is what tells the two apart. When the question said the word, the
// plan left it unused, and the layer has a name with that word which shares
// another word with a name the plan did use, the plan may have picked the
// sibling the word rules out. Whatever the source of its names (exact name,
// synonym), such a plan is not confident.
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'
import { FILLER } from './lexicon'
import { nameStems } from './normalize'
import type { Item } from './segment'

/** Words that sit in many names without telling them apart (how a number is aggregated or kept). */
const GENERIC_STEMS = new Set(['count', 'number', 'amount', 'total', 'sum', 'average', 'distinct', 'rate', 'ratio', 'percent', 'id', 'code', 'date', 'name', 'flag', 'max', 'min', 'is', 'has', 'of', 'to', 'per', 'by', 'and', 'the', 'a'])

/** A reason to doubt the plan when a passed-over word tells apart names of the layer, else undefined. */
export function passedOverDistinction(items: Item[], query: SemanticQuery, idx: CatalogIndex): string | undefined {
  const usedNames = [...query.metrics, ...(query.offset_metrics ?? []).map((o) => o.name), ...(query.group_by ?? []).map((g) => (typeof g === 'string' ? g : g.name)), ...(query.filters ?? []).map((f) => f.field)]
  const usedStems = new Set(usedNames.flatMap(leafStems))
  for (const it of items) {
    if (it.kind !== 'word' || !FILLER.has(it.token.text)) continue
    const s = it.token.stem
    if (GENERIC_STEMS.has(s) || usedStems.has(s)) continue
    for (const name of [...idx.metrics.keys(), ...idx.dimensions.keys()]) {
      const own = leafStems(name)
      if (!own.includes(s) || usedNames.includes(name)) continue
      const shared = own.filter((w) => w !== s && !GENERIC_STEMS.has(w) && usedStems.has(w))
      if (shared.length) return `"${it.text}" was passed over, but it is what tells ${name} apart from the plan's ${usedNames.find((n) => leafStems(n).some((w) => shared.includes(w)))}`
    }
  }
  return undefined
}

/** The stems of a name's own part: "store__region" → ["region"], "gross_earned_premium" → ["gross", "earned", "premium"]. */
function leafStems(name: string): string[] {
  return nameStems(name.split('__').pop() ?? name)
}
