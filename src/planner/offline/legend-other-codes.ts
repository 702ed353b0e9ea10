// "voluntary vs involuntary exits" where `term_type_cd` is "Kind of exit: VOL = voluntary resignation, INV =
// involuntary (let go), RET = retirement." and the plan filters INV: "voluntary" is a word of the column's
// description, but only as the meaning of another code. A word said there names that code (the other side of a
// comparison, a second value), not the filtered column again, so it must not be taken as restating it.
import { codeLegend } from './code-legend'

/** The description of a column with the legend entries of every code but `value` taken out. */
export function descriptionForCode(description: string | undefined, value: unknown): string | undefined {
  if (!description) return description
  const others = codeLegend(description).filter(([code]) => code.toLowerCase() !== String(value).toLowerCase())
  if (others.length === 0) return description
  let out = description
  for (const [code, meaning, gloss] of others) {
    for (const part of [meaning, gloss]) if (part) out = out.split(part).join(' ')
    out = out.replace(new RegExp(`\\b${code.replace(/[^A-Za-z0-9]/g, '\\$&')}\\b`, 'g'), ' ')
  }
  return out
}
