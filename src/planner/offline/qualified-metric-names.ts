// "active subscribers" over `subs_cnt` filtered to status A (legend "A = active"), where the layer also
// has `actv_subs_cnt` ("Subscribers with any usage in the period"); "churned lines" over `subs_cnt`
// with `chrn_flg` = true next to `chrn_subs_cnt`: the word read as a value is also the cut first word
// of another metric whose name is exactly the chosen metric's name with that word before it. Such a
// metric is the layer's own name for the qualified thing, and it may count it another way (active by
// usage, not by status). Nothing in the words picks one, so both are readings and the planner asks.
import type { SemanticQuery, StructuredFilter } from '../../../semantic/types'
import { codeLegend, type CatalogIndex } from './catalog-index'
import { nameStems, stem } from './normalize'

const FLAG_PREFIXES = new Set(['is', 'has', 'flag', 'flg'])

function isSubsequence(short: string, long: string): boolean {
  let i = 0
  for (const ch of long) if (ch === short[i]) i++
  return i === short.length
}

/** Whether a name word is a cut of the question's word ("actv" of active, "chrn" of churned). */
export function cutOf(part: string, word: string): boolean {
  return (part.length >= 3 && part.length < word.length && part[0] === word[0] && isSubsequence(part, word))
}

/** The words of the question that said a filter: its value's words, its code's legend meaning, a flag's own words. */
function filterWords(f: StructuredFilter, idx: CatalogIndex): string[] {
  if (f.op !== '=') return []
  if (f.value === true) return nameStems(f.field.slice(f.field.lastIndexOf('__') + 2)).filter((w) => !FLAG_PREFIXES.has(w))
  if (typeof f.value !== 'string') return []
  const meaning = codeLegend(idx.dimensions.get(f.field)?.description).find(([code]) => code === f.value)?.[1]
  return [...nameStems(f.value), ...(meaning ? nameStems(meaning) : [])]
}

/** A field of `metric` with the same last part as `field` (the shortest path), or undefined. */
function sameField(idx: CatalogIndex, metric: string, field: string): string | undefined {
  if (field.startsWith('metric_time')) return field
  const dims = idx.metrics.get(metric)?.dimensions ?? []
  if (dims.includes(field)) return field
  const leaf = field.slice(field.lastIndexOf('__') + 2)
  return dims.filter((d) => d === leaf || d.endsWith(`__${leaf}`)).sort((a, b) => a.split('__').length - b.split('__').length)[0]
}

export function qualifiedMetricReadings(query: SemanticQuery, idx: CatalogIndex, question: string): Array<{ query: SemanticQuery; why: string }> {
  const asked = question.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length >= 4)
  const out: Array<{ query: SemanticQuery; why: string }> = []
  for (const f of query.filters ?? []) {
    const said = filterWords(f, idx)
    const words = asked.filter((w) => said.some((s) => s === stem(w) || cutOf(s, w)))
    if (words.length === 0) continue
    for (const chosen of query.metrics) {
      const base = nameStems(chosen)
      for (const [name] of idx.metrics) {
        if (query.metrics.includes(name)) continue
        const parts = nameStems(name)
        // exactly the chosen name with one word before it, and that word is the filter's word or cut from it
        if (parts.length !== base.length + 1 || !base.every((b, i) => parts[i + 1] === b)) continue
        // only a cut word: a name holding the whole word ("instant_bookings") is read by its name where the
        // question says it, and elsewhere the layer's flag is the word's plain reading
        if (!words.some((w) => parts[0] !== stem(w) && parts[0] !== w && cutOf(parts[0], w))) continue
        const group_by = (query.group_by ?? []).map((g) => (typeof g === 'string' ? sameField(idx, name, g) : g))
        const filters = (query.filters ?? []).filter((x) => x !== f).map((x) => {
          const field = idx.metrics.has(x.field) ? (x.field === chosen ? name : x.field) : sameField(idx, name, x.field)
          return field ? { ...x, field } : undefined
        })
        if (group_by.some((g) => g === undefined) || filters.some((x) => x === undefined)) continue
        const metrics = query.metrics.map((m) => (m === chosen ? name : m))
        const order_by = query.order_by?.map((o) => o.replace(chosen, name))
        const reading: SemanticQuery = { ...query, metrics, ...(group_by.length ? { group_by: group_by as NonNullable<SemanticQuery['group_by']> } : {}), ...(order_by ? { order_by } : {}) }
        if (filters.length) reading.filters = filters as StructuredFilter[]
        else delete reading.filters
        out.push({
          query: reading,
          why: `metric ${name} instead of ${chosen} with ${f.field} = ${String(f.value)}`,
        })
      }
    }
  }
  return out
}
