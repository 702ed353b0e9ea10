// "sales excluding the top customer", "mrr without the top 10 accounts", "all but the top 3 customers":
// the exclusion takes the ranked rows out of the total. Read word by word, the ranking stays and the
// exclusion has nothing left to exclude, so the plan answered the very rows the question leaves out:
// confidently the opposite. A plan cannot leave out its own top rows, so the planner refuses. English
// only: an exclusion word (also clipped as a hurried analyst types it: "excl", "ex", "w/o"), then (after "the")
// a ranking word.
import { PlanningError } from '../planner'
import type { CatalogIndex } from './catalog-index'

const EXCLUDED_RANK = /\b(?:excluding|exclude|excludes|excl\.?|ex|w\/o|except(?:\s+for)?|without|other\s+than|apart\s+from|aside\s+from|besides|all\s+but|but\s+not|minus|not\s+counting|leaving\s+out|omitting)\s+(?:the\s+|our\s+|my\s+)?(?:top|bottom|best|worst|biggest|largest|smallest|highest|lowest|leading)\b/i

/** The refusal for a question leaving out ranked rows, or undefined. Names of the layer that use the words win. */
export function excludedRanking(text: string, idx: CatalogIndex): PlanningError | undefined {
  const m = EXCLUDED_RANK.exec(text)
  if (!m) return undefined
  const rank = m[0].split(/\s+/).pop()!.toLowerCase()
  if (idx.terms.has(rank)) return undefined
  return new PlanningError('question_not_understood', `The question leaves out the ${rank} rows; a plan can list them, not take them out of the total (ask for the total and the ${rank} rows separately)`, [
    { issue: 'an exclusion of ranked rows' },
  ])
}
