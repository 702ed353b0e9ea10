// `is_ada` described as "Wheelchair accessible.", `is_xpr` as "Express, limited stops.": a flag's name is
// an acronym or a cut no question spells out, while its description says in a word or two what a true
// value is. The analyst asks for "accessible stops" or "express routes". A description of at most three
// words, or the phrase before its first comma, names the true value; of a two- or three-word phrase,
// its last word does too where it is an adjective by its ending, the head of an adjective phrase
// ("accessible" of "wheelchair accessible"), never the noun of a noun phrase ("freight" of "oversize freight").
// Only for a flag whose own name words gave no such reading, and only words that name nothing yet.
import { nameStems } from './normalize'
import { FILLER, RESERVED } from './lexicon'

/** Endings English makes adjectives with. */
const ADJECTIVE_ENDINGS = /(?:ible|able|ous|ive|ful|less|ic|al|ed)$/

/** The word lists a flag's description gives its true value, as stems. */
export function flagDescriptionNames(description: string | undefined): string[][] {
  const text = (description ?? '').trim().replace(/\.$/, '')
  const lead = text.includes(',') ? text.slice(0, text.indexOf(',')) : /[.;:()=]/.test(text) ? '' : text
  const stems = nameStems(lead)
  if (stems.length === 0 || stems.length > 3 || stems.some((s) => RESERVED.has(s) || FILLER.has(s) || /\d/.test(s))) return []
  const out = [stems]
  const head = stems[stems.length - 1]
  if (stems.length > 1 && ADJECTIVE_ENDINGS.test(head)) out.push([head])
  return out
}
