// "net sales excluding december", "every month except december", "net sales not in 2023", and round
// 15's "december excluded" (rewritten to "excluding december"): the negation was passed over and the
// period became the time range, so the plan answered exactly the period the question leaves out, at
// full confidence. A time range cannot leave a period out of itself, so the planner refuses. English
// only: a negation of the lexicon right before a time phrase ("in" and "the" may stand between).
import { PlanningError } from '../planner'
import { NEGATIONS } from './lexicon'
import type { Item } from './segment'

const GLUE = new Set(['in', 'the', 'of', 'during', 'for', 'on'])

/** The refusal for a period the question leaves out, or undefined. */
export function excludedPeriod(items: Item[]): PlanningError | undefined {
  const word = (i: number) => (items[i]?.kind === 'word' ? items[i].text.toLowerCase() : undefined)
  for (let k = 0; k < items.length; k++) {
    const it = items[k]
    if (it.kind !== 'time') continue
    // the time phrase may carry its own "in" ("in 2023"); its own words are not the negation
    let j = k - 1
    while (j >= 0 && GLUE.has(word(j) ?? '')) j--
    const negated = NEGATIONS.some((n) => n.every((w, i) => word(j - n.length + 1 + i) === w))
      || /^(?:not|excluding|except|without|other than|besides)\b/i.test(it.text)
    if (!negated) continue
    return new PlanningError('question_not_understood', `The question leaves out "${it.text}"; a time range can be a period, not all but one (ask for the periods wanted, or by month and compare)`, [
      { issue: 'an excluded period' },
    ])
  }
  return undefined
}
