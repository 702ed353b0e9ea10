// "collection rate for 36 month loans": 36 is a value of `term_mo` ("Contractual term in months."), and the
// grain word after it is the unit the value is counted in, not a period or a breakdown. The layer leaves bare
// numbers out of its index (they would match any count), so a number is read as a value only when a grain
// word (month, year, week, day) follows it and a column that lists the number among its values states that
// unit in its name or description; the two words are then one value mention. A unit the column does not
// state ("36 week loans" for a term in months) leaves both words as they were.
import type { CatalogIndex, Hit } from './catalog-index'
import { GRAIN_NOUNS } from './lexicon'
import { nameStems } from './normalize'
import type { Item } from './segment'

/** Folds "<number> <unit>" into a value mention where one column lists the number and states the unit. */
export function readUnitValues(items: Item[], idx: CatalogIndex, question: string): void {
  for (let i = 0; i + 1 < items.length; i++) {
    const a = items[i]
    const b = items[i + 1]
    if (a.kind !== 'word' || b.kind !== 'word' || a.token.number === undefined || !/^\d+$/.test(a.text)) continue
    const grain = GRAIN_NOUNS[b.text.toLowerCase()]
    if (!grain) continue
    const hits: Hit[] = []
    for (const dim of idx.dimensions.values()) {
      if (dim.type !== 'categorical') continue
      const value = dim.sample_values?.find((v) => String(v) === a.text)
      if (value === undefined) continue
      const said = new Set(nameStems(`${dim.name.slice(dim.name.lastIndexOf('__') + 2)} ${dim.description ?? ''}`))
      if (said.has(grain)) hits.push({ target: { kind: 'value', name: dim.name, dim, value }, quality: 0.95, source: 'value' })
    }
    if (hits.length === 0) continue
    items.splice(i, 2, { kind: 'match', from: a.from, to: b.to, text: question.slice(a.token.start, b.token.end), hits, corrected: [], weak: false })
  }
}
