// "severe incidents" over `sev_cd` ("Severity: 1 = minor, 2 = moderate, 3 = major"): the planner read
// "severe" as a cut of the column's name and, with no "by" before it, took the column as a breakdown.
// Two guesses are stacked there: that the word names the column at all, and that naming it asks for a
// breakdown. A word standing before its noun without a grouping word more often says what kind of
// thing is meant (one of the column's values, unnamed), so the plan is asked back, not answered.
// A breakdown asked for ("by sev", "top 5 ..."), or named by the layer's own word ("severity incidents"), stays.
import type { GroupMention } from './interpret/draft'
import type { Item } from './segment'

export function guessedBareGrouping(groups: GroupMention[], items: Item[]): string | undefined {
  for (const g of groups) {
    if (g.marked || g.absorbed || g.grain) continue
    const it = items[g.at]
    if (it?.kind !== 'match' || it.corrected.length === 0) continue
    return `"${g.text}" was read as a cut of ${g.hits[0]?.target.name ?? 'a column'} and taken as a breakdown no "by" asks for; it may rather name one of its values`
  }
  return undefined
}
