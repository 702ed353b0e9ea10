// "claim amount by payer type", "smallest claim by payer type" over `claim_count`: the metric counts the
// thing the question names, but a word beside the name measures each one (its amount, its value, its
// size) rather than how many there are. The count matched by the thing's name and the measuring word was
// silently passed over, so the plan answered how many claims, confidently and wrongly. Stated in English
// only: a measuring noun right after the name, or a size superlative right before it, of a metric that
// counts (its name says count, or its description opens "Number of").
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'
import type { Mention } from './interpret/draft'
import { stem, plainWords as words } from './normalize'

/** Nouns that measure each thing rather than count things. */
const MEASURE_AFTER = new Set(['amount', 'amounts', 'amt', 'value', 'values', 'size', 'sizes', 'dollars', 'cost', 'costs'])
/** Superlatives of one thing's size, weight or length ("the smallest claim", "the lightest shipment"), never of how many ("fewest claims"). */
const SIZE_BEFORE = new Set(['smallest', 'largest', 'biggest', 'cheapest', 'costliest', 'priciest', 'tiniest', 'lightest', 'heaviest', 'shortest', 'longest', 'slowest', 'fastest'])
const COUNT_NAME_WORDS = new Set(['count', 'cnt', 'num', 'number'])

function counts(name: string, idx: CatalogIndex): boolean {
  if (name.toLowerCase().split(/_+/).some((w) => COUNT_NAME_WORDS.has(w))) return true
  return /^\s*number of\b/i.test(idx.metrics.get(name)?.description ?? '')
}


/** Why the planned count does not answer a measure of the counted thing, or undefined. */
export function measureOfCountedThing(metrics: Mention[], question: string, query: SemanticQuery, idx: CatalogIndex): string | undefined {
  const said = words(question)
  for (const m of metrics) {
    const h = m.hits[0]
    if (!h || h.target.kind !== 'metric' || !query.metrics.includes(h.target.name) || !counts(h.target.name, idx)) continue
    const own = words(m.text)
    if (!own.length) continue
    for (let i = 0; i + own.length <= said.length; i++) {
      if (!own.every((w, k) => said[i + k] === w)) continue
      const after = said[i + own.length]
      const before = said[i - 1]
      if (after && MEASURE_AFTER.has(after)) return `"${m.text} ${after}" measures each of what ${h.target.name} counts, not how many there are`
      if (before && SIZE_BEFORE.has(before)) return `"${before} ${m.text}" is the size of one of what ${h.target.name} counts, not how many there are`
    }
  }
  return undefined
}

/** "$1000", "1000 dollars", "500 usd": a number said as money. */
const MONEY = /\$\s?\d|\d[\d,.]*\s*(?:k\s+)?(?:dollars?|usd|bucks|eur|euros?|gbp|pounds?)\b/i

/**
 * "claims over $1000 by payer" read as `claim_count > 1000`: a sum of money is the size of each claim,
 * never how many claims there are, so a money threshold on a metric that counts is not the question.
 */
export function moneyThresholdOnCount(query: SemanticQuery, question: string, idx: CatalogIndex): string | undefined {
  if (!MONEY.test(question)) return undefined
  const f = (query.filters ?? []).find((x) => ['>', '>=', '<', '<=', 'between'].includes(x.op) && idx.metrics.has(x.field) && counts(x.field, idx))
  return f ? `the threshold is said in money, but ${f.field} counts` : undefined
}

/** A description that says its currency ("..., USD.", "in US dollars"). */
const IN_CURRENCY = /\bUSD\b|\bUS dollars\b|\bEUR\b/

/** Words a description opens with when the metric is a sum of money or of some quantity. */
const AMOUNT_LEADS = new Set(['amount', 'amounts', 'value', 'sum', 'total', 'dollars', 'volume'])

/**
 * "authorizations by merchant" read as `auth_amount` ("Amount requested in authorizations in USD."):
 * the plural noun is what the amount is summed over, named after the description's head, not the
 * amount itself; asked bare, it asks how many. Only where the description opens with an amount word
 * and the question's words are not that head.
 */
export function countedThingForAmount(metrics: Mention[], question: string, query: SemanticQuery, idx: CatalogIndex): string | undefined {
  const said = words(question)
  if (said.some((w) => AMOUNT_LEADS.has(w) || COUNT_NAME_WORDS.has(w) || w === 'much')) return undefined
  for (const m of metrics) {
    const h = m.hits[0]
    if (!h || h.source !== 'description' || h.target.kind !== 'metric' || !query.metrics.includes(h.target.name)) continue
    const description = idx.metrics.get(h.target.name)?.description ?? ''
    const lead = words(description)[0]
    // "originations" for "Principal originated, USD.": an "-ation" noun made from the description's verb names the
    // events the money is summed over, where the description gives its currency (the noun is not the description's
    // own word; "fees" or "charge offs" name the money itself)
    const said1 = m.text.trim().toLowerCase()
    const madeNoun = /ations$/.test(said1) && IN_CURRENCY.test(description) && !words(description).some((w) => stem(w) === stem(said1))
    if (!lead || !(AMOUNT_LEADS.has(lead) || madeNoun) || !/s$/.test(m.text.trim())) continue
    return `"${m.text}" are what ${h.target.name} sums over ("${lead} ..."), not the ${lead}; asked bare, they ask how many`
  }
  return undefined
}
