// "boardings in zone a" over `zone_cd` (A, B, C): a one-letter value stands right after the name of
// its column, yet "a" is also the article, so no term was matched and the column alone read as a
// breakdown ("boardings by zone"), dropping the letter the question turned on. A single letter
// directly after a column's name that is one of that column's values is the value. Only one letter:
// a longer little word ("in", "or") after a column ("by state in march") is far more often grammar.
import type { Hit } from './catalog-index'
import type { Item } from './segment'

export function readLetterValues(items: Item[]): void {
  for (let i = 1; i < items.length; i++) {
    const it = items[i]
    const before = items[i - 1]
    if (it.kind !== 'word' || before.kind !== 'match' || !/^[a-z]$/i.test(it.text)) continue
    const letter = it.text.toLowerCase()
    const hits: Hit[] = []
    for (const h of before.hits) {
      if (h.target.kind !== 'dimension' || h.target.dim.type !== 'categorical') continue
      const dim = h.target.dim
      const value = (dim.sample_values ?? []).find((v) => typeof v === 'string' && v.toLowerCase() === letter)
      if (value !== undefined && !hits.some((x) => x.target.name === dim.name)) hits.push({ target: { kind: 'value', name: dim.name, dim, value }, quality: 0.95, source: 'value' })
    }
    // a letter two columns hold is no reading of either
    if (hits.length !== 1) continue
    items[i] = { kind: 'match', from: it.from, to: it.to, text: it.text, hits, corrected: [], weak: false }
  }
}
