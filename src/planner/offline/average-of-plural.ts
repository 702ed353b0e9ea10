// "invoices on average per account" was answered as `avg_invoice_amount` by account: said in the plural,
// the things are counted (how many invoices an account has, on average), but the only average the layer
// has of them is an average amount of one, which the question never mentions. Stated in English and
// catalog terms: when the plan's average metric averages an amount (its name or description says amount
// or value) of a thing its name names, and the question says that thing only in the plural with no
// amount word, the count reading is as likely, so the plan is doubted. "average invoice", in the
// singular, names one typical invoice and is left alone.
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'
import { metricAggregation } from './word-readings'

const AMOUNT = new Set(['amount', 'amounts', 'amt', 'value', 'values', 'size', 'sizes', 'dollars', 'usd', 'cost', 'costs', 'total', 'totals', 'spend', 'billed', 'paid'])
const AVERAGE = new Set(['avg', 'average', 'mean'])
const NOT_THING = new Set(['avg', 'average', 'mean', 'median', 'per', 'of', 'to', 'the'])

const words = (text: string) => text.toLowerCase().split(/[^a-z0-9$']+/).filter(Boolean)
const plurals = (w: string) => [`${w}s`, `${w}es`, w.endsWith('y') ? `${w.slice(0, -1)}ies` : `${w}s`]

/** Why an average amount does not answer an average of things said in the plural, or undefined. */
export function averageOfPlural(question: string, query: SemanticQuery, idx: CatalogIndex): string | undefined {
  const said = words(question)
  if (said.some((w) => AMOUNT.has(w) || w.startsWith('$'))) return undefined
  for (const name of query.metrics) {
    if (metricAggregation(name, idx) !== 'avg') continue
    const own = name.toLowerCase().split(/_+/)
    const description = words(idx.metrics.get(name)?.description ?? '')
    if (!own.some((w) => AMOUNT.has(w)) && !description.some((w) => w === 'amount' || w === 'value')) continue
    for (const thing of own.filter((w) => !AMOUNT.has(w) && !NOT_THING.has(w))) {
      // the plural must be what the average word is said of: "average invoices", "invoices on average"
      const at = said.findIndex((w, i) => plurals(thing).includes(w) && (AVERAGE.has(said[i - 1] ?? '') || (said[i + 1] === 'on' && AVERAGE.has(said[i + 2] === 'an' ? said[i + 3] : said[i + 2]))))
      const plural = said[at]
      if (at >= 0 && !said.includes(thing)) return `"${plural}" in the plural may ask how many there are on average, not ${name}, the average amount of one`
    }
  }
  return undefined
}
