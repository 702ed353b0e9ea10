// "orders/customer", "rev / order by region", "sales ÷ customers": a slash before a singular noun, like a
// division sign, asks for one thing per another, a ratio. Read as a list word the slash gave both metrics side
// by side, or (the noun being no metric) the first metric alone, or with "÷" dropped by the tokenizer only the
// second: a confident plan of another question. A slash between plurals ("sales/orders") or before a word the
// plan uses as a value or a breakdown ("electronics/grocery", "by brand/category") still lists.
import type { Draft } from './interpret/draft'
import { stem } from './normalize'
import type { Item } from './segment'

/** Why the plan may answer a ratio asked with a slash or a division sign as something else, or undefined. */
export function slashRatio(text: string, draft: Draft, items: Item[]): string | undefined {
  if (text.includes('÷')) return 'the division sign asks for one number divided by another, which the plan does not compute'
  for (let at = 1; at < items.length - 1; at++) {
    const slash = items[at]
    if (slash.kind !== 'word' || slash.text !== '/') continue
    const next = items[at + 1]
    if (next.kind === 'time') continue
    if (draft.values.some((v) => v.at === at + 1) || draft.groups.some((g) => g.at === at + 1)) continue
    if (draft.grains.some((g) => g.text.toLowerCase() === next.text.toLowerCase())) continue
    const word = next.text.toLowerCase().split(/\s+/).pop()!
    // a singular noun: a word of letters that its plural stem does not shorten ("customer", not "customers")
    if (!/^[a-z]{3,}$/.test(word) || stem(word) !== word) continue
    return `"/ ${next.text}" reads as "per ${next.text}", a ratio the plan does not compute`
  }
  return undefined
}
