// Follow-up edits: the cue words that make a question an edit of the last
// answer ("instead", "too", "what about", "drop ..."), the edit verb itself,
// clearing the time range and removing or un-filtering a dimension.
import { EDIT_PHRASES, FOLLOW_UP_ADD, FOLLOW_UP_REMOVE, FOLLOW_UP_REPLACE, ORDER_MARKERS, TIME_FILTER_WORDS } from '../lexicon'
import { longestPhrase, phrase, span, word, type MatchRule, type ReadState, type WordRule } from './state'

/** Reads the cue words at the start (and "instead"/"too" anywhere) before the question is read. */
export function detectCues(s: ReadState): void {
  const cue = s.d.cue
  let k = 0
  while (word(s, k) === 'ok' || word(s, k) === 'okay' || word(s, k) === 'great' || word(s, k) === 'thanks' || word(s, k) === ',' || word(s, k) === 'so' || word(s, k) === 'then' || word(s, k) === 'now' && word(s, k + 1) === 'and') k++
  const startsWith = (table: string[][]) => table.some((p) => phrase(s, k, p) > 0)
  s.cueAt = k
  if (startsWith(EDIT_PHRASES)) cue.replace = true
  if (ORDER_MARKERS.some((m) => m.length >= 2 && m[m.length - 1] === 'by' && phrase(s, k, m) > 0)) cue.sort = true
  if (startsWith(FOLLOW_UP_REPLACE)) cue.replace = true
  else if (startsWith(FOLLOW_UP_ADD)) cue.add = true
  if (startsWith(FOLLOW_UP_REMOVE)) cue.remove = true
  for (let j = 0; j < s.items.length; j++) {
    const w = word(s, j)
    if (w === 'instead' || w === 'rather') cue.instead = true
    if ((w === 'too' || (w === 'as' && word(s, j + 1) === 'well')) && j >= s.items.length - 3) cue.add = true
  }
}

/** "change it to", "same but": the edit verb of a follow-up means nothing more. */
export const editPhrase: WordRule = (s, k) => {
  if (k !== s.cueAt) return undefined
  const edit = longestPhrase(s, k, EDIT_PHRASES)
  return edit || undefined
}

/** "drop the date filter", "without a time range". */
export const clearTimeRange: WordRule = (s, k) => {
  if (!(s.removeMode || s.d.cue.remove)) return undefined
  const tf = longestPhrase(s, k, TIME_FILTER_WORDS)
  if (!tf) return undefined
  s.d.clearTime = true
  s.d.notes.push(`"${span(s, k, tf)}" → no time range`)
  return tf
}

/** "remove ...", "drop ..." opening the question: what follows leaves the last answer. */
export const removeCue: WordRule = (s, k) => {
  for (const m of FOLLOW_UP_REMOVE) {
    const len = phrase(s, k, m)
    if (len && k === 0) {
      s.removeMode = true
      s.negMode = true
      s.lastMarker = span(s, k, len)
      return len
    }
  }
  return undefined
}

/** "without region": the dimension's filters and grouping are dropped. */
export const removedDimension: MatchRule = (s, { k, M, D, mention }) => {
  if (!(s.removeMode && D.length && !M.length)) return false
  s.d.removals.push(mention(D))
  s.lastRole = { kind: 'other', at: k }
  return true
}

/** "for all regions": no filter on region. */
export const unfilteredDimension: MatchRule = (s, { k, M, D, mention }) => {
  if (!(s.allMode && D.length && !M.length)) return false
  s.d.unfilters.push(mention(D))
  s.allMode = false
  s.unfilterAt = k
  s.lastRole = { kind: 'other', at: k }
  return true
}

/** "sort them by orders": re-sorts the last answer, keeping what it showed. */
export function finishSortCue(s: ReadState): void {
  if (s.d.cue.sort && !s.d.cue.instead && !s.d.cue.replace) s.d.cue.add = true
}
