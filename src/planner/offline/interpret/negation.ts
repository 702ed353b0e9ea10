// Negation: "excluding", "other than", "not", and "all categories but Toys".
// The values after it are excluded (filters.ts reads negMode).
import { NEGATIONS } from '../lexicon'
import { phrase, span, word, type ReadState, type WordRule } from './state'

/** "all categories but Toys" excludes; elsewhere "but" only joins clauses ("same but weekly"). */
export const butExcept: WordRule = (s, k, w) => {
  if (!(w === 'but' && word(s, k + 1) !== 'not')) return undefined
  if (s.allMode || s.unfilterAt === k - 1 || s.lastRole?.kind === 'group' && s.d.groups.length && wordBeforeLastGroup(s, ['all', 'every', 'any'])) {
    s.negMode = true
    s.filterMode = true
    s.groupMode = false
    s.allMode = false
    const g = s.d.groups[s.d.groups.length - 1]
    // "all categories": named to be excluded from, not to group by
    if (g && !g.marked) g.absorbed = true
    s.lastMarker = 'but'
  }
  return 1
}

/** "excluding", "other than", "without" (which also removes in a follow-up). */
export const negationMarker: WordRule = (s, k) => {
  for (const m of NEGATIONS) {
    const len = phrase(s, k, m)
    if (len) {
      s.negMode = true
      s.groupMode = false
      s.filterMode = true
      s.removeMode = s.d.cue.remove || m[0] === 'without'
      s.lastMarker = span(s, k, len)
      return len
    }
  }
  return undefined
}

/** Whether one of the words stands among the two items before the last group mention's start. */
function wordBeforeLastGroup(s: ReadState, words: string[]): boolean {
  const g = s.d.groups[s.d.groups.length - 1]
  if (!g) return false
  for (let j = g.at - 1; j >= 0 && j >= g.at - 2; j--) if (words.includes(word(s, j) ?? '')) return true
  return false
}
