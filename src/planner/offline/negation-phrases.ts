// "discounts by daypart, lunch excluded", "headcount by office, not counting contractors": English says
// an exclusion after what it excludes ("X excluded", "X aside") or with a verb phrase ("not counting X",
// "leaving out X") as often as with "excluding X". These are rewritten to the "excluding X" the planner
// reads, before the question is segmented. General English only; the excluded words stay as written.

/** Verb phrases that mean "excluding" before what they exclude. */
const LEADING = /\b(?:not\s+counting|leaving\s+out|leave\s+out|omitting|setting\s+aside)\b/gi

/**
 * ", lunch excluded", ", visa excluded": a clause of its own (after a comma or the question's start) whose
 * last word is a post-positive "excluded" (or "aside", "left out", "not included", "omitted").
 */
const TRAILING = /(^|,\s*)((?:[A-Za-z0-9&'.-]+\s+){0,3}?[A-Za-z0-9&'.-]+)\s+(?:excluded|omitted|aside|left\s+out|not\s+included)(?=\s*(?:$|[,.;?!]))/gi

/** The question with every exclusion said as "excluding X", and the phrases rewritten. */
export function rewriteExclusions(text: string): { text: string; rewritten: string[] } {
  const rewritten: string[] = []
  let out = text.replace(TRAILING, (whole: string, lead: string, what: string) => {
    rewritten.push(whole.trim().replace(/^,\s*/, ''))
    return `${lead}excluding ${what}`
  })
  // "other than", "apart from" the planner reads already; these verb phrases it does not
  out = out.replace(LEADING, (whole: string) => {
    rewritten.push(whole)
    return 'excluding'
  })
  return { text: out, rewritten }
}
