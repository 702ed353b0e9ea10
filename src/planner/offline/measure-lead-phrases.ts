// `pd_bal` described as "Past-due amount at month end, USD.", `out_bal` as "Outstanding principal balance as of
// the latest load", `avg_apr` as "Annual percentage rate at origination.": a description that opens with a noun
// phrase ending in a word for a measured quantity (amount, balance, rate, score...) states what the metric
// measures in the layer's own words, so that phrase names it ("past due amount by product"). Hyphenated words
// are read as words ("debt-to-income ratio"). Only two to four words, ending where a preposition, a parenthesis
// or punctuation starts what qualifies it.
import { nameStems } from './normalize'

/** Plain-English words for a measured quantity that a metric's name phrase ends in. */
const MEASURE_NOUNS = new Set(['amount', 'balance', 'rate', 'ratio', 'score', 'value', 'volume', 'cost', 'price', 'fee', 'revenue', 'margin', 'percentage', 'duration'])
const LEAD = /^\s*([A-Za-z][A-Za-z-]*(?:\s+[A-Za-z][A-Za-z-]*){1,3}?)(?=\s*(?:$|[.,;(])|\s+(?:in|on|by|at|from|to|during|for|with|over|per|as|of|who|that|which|before|after)\b)/

/** The measure phrase a description opens with, as stems, or undefined. */
export function measureLeadPhrase(description: string | undefined): string[] | undefined {
  const phrase = LEAD.exec(description ?? '')?.[1]
  if (!phrase) return undefined
  const stems = nameStems(phrase.replace(/-/g, ' '))
  if (stems.length < 2 || stems.length > 4 || !MEASURE_NOUNS.has(stems[stems.length - 1])) return undefined
  return stems
}
