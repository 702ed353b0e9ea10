// "how many requisitions were opened", "new accounts created per month", "cancellation fees charged in
// 2023", "how much did payers pay on claims": the verb restates what the metric's own description says
// it counts ("Number of job requisitions opened", "Amount paid by payers on claims"). Left unexplained
// it makes the answer unsure; it adds nothing the metric does not already mean. Derived from the
// catalog (the description's words) and English verb morphology only: a regular -ed/-d past form,
// its base, and the everyday irregular verbs below.
import { stem } from './normalize'

/** Everyday irregular verbs as base → past forms; general English, nothing of any one layer. */
const IRREGULAR: Record<string, string[]> = {
  pay: ['paid'], sell: ['sold'], hold: ['held'], make: ['made'], buy: ['bought'], spend: ['spent'], send: ['sent'],
  lose: ['lost'], bring: ['brought'], keep: ['kept'], leave: ['left'], take: ['took', 'taken'], give: ['gave', 'given'],
  run: ['ran'], win: ['won'], get: ['got', 'gotten'], write: ['wrote', 'written'], see: ['saw', 'seen'], do: ['did', 'done'],
  go: ['went', 'gone'], come: ['came'], find: ['found'], meet: ['met'], build: ['built'], ship: ['shipped'],
}
const PAST_TO_BASE = new Map(Object.entries(IRREGULAR).flatMap(([base, pasts]) => pasts.map((p) => [p, base] as const)))

/** The forms a verb word may take: its base and its past forms ("opened" → open, opened; "pay" → pay, paid). */
export function verbForms(word: string): string[] {
  const w = word.toLowerCase()
  const bases = new Set<string>([w])
  const irregular = PAST_TO_BASE.get(w)
  if (irregular) bases.add(irregular)
  if (/^[a-z]{3,}ed$/.test(w)) {
    const b = w.slice(0, -2)
    bases.add(b)
    bases.add(`${b}e`)
    if (/(.)\1$/.test(b)) bases.add(b.slice(0, -1))
  }
  if (/^[a-z]{3,}d$/.test(w) && w.endsWith('ed') === false) bases.add(w.slice(0, -1))
  const out = new Set<string>()
  for (const b of bases) {
    out.add(b)
    for (const p of IRREGULAR[b] ?? []) out.add(p)
    out.add(b.endsWith('e') ? `${b}d` : `${b}ed`)
  }
  return [...out].filter((x) => x.length >= 3)
}

/** Whether a verb of the question, in any of its forms, is a word of the description ("created" of "Number of accounts created"). */
export function descriptionSaysVerb(word: string, description: string | undefined): boolean {
  if (!description || !/^[a-z]{3,}$/i.test(word)) return false
  const said = new Set(description.toLowerCase().split(/[^a-z]+/).filter((x) => x.length >= 3))
  return verbForms(word).some((f) => said.has(f))
}

/**
 * Whether a word of the question, verb or noun, is a word of the description: "travel agencies" of
 * "Commission paid to online travel agencies and travel agents". Nouns of four letters or more only,
 * folded for number ("agencies" / "agency").
 */
export function descriptionSays(word: string, description: string | undefined): boolean {
  if (descriptionSaysVerb(word, description)) return true
  if (!description || !/^[a-z]{4,}$/i.test(word)) return false
  const said = new Set(description.toLowerCase().split(/[^a-z]+/).filter((x) => x.length >= 4).map(stem))
  return said.has(stem(word))
}

/**
 * The phrase of a metric's description that says what it is, before any qualifier: "Number of orders"
 * of "Number of orders, excluding refunded ones". A word only a qualifier says ("refunded") does not
 * restate the metric: the question may ask for just those rows, or for rows the metric leaves out.
 */
export function definingPhrase(description: string | undefined): string | undefined {
  if (!description) return description
  return description.split(/[,;:.()]|\b(?:including|includes|include|excluding|excludes|exclude|except|without|not|other than|net of|where|when|unless|if|only|but)\b/i)[0]
}
