// `otp_pct` described as "On-time performance, on-time trips divided by trips scheduled": the name a
// description gives a metric may open with a little word ("on time", "in stock", "over budget"), which
// alone is never a name. A span opening with such a word keeps only the layer's own written names, so
// the description's name was dropped and "on time" was read as a value, leaving "performance" unread.
// A description's name of three words or more that only opens with the little word is a name all the same.
import type { Hit } from './catalog-index'
import { RESERVED } from './lexicon'
import type { Token } from './normalize'

/** Whether `hit` is a metric's description name that opens with a little word and has two real words after it. */
export function describedNameOpeningWithLittleWord(hit: Hit, span: Token[]): boolean {
  if (hit.source !== 'description' || hit.target.kind !== 'metric' || hit.quality < 0.9) return false
  return span.length >= 3 && RESERVED.has(span[0].text) && span.slice(1).every((t) => !RESERVED.has(t.text))
}

/**
 * Whether `text` is the whole opening phrase of `description` set off by a comma or colon ("On-time
 * performance" of "On-time performance, on-time trips divided by ..."): the layer's own name for the
 * metric, as good as a label, so a name word it leaves out ("pct") is not a word the analyst dropped.
 * Its initials said as one word ("otp") are that name too.
 */
export function isDescriptionLeadName(text: string, description: string | undefined): boolean {
  const lead = /^\s*([A-Za-z][A-Za-z -]*?)\s*[,:]\s/.exec(description ?? '')?.[1]
  const words = (s: string) => s.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).join(' ')
  if (!lead) return false
  if (words(lead) === words(text)) return true
  // "otp" for "On-time performance": the phrase's initials, said as one word, are the same name
  const initials = lead.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).map((w) => w[0]).join('')
  return initials.length >= 2 && /^[a-z0-9]+$/i.test(text.trim()) && text.trim().toLowerCase() === initials
}
