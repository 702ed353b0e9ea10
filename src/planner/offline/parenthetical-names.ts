// "Number of people employed (headcount)", "Number of employments that ended (exits)", "Accounts that
// churned (logo churn)": a metric's description that closes on a word or two in parentheses gives the
// everyday name of what it counts. People ask for "headcount by department", not for employee_count.
// Read from the catalog only: one or two plain words, at the end of the description, in a description
// that is no code legend ("INV = involuntary (let go)" glosses one value, not the metric).

import { nameStems } from './normalize'

/** The stems of the closing parenthetical name of a metric's description, or undefined. */
export function parentheticalName(description: string | undefined): string[] | undefined {
  if (!description || description.includes('=')) return undefined
  const m = /\(\s*([a-z][a-z-]*(?:\s+[a-z][a-z-]*)?)\s*\)\s*\.?\s*$/i.exec(description)
  if (!m) return undefined
  // "(e.g. ...)", "(or ...)", "(in USD)" explain; they do not name
  if (/^(?:e\.?g|i\.?e|or|and|in|of|per|from|incl|including|excluding|see|usd|eur|gbp|percent|minutes|hours|days)\b/i.test(m[1])) return undefined
  const stems = nameStems(m[1])
  return stems.length ? stems : undefined
}
