// `dt_min` described as "Downtime in minutes", `dfct_cnt` as "Defects found at inspection", `shp_cnt`
// on the shipment entity: an un-curated layer cuts a metric's name words down to a few consonants that
// no dictionary knows ("dt" is read as date elsewhere), while the word itself stands in the metric's own
// description or is the entity the metric is counted over. A name word is read as the one word of that
// context it abbreviates (same first letter, its letters in order, at least two letters left out, or one
// where the cut keeps no vowel: "chrn" of churn); a
// word fitting two context words, or spelled out by initials ("wo" for "work orders"), stays as it is.
import type { CatalogMetric } from '../../../semantic/types'
import type { Hit } from './catalog-index'
import { isKnownWord } from './lexicon'
import { nameStems } from './normalize'

/** Measure words the general abbreviation table reads already ("cnt" is count). */
const MEASURE_ABBREVIATIONS = new Set(['cnt', 'qty', 'pct', 'avg', 'amt', 'num', 'nbr', 'sum', 'tot', 'max'])
/** Units of time cut short; "min" is read as minutes only when the description says minutes (else minimum),
 * "mo" as months only when it says months (`avg_tenure_mo`, "Average months since activation"). */
const TIME_UNITS: Record<string, string> = { min: 'minute', mins: 'minute', sec: 'second', secs: 'second', hr: 'hour', hrs: 'hour', mo: 'month', mos: 'month' }

function isSubsequence(short: string, long: string): boolean {
  let i = 0
  for (const ch of long) if (ch === short[i]) i++
  return i === short.length
}

/** Whether `part` is the initials of consecutive context words ("wo" of "work orders"). */
function isInitials(part: string, words: string[]): boolean {
  for (let i = 0; i + part.length <= words.length; i++) {
    if ([...part].every((ch, k) => words[i + k][0] === ch)) return true
  }
  return false
}

/**
 * The metric's name with its cut words written out from `description` and `entityNames` (the entities
 * the metric is counted over), as stems; undefined when no word changes.
 */
export function describedNameStems(name: string, description: string | undefined, entityNames: string[]): string[] | undefined {
  const described = (description ?? '').toLowerCase().split(/[^a-z]+/).filter(Boolean)
  const context = [...new Set([...described, ...entityNames.flatMap((e) => e.toLowerCase().split('_'))])].filter((w) => w.length >= 4)
  let changed = false
  const parts = name.toLowerCase().split('_').filter(Boolean).map((part) => {
    const unit = TIME_UNITS[part]
    if (unit) {
      if (described.some((w) => w.startsWith(unit))) { changed = true; return unit }
      return part
    }
    if (part.length < 2 || part.length > 5 || !/^[a-z]+$/.test(part) || MEASURE_ABBREVIATIONS.has(part)) return part
    if (described.includes(part) || isInitials(part, described)) return part
    // `out_bal` described as "Outstanding principal balance": a short word that opens one longer word of the
    // description is that word cut ("out" of outstanding), though "out" is a word of its own too
    if (isKnownWord(part)) {
      const opened = [...new Set(described.filter((w) => part.length >= 3 && w.length >= part.length + 4 && w.startsWith(part)))]
      if (opened.length !== 1) return part
      changed = true
      return nameStems(opened[0]).join(' ')
    }
    // a cut with no vowel left ("chrn" of churn) is no word of its own, even where only one letter is left out
    const leftOut = /[aeiouy]/.test(part) ? 2 : 1
    const fits = [...new Set(context.filter((w) => w[0] === part[0] && w.length >= part.length + leftOut && isSubsequence(part, w)).map((w) => nameStems(w).join(' ')))]
    if (fits.length !== 1) return part
    changed = true
    return fits[0]
  })
  return changed ? nameStems(parts.join(' ')) : undefined
}

/** Whether a metric's name word `word` ("min" of `dt_min`) is a unit of time its description spells out. */
export function readsAsTimeUnit(description: string | undefined, word: string): boolean {
  const unit = TIME_UNITS[word.toLowerCase()]
  return !!unit && (description ?? '').toLowerCase().split(/[^a-z]+/).some((w) => w.startsWith(unit))
}

const UNIT_STEMS = new Set(['minute', 'hour', 'second'])
const AGGREGATION_STEMS = new Set(['average', 'mean', 'median', 'max', 'maximum', 'min', 'minimum', 'percent', 'rate', 'ratio', 'distinct'])

/** Words that open an average's name; "average delay" is as whole a name of `avg_dly_min` as "delay" is of a total. */
const AVERAGE_STEMS = new Set(['average', 'mean', 'median'])

/**
 * "downtime" for `dt_min` read as "downtime minutes": a total kept in a unit of time is named by what
 * is timed alone; "average delay" for `avg_dly_min` read as "average delay minutes": an average keeps
 * its opening word and drops the unit. No other aggregation or rate word, only where no metric has that
 * name already, and only when one metric is so named.
 */
export function addUnitlessNames(
  described: Array<[CatalogMetric, string[]]>,
  terms: Map<string, Hit[]>,
  add: (stems: string[], hit: Hit) => void,
): void {
  const byKey = new Map<string, CatalogMetric[]>()
  for (const [m, stems] of described) {
    const body = AVERAGE_STEMS.has(stems[0]) ? stems.slice(1) : stems
    if (body.length < 2 || !UNIT_STEMS.has(stems[stems.length - 1]) || body.some((s) => AGGREGATION_STEMS.has(s))) continue
    const key = stems.slice(0, -1).join(' ')
    byKey.set(key, [...(byKey.get(key) ?? []), m])
  }
  for (const [key, ms] of byKey) {
    if (ms.length !== 1 || terms.get(key)?.some((h) => h.target.kind === 'metric')) continue
    add(key.split(' '), { target: { kind: 'metric', name: ms[0].name, metric: ms[0] }, quality: 0.85, source: 'description' })
  }
}

/**
 * Other names of a metric kept as a quantity: `good_qty` is the "good units" as much as the good quantity,
 * and a description that opens with a short phrase before a parenthesis ("Units produced (good plus
 * scrap)") names the metric by that phrase. Stems in, stems out.
 */
export function quantityNames(stems: string[], description: string | undefined): string[][] {
  const out: string[][] = []
  if (stems.length >= 2 && stems[stems.length - 1] === 'quantity') out.push([...stems.slice(0, -1), 'unit'])
  const lead = /^\s*([A-Za-z]+(?:\s+[A-Za-z]+){1,2})\s*\(/.exec(description ?? '')?.[1]
  if (lead) out.push(nameStems(lead))
  return out
}
