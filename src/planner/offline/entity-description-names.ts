// An un-curated layer names its entity `lo` or `brwr` and says what it is only in the description of
// the semantic model it keys ("Loan officers with the branch they sit in, one row per officer.",
// "Borrowers (customers), one row per borrower."). The catalog hands that description to the entity;
// its opening noun phrase ("loan officers") and a parenthesised aside ("customers") are the everyday
// names of the entity, so they name whatever the entity's own word names: "applications per loan
// officer" groups by the officer as "per lo" does, "new customers" counts borrowers as "borrowers" does.
// The phrase's head noun alone ("by officer") names the same where nothing else owns it.
import type { Catalog } from '../../../semantic/types'
import type { Hit } from './catalog-index'
import { FILLER, GRAIN_NOUNS, RESERVED } from './lexicon'
import { nameStems } from './normalize'

/** Words that end the opening noun phrase of a model description ("Loan officers with the branch ..."). */
const PHRASE_BREAKERS = new Set(['with', 'one', 'per', 'of', 'for', 'by', 'at', 'in', 'on', 'from', 'and', 'or', 'that', 'which', 'who', 'as', 'to'])

/** Plural nouns without an -s ("People who hold our issued cards"). General English. */
const IRREGULAR_PLURALS = new Set(['people', 'staff', 'personnel', 'children', 'men', 'women'])

/**
 * The opening noun phrase of an entity description, as stems, and a parenthesised aside right after it:
 * "Borrowers (customers), one row ..." → { phrase: [borrower], aside: [customer] }. A trailing past
 * participle is left out ("Loan applications received" → loan application); none past three words.
 */
export function entityDescriptionPhrase(description: string | undefined): { phrase: string[]; aside?: string[] } | undefined {
  const m = /^\s*([A-Za-z][A-Za-z-]*(?:\s+[A-Za-z][A-Za-z-]*){0,4})\s*(?:\(([A-Za-z][A-Za-z -]{1,30})\))?/.exec(description ?? '')
  if (!m) return undefined
  const words: string[] = []
  for (const w of m[1].split(/\s+/)) {
    if (PHRASE_BREAKERS.has(w.toLowerCase())) break
    words.push(w)
  }
  // "received", "offered": the participle after the noun says what happened to it, not what it is
  while (words.length > 1 && /[a-z]ed$/i.test(words[words.length - 1])) words.pop()
  // "Money returned to cardholders", "Equipment on the lines": a mass noun says how much of something, not
  // which rows ("how much money" counted refunds); only a plural head names the rows a model holds
  const last = words[words.length - 1]?.toLowerCase() ?? ''
  if (!/[a-z]s$/.test(last) && !IRREGULAR_PLURALS.has(last)) return undefined
  const phrase = nameStems(words.join(' '))
  if (phrase.length === 0 || phrase.length > 3) return undefined
  if (phrase.some((w) => GRAIN_NOUNS[w] || RESERVED.has(w) || FILLER.has(w))) return undefined
  // the aside only where the phrase ended at it (not a parenthesis after a longer clause)
  const aside = m[2] && words.length === m[1].split(/\s+/).length ? nameStems(m[2]) : undefined
  return { phrase, aside: aside && aside.length > 0 && aside.length <= 2 ? aside : undefined }
}

/**
 * Adds the everyday names of each entity described as above: the phrase, the aside and (where no
 * target owns it) the phrase's head noun, each with the targets the entity's own word names. Keys the
 * layer already uses are left alone: a description never takes a word from a name.
 */
export function addEntityDescriptionNames(catalog: Catalog, terms: Map<string, Hit[]>, add: (stems: string[], hit: Hit) => void): void {
  const pending: Array<[string[], Hit]> = []
  // a word some name already uses ("usage" of "data usage") stays that name's: only a word no name uses, or
  // only the entity's own columns use ("officer name" for `lo_nm`), stands alone
  const nameWords = new Map<string, Set<string>>()
  for (const [key, hits] of terms) {
    for (const h of hits) {
      if (h.target.kind === 'value') continue
      for (const w of key.split(' ')) nameWords.set(w, (nameWords.get(w) ?? new Set()).add(h.target.name))
    }
  }
  const ownedElsewhere = (word: string, entity: string) => [...(nameWords.get(word) ?? [])].some((n) => !n.split('__').includes(entity))
  for (const d of catalog.dimensions) {
    if (d.type !== 'entity' || d.name.includes('__')) continue
    const read = entityDescriptionPhrase(d.description)
    if (!read) continue
    const own = nameStems(d.name)
    const ownHits = terms.get(own.join(' ')) ?? []
    if (ownHits.length === 0) continue
    const head = read.phrase[read.phrase.length - 1]
    // the head's own readings of this entity ("decision" names `dcsn_cnt`): the phrase names those too
    const headHits = (terms.get(head) ?? []).filter((h) => h.target.kind !== 'value' && h.target.name.split('__').some((p) => p === d.name || p.startsWith(`${d.name}_`)))
    // [stems, weight]: the head noun alone ("officer") says less than the phrase ("loan officer") it was cut from
    const names: Array<[string[], number]> = []
    // "Borrowers (customers)" where "borrowers" already names the borrower count: the noun is the
    // entity's too, so "self-employed borrowers" is the noun the filter applies to, not a second metric
    const taken = terms.get(read.phrase.join(' '))
    if (taken && !taken.some((h) => h.target.kind === 'dimension' && h.target.name.split('__').includes(d.name))) {
      for (const h of ownHits) if (h.target.kind === 'dimension') pending.push([read.phrase, { target: h.target, quality: h.quality * 0.9, source: 'description' }])
    }
    if (read.phrase.join(' ') !== own.join(' ')) names.push([read.phrase, 0.95])
    if (read.aside) names.push([read.aside, 0.95])
    if (read.phrase.length > 1 && !terms.has(head) && !ownedElsewhere(head, d.name)) names.push([[head], 0.9])
    for (const [stems, weight] of names) {
      if (terms.has(stems.join(' '))) continue
      for (const h of [...ownHits, ...headHits]) pending.push([stems, { target: h.target, quality: h.quality * weight, source: 'description' }])
    }
  }
  // added after the scan, so one entity's new name never reads as another's existing one
  for (const [stems, hit] of pending) add(stems, hit)
}
