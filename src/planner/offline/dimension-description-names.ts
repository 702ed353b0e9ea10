// `oem_nm` described as "Device manufacturer." or "Manufacturer of the machine (original equipment
// manufacturer).", `band_cd` as "Frequency band.": an un-curated layer names a column in code and says
// what it is in a short noun phrase, which is how the analyst names it ("by manufacturer", "by device
// manufacturer", "by machine manufacturer"). A description that is only such a phrase (at most four
// words before a parenthesis or the full stop, no legend, no verb form) names the column by the whole
// phrase and by its head noun; "<head> of the <owner>" also as "<owner> <head>".
import { FILLER, WEAK_NAME_TOKENS } from './lexicon'
import { nameStems } from './normalize'

const LINK = new Set(['of', 'the', 'a', 'an'])
/** A closing phrase that says when the value was taken ("at onboarding", "as of today"). */
const WHEN_TAIL = /\s+(?:at|on|since|as of|upon)\s+[A-Za-z ]+$/i
/** A closing "in <unit>" ("in months", "in USD"). */
const UNIT_TAIL = /\s+in\s+(?:seconds|minutes|hours|days|weeks|months|years|usd|dollars|percent|miles|kilometers|km|kg|pounds|units)$/i

/** The names a column's short descriptive phrase gives it, as stems: the whole phrase first, its head noun last. */
export function descriptionPhraseNames(description: string | undefined, nameWords: string[] = []): string[][] {
  if (!description || /[=:;]/.test(description)) return []
  // "Contractual term in months": the unit the column is counted in is no part of its name
  // "Credit score band at onboarding": a closing "at"/"on"/"since" phrase says when, not what
  const phrase = /^\s*([A-Za-z][A-Za-z ]*?)\s*(?:\(|\.\s*$|$)/.exec(description)?.[1]?.replace(UNIT_TAIL, '').replace(WHEN_TAIL, '')
  if (!phrase) return []
  const words = phrase.toLowerCase().split(/\s+/)
  // a clause, not a name: "Company owning the tower", "Day the line was activated"
  if (words.length < 1 || words.length > 4 || words.some((w, i) => i > 0 && /(?:ing|ed)$/.test(w)) || words.some((w) => ['was', 'is', 'are', 'were', 'has'].includes(w))) return []
  const of = words.indexOf('of')
  const head = of > 0 ? words.slice(0, of) : words
  const owner = of > 0 ? words.slice(of + 1).filter((w) => !LINK.has(w)) : []
  if (head.length === 0 || head.some((w) => LINK.has(w))) return []
  const out: string[][] = []
  const whole = nameStems([...owner, ...head].join(' '))
  if (whole.length >= 2) out.push(whole)
  const last = nameStems(head[head.length - 1])
  // (a filler word such as "term" only where the column's own name says it: `term_mo`, "Contractual term in months")
  if (last.length === 1 && last[0].length >= 4 && !WEAK_NAME_TOKENS.has(last[0]) && (!FILLER.has(last[0]) || nameWords.includes(last[0]))) out.push(last)
  return out
}
