// Calibration by the evidence behind a value filter. A layer's codes and
// descriptions turn ordinary words into values: "M = monthly" makes "monthly"
// a value of a billing frequency. When that word also has a role in the
// question's grammar (a grain, a ranking word, a comparison), reading it as a
// filter is a guess: "monthly claims" asks for a series by month far more often
// than for claims on monthly-billed policies. Unless the question also names
// the value's dimension ("monthly pay plan", "billing frequency monthly"), the
// plan is not confident, however exact the value match was.
import { isStructureWord } from './lexicon'
import type { Draft } from './interpret'
import { nameStems } from './normalize'

/** A reason to doubt the plan when a value filter stands on a word the grammar also reads, else undefined. */
export function grammarWordValue(draft: Draft, question: string): string | undefined {
  const asked = new Set(nameStems(question))
  for (const v of draft.values) {
    const h = v.hits[0]
    if (!h || h.target.kind !== 'value') continue
    const said = v.text.toLowerCase().split(/\s+/).filter(Boolean)
    // every word of the mention has a role in the grammar (not mere filler, not just an everyday word)
    if (said.length === 0 || !said.every(isStructureWord)) continue
    const dimWords = nameStems(h.target.name.split('__').pop() ?? h.target.name).filter((w) => w.length >= 3 && w !== 'code')
    if (dimWords.some((w) => asked.has(w))) continue
    return `"${v.text}" is read as ${h.target.name} = ${String(h.target.value)}, but the word also has a role in the question's grammar and nothing names ${h.target.name}`
  }
  return undefined
}
