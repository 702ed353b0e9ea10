// Typos in time words ("last yaer", "by mnth", "bookings by wek"). Time
// phrases are read from the raw question before any catalog matching, and the
// catalog's typo correction only knows catalog words, so a misspelt "year"
// would otherwise end as an unknown word and a refusal. This pass rewrites
// such words in the question text first, only where the reading is certain
// enough: same first letter, one edit (two for long words), and the word is
// neither a catalog word nor one the planner knows.
import type { CatalogIndex } from './catalog-index'
import { correctTypo } from './catalog-index'
import { isKnownWord } from './lexicon'
import { editDistance, stem } from './normalize'

const TIME_WORDS = [
  'day', 'days', 'daily', 'week', 'weeks', 'weekly', 'month', 'months', 'monthly', 'quarter', 'quarters', 'quarterly',
  'year', 'years', 'yearly', 'annual', 'annually', 'today', 'yesterday', 'tomorrow', 'last', 'past', 'previous', 'since', 'ago',
  'january', 'february', 'march', 'april', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
]
const TIME_WORD_SET = new Set(TIME_WORDS)

/** Real words one edit away from a time word: never "corrected". */
const NOT_TYPOS = new Set(['weak', 'wee', 'wear', 'yea', 'yeah', 'mouth', 'moth', 'mont', 'pest', 'paste', 'lust', 'list', 'lost', 'least', 'mar', 'jun', 'jul', 'dad', 'dry', 'dats', 'data', 'date', 'daisy', 'yearn', 'quartet', 'sine', 'singe', 'since', 'aug', 'weekday', 'weekdays', 'weekend', 'weekends', 'midday', 'today', 'monday', 'sunday', 'friday'])

export interface TimeTypoFix { from: string; to: string }

/** Returns the question with misspelt time words fixed, and what was fixed. */
export function fixTimeTypos(question: string, idx: CatalogIndex): { text: string; fixes: TimeTypoFix[] } {
  const fixes: TimeTypoFix[] = []
  const text = question.replace(/[A-Za-z]+/g, (raw) => {
    const w = raw.toLowerCase()
    const to = correction(w, idx)
    if (!to) return raw
    fixes.push({ from: raw, to })
    return to
  })
  return { text, fixes }
}

function correction(w: string, idx: CatalogIndex): string | undefined {
  if (w.length < 3 || TIME_WORD_SET.has(w) || NOT_TYPOS.has(w)) return undefined
  const s = stem(w)
  if (idx.vocabularySet.has(s) || idx.vocabularySet.has(w) || isKnownWord(w) || isKnownWord(s)) return undefined
  const budget = w.length >= 9 ? 2 : 1
  let best: { word: string; d: number } | undefined
  let tie = false
  for (const t of TIME_WORDS) {
    // a 3-letter word only grows into a 4-letter one ("wek" → "week"); no "day" from "dat"
    if (t.length < 4 || t[0] !== w[0] || Math.abs(t.length - w.length) > budget) continue
    const d = editDistance(w, t, budget)
    if (d > budget) continue
    if (!best || d < best.d) { best = { word: t, d }; tie = false } else if (d === best.d && t !== best.word) tie = true
  }
  if (!best || tie) return undefined
  // a catalog word at least as close wins ("mounts" may be a product word's typo)
  const cat = correctTypo(idx, s)
  if (cat && cat.word !== best.word && cat.distance <= best.d) return undefined
  return best.word
}
