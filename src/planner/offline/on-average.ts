// "lead time on average, per booking channel", "basket size on average": English puts "on average" after
// what it averages as readily as "average" before it. The phrase is moved in front of the noun run it
// follows ("average lead time, per booking channel") so the average reading of a name applies as it
// does to "average lead time"; where no average metric fits, "average" stays unexplained and refuses.
import { FILLER, RESERVED } from './lexicon'

/** Words ending the noun run "on average" closes: function words, and those that carry structure. */
const stops = (w: string) => FILLER.has(w) || RESERVED.has(w) || /^\d/.test(w)

/** The question with "X on average" read as "average X", or unchanged. */
export function moveOnAverage(text: string): { text: string; moved?: string } {
  const m = /\s+on\s+(?:an?\s+)?average\b/i.exec(text)
  if (!m) return { text }
  const before = text.slice(0, m.index)
  const words = [...before.matchAll(/[A-Za-z][A-Za-z'-]*/g)]
  let first = words.length
  while (first > 0 && words.length - first < 4 && !stops(words[first - 1][0].toLowerCase()) && !/[,;:]\s*$/.test(before.slice(words[first - 1].index! + words[first - 1][0].length, first < words.length ? words[first].index : before.length))) first--
  if (first === words.length) return { text }
  const at = words[first].index!
  const noun = before.slice(at)
  return { text: `${before.slice(0, at)}average ${noun}${text.slice(m.index + m[0].length)}`, moved: `${noun}${m[0]}` }
}
