// "card payments count" over `pmt_amt`: the layer's shorthand names the payment amount "payments" as
// well, but a count word beside it asks how many payments, not how much was paid. Where the question
// says a count word and every planned metric's own name ends in an amount word (amount, balance, value;
// not "volume", which a layer may count: `txn_volume`), the number answered is not the number asked for.
import type { SemanticQuery } from '../../../semantic/types'
import { nameStems } from './normalize'

const COUNT_SAID = /\bcount\b|\bcnt\b|#|\bhow many\b|\bnumber of\b/i
const AMOUNT_ENDINGS = new Set(['amt', 'amount', 'bal', 'balance', 'value', 'val'])

/** Why a count-worded question is not answered by amount metrics, or undefined. */
export function countWordOnAmount(question: string, query: SemanticQuery): string | undefined {
  const said = COUNT_SAID.exec(question)
  if (!said || query.metrics.length === 0) return undefined
  if (!query.metrics.every((m) => AMOUNT_ENDINGS.has(nameStems(m).pop() ?? ''))) return undefined
  return `"${said[0]}" asks how many, but ${query.metrics.join(', ')} ${query.metrics.length > 1 ? 'measure' : 'measures'} an amount`
}
