// "dq30 and dq90 rates", "new and returning customers": two modifiers joined by "and" share the
// head noun after them. Read word by word, the first modifier stands alone and names whatever it
// names by itself (a count beside the rate), which answers another metric. The head is written
// out after each modifier where the layer names a metric by each modifier with the head, and not
// otherwise (so "orders and revenue" or "region and channel" are left as they are).
import type { CatalogIndex } from './catalog-index'
import { stem } from './normalize'

export function distributeSharedHead(text: string, idx: Pick<CatalogIndex, 'terms'>): { text: string; distributed: string[] } {
  const distributed: string[] = []
  const namesMetric = (a: string, h: string) => (idx.terms.get(`${stem(a.toLowerCase())} ${stem(h.toLowerCase())}`) ?? []).some((x) => x.target.kind === 'metric')
  const out = text.replace(/\b([a-z][a-z0-9]*) and ([a-z][a-z0-9]*) ([a-z]+)\b/gi, (whole, a: string, b: string, h: string) => {
    if (!namesMetric(a, h) || !namesMetric(b, h)) return whole
    // "rates" after two modifiers is the plural of the one head each takes
    const one = stem(h.toLowerCase()) !== h.toLowerCase() ? stem(h.toLowerCase()) : h
    distributed.push(whole)
    return `${a} ${one} and ${b} ${one}`
  })
  return { text: out, distributed }
}
