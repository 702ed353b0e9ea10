// "members by acquisition source" over `acq_src`, "trainers by cert level" over `cert_lvl`: an
// un-curated layer abbreviates its column names, while the analyst writes the words out. The
// question's word is then no typo of any catalog word; a catalog word that abbreviates it is.
// An abbreviation keeps the word's first letter and some of its letters in order, and either
// clips the word ("acq" for acquisition) or keeps its last consonant ("src" for source, "lvl"
// for level). Read only when exactly one catalog name word fits, it leaves at least two letters
// out, and an everyday word ("term") only as a clip of four letters or more.
import { isKnownWord } from './lexicon'

const VOWELS = /[aeiouy]/

function isSubsequence(short: string, long: string): boolean {
  let i = 0
  for (const ch of long) if (ch === short[i]) i++
  return i === short.length
}

/** The last consonant of a word ("c" of "source"). */
function lastConsonant(word: string): string | undefined {
  for (let i = word.length - 1; i >= 0; i--) if (!VOWELS.test(word[i])) return word[i]
  return undefined
}

/** Endings that make another word of a whole one ("statement" is not a clipped "state"). */
const DERIVATIONS = /^(?:ments?|ings?|ers?|ed|ly|ness|ful|less|ship|hood|ist|ists|ism)$/

/** A particle after a whole word makes a compound of another meaning ("dropout" is no clipped "drop", "payoff" no "pay"). */
const PARTICLE_TAILS = /^(?:out|off|over|up|down|away|back|in|on)s?$/

/**
 * An everyday word after the catalog word makes a compound of another meaning: "salesperson" is no
 * clipped "sale" (sales + person). The rest, or the rest after a plural "s", is an everyday word.
 */
function isCompoundTail(rest: string): boolean {
  return (rest.length >= 3 && isKnownWord(rest)) || (rest.length >= 4 && rest[0] === 's' && isKnownWord(rest.slice(1)))
}

/** Whether a catalog word `v` abbreviates the question's word `w`. */
export function abbreviates(v: string, w: string): boolean {
  if (v.length < 3 || v.length > w.length - 2 || v[0] !== w[0] || !isSubsequence(v, w)) return false
  if (w.startsWith(v)) {
    const rest = w.slice(v.length)
    return !DERIVATIONS.test(rest) && !PARTICLE_TAILS.test(rest) && !isCompoundTail(rest)
  }
  return v[v.length - 1] === lastConsonant(w)
}

/** The one catalog name word abbreviating `word`, or undefined. A clip of the word ("term" of termination)
 * outranks words that only keep some of its letters ("trn"); two of the same kind are no reading. */
export function catalogAbbreviationOf(nameVocabulary: Iterable<string>, word: string): string | undefined {
  if (word.length < 5 || !/^[a-z]+$/.test(word)) return undefined
  const clips = new Set<string>()
  const kept = new Set<string>()
  for (const v of nameVocabulary) {
    // an everyday catalog word is an abbreviation only as a clip of four letters or more ("term" of termination)
    if (!/^[a-z]+$/.test(v) || (isKnownWord(v) && !(v.length >= 4 && word.startsWith(v))) || !abbreviates(v, word)) continue
    ;(word.startsWith(v) ? clips : kept).add(v)
  }
  if (clips.size === 1) return [...clips][0]
  if (clips.size === 0 && kept.size === 1) return [...kept][0]
  return undefined
}
