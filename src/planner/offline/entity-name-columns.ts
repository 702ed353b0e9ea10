// `ln_nm` on the line entity, `supp_nm` on the supplier: a column that names its entity, its first word a
// cut of the entity's word that keeps only some of its letters ("ln" of line), is what "by line" means:
// the entity's name rather than its key. Clipped words ("loc" of location) are read already; this reads
// the consonant cuts, and only on name columns, where the reading cannot pick a wrong attribute.
import { isKnownWord } from './lexicon'

function isSubsequence(short: string, long: string): boolean {
  let i = 0
  for (const ch of long) if (ch === short[i]) i++
  return i === short.length
}

/** Whether the column `own` (stems, e.g. ["ln", "name"]) names its entity whose word is `entity`. */
export function namesEntityByCut(own: string[], entity: string): boolean {
  if (own.length !== 2 || own[1] !== 'name') return false
  const first = own[0]
  return /^[a-z]{2,4}$/.test(first) && !isKnownWord(first) && entity.length >= first.length + 2 && first[0] === entity[0] && isSubsequence(first, entity)
}
