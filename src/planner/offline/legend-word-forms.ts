// A code legend writes a code's meaning in one form ("dcsn_cd: A = approve, D = decline", "WD = withdrawn by
// applicant", "AUTO = automated decision engine"), while a question says it in another: "approved
// decisions", "declined", "withdrawn applications", "automated decisions". The forms English builds from the
// legend's word name the same code: a verb's past participle and its -al noun (approve → approved, approval),
// an -ed word's verb (declined → decline), the participle before an agent phrase ("withdrawn" of "withdrawn
// by applicant") and an -ed or -al modifier that opens a longer meaning ("automated", "manual").
// Each form is indexed as the legend's value only where no metric or dimension is named so, a little below
// the legend's own words; a form two dimensions' legends share stays a value of both, which asks back.
import type { Catalog } from '../../../semantic/types'
import type { Hit } from './catalog-index'
import { codeLegend } from './code-legend'
import { FILLER, GRAIN_ADJECTIVES, RESERVED } from './lexicon'
import { tokenize } from './normalize'

/** Endings after which an -ed word's verb takes no "e" back (rejected → reject, opened → open, missed → miss). */
const BARE_VERB_END = /(?:ct|pt|lt|nt|rt|st|ss|sh|ch|ck|rm|rn|wn|ng|ld|nd|rd|en|er|on|[aeiou]{2}[a-z])$/

/** The verb an -ed word is made from: declined → decline, rejected → reject, cancelled → cancel. */
export function verbOfParticiple(word: string): string | undefined {
  if (!/^[a-z]{3,}ed$/.test(word) || word.length < 6) return undefined
  if (word.endsWith('ied')) return `${word.slice(0, -3)}y`
  const bare = word.slice(0, -2)
  if (/([b-df-hj-np-rtv-z])\1$/.test(bare) && !bare.endsWith('ss')) return bare.slice(0, -1)
  return BARE_VERB_END.test(bare) ? bare : `${bare}e`
}

/** The -ed and -al forms of a verb ending in "e" or "y" (approve → approved, approval; deny → denied, denial). */
export function verbForms(verb: string): string[] {
  const out: string[] = []
  if (/[^aeiou]y$/.test(verb)) out.push(`${verb.slice(0, -1)}ied`, `${verb.slice(0, -1)}ial`)
  else if (verb.endsWith('e') && verb.length >= 5) {
    out.push(`${verb}d`)
    if (/(?:ve|se)$/.test(verb)) out.push(`${verb.slice(0, -1)}al`)
  }
  return out
}

/** Every form of one legend word: the word's verb (for an -ed word) and that verb's forms, without the word itself. */
export function wordForms(word: string): string[] {
  const verb = verbOfParticiple(word)
  const forms = new Set<string>([...(verb ? [verb] : []), ...verbForms(verb ?? word)])
  forms.delete(word)
  return [...forms]
}

/** Whether two words are one legend word in two forms ("declined" and "decline", "approval" and "approve"). */
export function sameLegendWord(a: string, b: string): boolean {
  return a === b || wordForms(a).includes(b) || wordForms(b).includes(a)
}

/** The words a legend meaning is said with besides itself, each as lower-case words. */
export function legendMeaningForms(meaning: string): string[][] {
  const words = meaning.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean)
  if (words.length === 0) return []
  const out: string[][] = []
  // "withdrawn by applicant", "manual review by an underwriter": the agent phrase says who, not what
  const by = words.indexOf('by')
  const head = by >= 1 && by <= 2 ? words.slice(0, by) : words
  if (head !== words) out.push(head)
  // (not a participle's bare verb: "schedule" of "scheduled" is as often the noun, "on schedule" being on time)
  if (head.length === 1) out.push(...wordForms(head[0]).filter((f) => f !== verbOfParticiple(head[0])).map((f) => [f]))
  // "automated decision engine", "manual review": an -ed or -al modifier opening the meaning names it alone
  // (not a grain word: "annual" of "annual wellness" asks per year as often as for the visit kind)
  else if (head.length <= 3 && /^[a-z]{4,}(?:ed|al)$/.test(head[0]) && !FILLER.has(head[0]) && !RESERVED.has(head[0]) && !GRAIN_ADJECTIVES[head[0]]) out.push([head[0]])
  return out
}

/**
 * Indexes the forms above for each legend entry of each categorical dimension, where the words name no
 * metric or dimension already (a value of another dimension named so is left beside it: two readings).
 */
export function addLegendWordForms(catalog: Catalog, terms: Map<string, Hit[]>, add: (stems: string[], hit: Hit) => void): void {
  const pending: Array<[string[], Hit]> = []
  for (const d of catalog.dimensions) {
    if (d.type !== 'categorical') continue
    const samples = new Map((d.sample_values ?? []).map((v) => [String(v).toLowerCase(), v]))
    for (const [code, meaning] of codeLegend(d.description)) {
      const value = samples.size ? samples.get(code.toLowerCase()) : code
      if (value === undefined || typeof value === 'boolean') continue
      for (const form of legendMeaningForms(meaning)) {
        const stems = tokenize(form.join(' ')).map((t) => t.stem)
        if (stems.length === 0 || terms.get(stems.join(' '))?.some((h) => h.target.kind !== 'value')) continue
        pending.push([stems, { target: { kind: 'value', name: d.name, dim: d, value }, quality: 0.94, source: 'alias' }])
      }
    }
  }
  // added after the scan: one legend's form never counts as another's word already taken
  for (const [stems, hit] of pending) add(stems, hit)
}
