// `bill_amt`, `net_bill_amt`: an un-curated layer names an amount by the verb of what was done
// ("bill", "ship", "charge") where the analyst says the participle ("billed amount", "net billed",
// "shipped qty"). The stemmer keeps "billed" whole, so the name is also indexed with the verb
// written as its past participle, but only the word right before the name's measure word (the
// amount or count of what was billed): "bill" elsewhere in a name may be a noun.
import { stem } from './normalize'

/** Measure words a participle stands before ("billed amount", "shipped count"). */
const MEASURE_WORDS = new Set(['amount', 'count', 'quantity', 'qty', 'total', 'value', 'volume'])

/** Regular past participles of a verb: bill → billed, charge → charged, ship → shipped. */
export function pastParticiples(verb: string): string[] {
  if (!/^[a-z]{3,}$/.test(verb) || /(?:ed|ing|s)$/.test(verb)) return []
  if (verb.endsWith('e')) return [`${verb}d`]
  const out = [`${verb}ed`]
  // one vowel between two consonants at the end doubles ("ship" → "shipped"), except w, x, y
  if (/[^aeiou][aeiou][^aeiouwxy]$/.test(verb)) out.push(`${verb}${verb[verb.length - 1]}ed`)
  return out
}

/** Measure words of a sum: what was billed is named without them ("net billed"); a count is not ("refunded" alone
 * says which transactions, not the refund count). */
const SUM_WORDS = new Set(['amount', 'total', 'value', 'volume'])

/**
 * The name's stems with the word before its measure word as a participle, and for a sum also without
 * the measure word; none where there is no such word.
 */
export function participleNameStems(stems: string[]): string[][] {
  const at = stems.findIndex((s, i) => i > 0 && MEASURE_WORDS.has(s))
  if (at < 1) return []
  return pastParticiples(stems[at - 1]).flatMap((p) => {
    const named = [...stems.slice(0, at - 1), stem(p), ...stems.slice(at)]
    // "net billed": the participle after another name word; alone ("billed") it may qualify any noun
    const bare = SUM_WORDS.has(stems[at]) && at >= 2 ? [[...stems.slice(0, at - 1), stem(p), ...stems.slice(at + 1)]] : []
    return [named, ...bare]
  })
}
