// "student contracts sold" read as `member__is_student = true` when the plan a contract was sold
// under may be "Student Flex": a word that names a yes/no column (`is_student`) and is also a
// whole word of a value of another column the metric reaches is two questions (contracts of
// student members, or contracts on the student plan). Nothing in the words picks one, so both
// are readings and the planner asks back, unless the word comes with the noun of its own entity
// ("student members": the members' flag). The same holds for a code read through the legend in its
// column's description: "hotel gpv" as `mcc_cd = 7011` ("hotels and lodging") when a merchant is
// named "Harbor Hotel" (but "data sessions" as D = data is the code: its whole meaning is said).
import type { SemanticQuery, StructuredFilter } from '../../../semantic/types'
import { codeLegend, type CatalogIndex } from './catalog-index'
import { nameStems, stem } from './normalize'

const FLAG_PREFIXES = new Set(['is', 'has', 'flag'])

/** Dimension names every metric of the plan can use. */
function shared(idx: CatalogIndex, metrics: string[]): string[] {
  let out: string[] | undefined
  for (const m of metrics) {
    const dims = idx.metrics.get(m)?.dimensions ?? []
    out = out ? out.filter((d) => dims.includes(d)) : [...dims]
  }
  return out ?? []
}

export function flagOrValueReadings(query: SemanticQuery, idx: CatalogIndex, question: string): Array<{ query: SemanticQuery; why: string }> {
  const asked = new Set(question.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).map(stem))
  const available = shared(idx, query.metrics)
  const out: Array<{ query: SemanticQuery; why: string }> = []
  for (const f of query.filters ?? []) {
    if (f.op !== '=') continue
    let word: string | undefined
    if (f.value === true) {
      const leaf = f.field.slice(f.field.lastIndexOf('__') + 2)
      const words = nameStems(leaf).filter((w) => !FLAG_PREFIXES.has(w))
      if (words.length !== 1 || !asked.has(words[0])) continue
      word = words[0]
    } else if (typeof f.value === 'string') {
      // a code whose legend meaning holds the question's word ("7011 = hotels and lodging" for "hotel")
      const meaning = codeLegend(idx.dimensions.get(f.field)?.description).find(([code]) => code === f.value)?.[1]
      // only one word of the meaning said ("self-pay" says the whole meaning: the code is meant)
      const said = meaning ? nameStems(meaning).filter((w) => asked.has(w)) : []
      if (said.length !== 1 || said[0].length < 4) continue
      // a one-word meaning said whole and as written ("data" for D = data) is the code's own name, as a
      // value's is ("hotel" for "7011 = hotels and lodging" is not: one word of a longer meaning, another form)
      if (nameStems(meaning!).length === 1 && question.toLowerCase().split(/[^a-z0-9]+/).includes(meaning!.toLowerCase())) continue
      word = said[0]
    }
    if (!word) continue
    // "hotels gpv": a plural says many of a kind, not the one value whose name holds the word once
    const raw = question.toLowerCase().split(/[^a-z0-9]+/).find((t) => stem(t) === word)
    const plural = !!raw && raw !== word
    // "student members", "flagship clubs": the word said with the noun of the entity it belongs to picks the flag or code
    const entity = f.field.split('__').slice(-2, -1)[0]
    if (entity && new RegExp(`\\b${word}s?\\s+${nameStems(entity).join('[\\s_]+')}s?\\b`, 'i').test(question)) continue
    const tail = (n: string) => n.slice(n.lastIndexOf('__') + 2)
    const seen = new Set<string>()
    for (const d of available) {
      const dim = idx.dimensions.get(d)
      if (!dim || dim.type !== 'categorical' || d === f.field || seen.has(tail(d))) continue
      const values = (dim.sample_values ?? []).filter((v): v is string => typeof v === 'string' && v.toLowerCase().split(/[^a-z0-9]+/).some((t) => stem(t) === word && !(plural && t === word)))
      if (values.length !== 1) continue
      seen.add(tail(d))
      const other: StructuredFilter = { field: d, op: '=', value: values[0] }
      out.push({ query: { ...query, filters: (query.filters ?? []).map((x) => (x === f ? other : x)) }, why: `${d} = ${values[0]} instead of ${f.field} = ${String(f.value)}` })
    }
  }
  return out
}
