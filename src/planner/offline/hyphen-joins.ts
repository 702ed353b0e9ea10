// "check-ins by region" over a `checkins` metric, "sign-ups by month" over `signups`: a hyphen
// the question writes inside a word the layer spells as one. Split at the hyphen, neither half
// names the metric ("check" may even name another column). Two halves joined by a hyphen are
// read as one word when the joined word, and not the halves together, is a word of the layer.
import type { CatalogIndex } from './catalog-index'
import { stem } from './normalize'

export function joinHyphenatedNames(text: string, idx: Pick<CatalogIndex, 'vocabularySet' | 'terms'>): { text: string; joined: string[] } {
  const joined: string[] = []
  const out = text.replace(/\b([a-z]+)-([a-z]+)\b/gi, (whole, a: string, b: string, at: number) => {
    const one = `${a}${b}`.toLowerCase()
    if (!idx.vocabularySet.has(stem(one))) return whole
    // the halves already name something together ("no-show" for a `no_show` value): keep them, unless the
    // joined word and the next one name a metric ("on-time trips" over `ontime_trip_cnt` as well as an
    // "on time" status): the metric's own name is the closer reading than the value and a count of everything
    const next = /^\s+([a-z]+)/i.exec(text.slice(at + whole.length))?.[1]
    const namesMetric = !!next && (idx.terms.get(`${stem(one)} ${stem(next.toLowerCase())}`) ?? []).some((h) => h.target.kind === 'metric')
    if (idx.terms.has(`${stem(a)} ${stem(b)}`) && !namesMetric) return whole
    joined.push(whole)
    return one
  })
  return { text: out, joined }
}
