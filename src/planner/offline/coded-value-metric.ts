// "approved applications" read as the application count filtered to APR, where the layer also has `appr_cnt`
// ("Applications in approved status."): the legend word of the code ("APR = approved") and the plan metric's
// noun are the name of that other metric as its shorthand is written out ("approved count"), and its
// description counts the same noun. Both plans are readings of the question; which number the analyst means
// (the layer's defined count or the ad hoc filter) is asked back. A code's legend is read here because the
// question said its word, not the code: "inv" of `inv_cnt` is never taken from "involuntary".
import type { SemanticQuery, StructuredFilter } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'
import { spelledOutNameStems } from './business-abbreviations'
import { codeLegend } from './code-legend'
import { definingPhrase } from './description-verbs'
import { sameLegendWord } from './legend-word-forms'
import { nameStems } from './normalize'

const COUNT_WORDS = new Set(['count', 'number', 'total', 'amount', 'sum'])

/** A metric's names as stems: its own and its shorthand written out. */
function nameForms(name: string, description: string | undefined): string[][] {
  return [nameStems(name), ...spelledOutNameStems(nameStems(name), description)]
}

/** The plan with `f` dropped and its metric swapped for a metric its legend word and noun name, one per such metric. */
export function codedValueMetricReadings(query: SemanticQuery, f: StructuredFilter, idx: CatalogIndex, asked: Set<string>): Array<{ query: SemanticQuery; why: string }> {
  // (a share of the total picks its part by the filter on the grouped column: no other metric says that)
  if (query.metrics.length !== 1 || f.op !== '=' || typeof f.value !== 'string' || query.share_of_total) return []
  if ((query.group_by ?? []).some((g) => (typeof g === 'string' ? g : g.name) === f.field)) return []
  const entry = codeLegend(idx.dimensions.get(f.field)?.description).find(([code]) => code.toLowerCase() === String(f.value).toLowerCase())
  const legend = entry ? nameStems(entry[1]) : []
  if (legend.length !== 1 || !asked.has(legend[0])) return []
  const plan = idx.metrics.get(query.metrics[0])
  if (!plan) return []
  const planWords = new Set(nameForms(plan.name, plan.description).flat())
  const without = (query.filters ?? []).filter((x) => x !== f)
  const fields = [...(query.group_by ?? []).map((g) => (typeof g === 'string' ? g : g.name)), ...without.map((x) => x.field)]
  const out: Array<{ query: SemanticQuery; why: string }> = []
  for (const [name, m] of idx.metrics) {
    if (name === plan.name || !fields.every((x) => x.startsWith('metric_time') || m.dimensions.includes(x))) continue
    const named = nameForms(name, m.description).some((form) => {
      const rest = form.filter((w) => !sameLegendWord(w, legend[0]))
      return rest.length < form.length && rest.every((w) => COUNT_WORDS.has(w) || planWords.has(w))
    })
    const nouns = nameStems(definingPhrase(m.description) ?? '').filter((w) => w.length >= 3 && !COUNT_WORDS.has(w))
    if (!named || !nouns.some((w) => planWords.has(w))) continue
    const q: SemanticQuery = { ...query, metrics: [name], ...(without.length ? { filters: without } : {}) }
    if (!without.length) delete q.filters
    out.push({ query: q, why: `metric ${name} instead of ${plan.name} where ${f.field} = ${String(f.value)}` })
  }
  return out
}
