// "missed payments by month" read as `pmt_amt` ("Amount actually received against the installment") summed over
// the installments whose status is MS = missed: "payments" names `pmt_amt` only with its amount word left out
// (the layer's short name), and a state written right before that plural says which payments, as things. The
// question counts the payments in that state or asks what was due on them; summing what was received on them
// answers another question (nothing is received on a missed payment). A state (a participle) said of a plural the
// plan reads as an amount by its short name is therefore a doubt; "payment amount for missed installments" names
// the amount, and "payments by month" says no state.
import type { SemanticQuery } from '../../../semantic/types'
import type { Draft } from './interpret'
import { nameStems } from './normalize'

/** Last name words that say a metric sums money or a measure, not a number of things. */
const AMOUNT_WORDS = new Set(['amount', 'amt', 'value', 'volume', 'vol', 'usd'])

/** Why a state before a plural read as an amount may not be what the plan sums, or undefined. */
export function stateBeforeAmountPlural(draft: Draft, query: SemanticQuery): string | undefined {
  if (query.metrics.length !== 1) return undefined
  for (const m of draft.metrics) {
    const text = m.text.trim().toLowerCase()
    const hit = m.hits[0]
    // one plural word that names the metric only as its short form ("payments" for `pmt_amt`)
    if (!hit || hit.target.kind !== 'metric' || hit.target.name !== query.metrics[0] || hit.source !== 'short name') continue
    if (text.includes(' ') || !/[^s]s$/.test(text)) continue
    const stems = nameStems(hit.target.name)
    if (stems.length < 2 || !AMOUNT_WORDS.has(stems[stems.length - 1])) continue
    // a state, a participle said right before the plural and read as a value filter ("missed payments"); a kind
    // ("loan disbursements", LN = loan) says which things are summed, and the sum over them is what is asked
    const state = draft.values.find((v) => !v.negate && v.at === m.at - 1 && /^[a-z]{3,}ed$/i.test(v.text.trim()) && (query.filters ?? []).some((f) => v.hits.some((h) => h.target.kind === 'value' && h.target.name === f.field && h.target.value === f.value)))
    if (!state) continue
    return `"${state.text} ${m.text}" names ${m.text} in a state, as things; ${hit.target.name} sums an amount over them, which may not be the number asked for`
  }
  return undefined
}
