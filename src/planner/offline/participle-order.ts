// "how many accounts churned" for `churned_accounts`, "transactions settled online" for a count described
// as "Number of settled transactions", "refunded amount by reason" for one described as "Refunded amount
// in USD": English puts a participle before its noun ("settled transactions") or after it ("transactions
// settled"), and a metric's description often says in its opening words what the name abbreviates.
// Both readings come from the catalog (the metric's name and description) and English word order only.
import { nameStems, stem } from './normalize'

const PARTICIPLE = /^[a-z]{3,}ed$/
/** Words that say how a count counts, not what. */
const AGGREGATION_WORDS = new Set(['distinct', 'unique', 'total', 'different'])

/** `churned_accounts` → "account churned": a participle-first name said noun first. */
export function reversedParticipleNames(stems: string[]): string[][] {
  if (stems.length < 2 || stems.length > 3 || !PARTICIPLE.test(stems[0]) || stems.slice(1).some((w) => PARTICIPLE.test(w))) return []
  return [[...stems.slice(1), stems[0]]]
}

/** Where a description's opening noun phrase ends: punctuation, a preposition or a relative pronoun. */
const PHRASE_END = String.raw`(?=\s*(?:$|[.,;(])|\s+(?:in|on|by|at|from|to|during|for|with|over|per|who|that|which|before|after)\b)`
/** "Number of settled transactions", "Count of open tickets": what a count counts. */
const NUMBER_OF = new RegExp(String.raw`^\s*(?:the\s+)?(?:number|count)\s+of\s+([a-z]+(?:\s+[a-z]+){0,2})${PHRASE_END}`, 'i')
/** "Refunded amount in USD", "Disputed amount.": a participle and one or two nouns open the description. */
const PARTICIPLE_LEAD = new RegExp(String.raw`^\s*([a-z]{3,}ed(?:\s+[a-z]+){1,2})${PHRASE_END}`, 'i')

/**
 * Where a participle after its noun closes the phrase: punctuation, or a preposition opening a plain
 * complement ("Payments collected in USD", "Fees charged to merchants"). Not a complement that sets the event
 * against a reference point ("delivered on or before the promised day", "after the promised date") nor a
 * particle completing the verb, a preposition right before another ("ported in from", "ported out to"): those
 * say which of the events are counted, so the noun and participle alone do not name the metric.
 */
export const PARTICIPLE_CLOSE = String.raw`(?=\s*(?:$|[.,;(])|\s+(?:in|on|by|at|from|to|during|for|with|over)\s+(?!(?:or|and|in|out|on|off|up|from|to|before|after|within|until)\b))`

/** "Principal originated, USD.": one or two nouns and the participle after them open the description. */
const NOUN_PARTICIPLE_LEAD = new RegExp(String.raw`^\s*([a-z]+(?:\s+[a-z]+)?)\s+([a-z]{3,}ed)${PARTICIPLE_CLOSE}`, 'i')
/** Words that cannot be the noun a participle follows in a name. */
const NOT_NOUNS = new Set(['the', 'a', 'an', 'number', 'count', 'total', 'sum', 'amount', 'all', 'any', 'each', 'every'])

/** The noun phrases a metric's description opens with, as stems; a participle-first one also said participle last. */
export function descriptionLeadPhrases(description: string | undefined): string[][] {
  const out: string[][] = []
  for (const re of [NUMBER_OF, PARTICIPLE_LEAD]) {
    const m = re.exec(description ?? '')
    if (!m) continue
    // "Number of distinct patients": the aggregation word is read by the aggregation rules; the noun names the count
    const words = m[1].toLowerCase().split(/\s+/).filter((w, i) => !(i === 0 && AGGREGATION_WORDS.has(w)))
    if (words.length === 0) continue
    // a phrase of function words only says nothing ("Number of the ...")
    const stems = nameStems(words.join(' '))
    if (stems.length === 0 || stems.length !== words.length) continue
    out.push(stems)
    if (PARTICIPLE.test(words[0]) && words.length >= 2) out.push([...stems.slice(1), stem(words[0])])
    // "Number of people employed": what is counted is the noun before the participle ("people")
    if (re === NUMBER_OF && PARTICIPLE.test(words[words.length - 1]) && words.length >= 2) out.push(stems.slice(0, -1))
  }
  // "Principal originated" said "originated principal": the participle moved before its noun
  const lead = NOUN_PARTICIPLE_LEAD.exec(description ?? '')
  if (lead) {
    const nouns = lead[1].toLowerCase().split(/\s+/)
    if (!nouns.some((w) => NOT_NOUNS.has(w) || PARTICIPLE.test(w))) {
      const stems = nameStems(nouns.join(' '))
      if (stems.length === nouns.length) out.push([stem(lead[2].toLowerCase()), ...stems])
    }
  }
  return out
}
