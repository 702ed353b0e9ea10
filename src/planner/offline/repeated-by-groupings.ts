// "gross sales, location by location", "volume country by country": English repeats a noun around
// "by" to say "one row per X". Read word by word, the first copy looks like a metric of its own
// (a `location_count` named by "location") and the plan gains a metric nobody asked for. The idiom
// is rewritten to the plain grouping ("by location") before the question is read.
import { GRAIN_NOUNS } from './lexicon'

/**
 * The repeated noun must end its clause (end of the question, punctuation, or a function word
 * that starts the next part), so "sales by sales rep" keeps its meaning. Time grains ("month by
 * month") are left to the grain rules, which already read them.
 */
const REPEATED_BY = /\b([a-z][a-z-]*(?:\s+[a-z][a-z-]*)?)\s+by\s+\1(?=\s*(?:$|[,.;:?!]|\s(?:for|in|during|since|over|from|between|through|and|with|excluding|except|other|not|last|this|so|please|ytd|mtd)\b))/gi

/** The question with every "X by X" read as "by X", and the phrases rewritten. */
export function rewriteRepeatedBy(text: string): { text: string; rewritten: string[] } {
  const rewritten: string[] = []
  const out = text.replace(REPEATED_BY, (whole: string, noun: string) => {
    if (noun.toLowerCase().split(/\s+/).some((w) => GRAIN_NOUNS[w] !== undefined || /^\d/.test(w))) return whole
    rewritten.push(whole)
    return `by ${noun}`
  })
  return { text: out, rewritten }
}
