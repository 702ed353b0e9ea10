// "premium by month" over a layer with `gross_written_premium` and
// `gross_earned_premium`; "losses by peril" next to `paid_losses` and
// `incurred_losses`: the question names a metric by a word its name shares
// with other metrics, and nothing else picks one. Refusing loses a question the
// layer can answer; picking one is a confident guess. The honest answer is to
// ask back, offering each metric the word names (with the rest of the question
// planned as it stands) as a ready-to-run reading.
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'
import { nameStems, stem } from './normalize'

/** How a number is aggregated, not what it measures: shared by names without making them one topic. */
const AGGREGATION_STEMS = new Set(['average', 'count', 'number', 'total', 'sum', 'max', 'min', 'median', 'distinct', 'rate', 'ratio', 'amount', 'percent'])

/** At most this many metrics may share the word: beyond it the word names a topic, not a choice. */
const MAX_SHARED = 5

export interface SharedNameReadings {
  word: string
  readings: Array<{ metric: string; query: SemanticQuery }>
}

/**
 * For a word no metric claimed on its own, the confident plans of the question with the word
 * replaced by each metric whose name holds it; undefined when no such plan exists (one plan:
 * the rest of the question picked the metric).
 * `plan` plans a rewritten question and returns undefined when it is not confident.
 */
export function sharedNameReadings(question: string, unknown: string[], idx: CatalogIndex, plan: (text: string) => SemanticQuery | undefined): SharedNameReadings | undefined {
  for (const word of unknown) {
    const s = stem(word)
    if (s.length < 3 || AGGREGATION_STEMS.has(s)) continue
    // "churn" is shared by `churned_mrr`, `churned_accounts` and `logo_churn_rate`: a past participle is the same word
    const metrics = [...idx.metrics.keys()].filter((m) => nameStems(m).some((w) => w === s || w === `${s}ed` || w === `${s}d`))
    if (metrics.length < 2 || metrics.length > MAX_SHARED) continue
    const at = new RegExp(`\\b${word.replace(/[^a-z0-9]/gi, '')}\\b`, 'i')
    if (!at.test(question)) continue
    const readings: SharedNameReadings['readings'] = []
    for (const metric of metrics) {
      const query = plan(question.replace(at, metric.replace(/_/g, ' ')))
      if (query && query.metrics.includes(metric)) readings.push({ metric, query })
    }
    if (readings.length >= 2) return { word, readings }
    // one reading only: the rest of the question picks the metric when every other metric sharing
    // the word cannot reach a field it names ("spa revenue": only the folio's total revenue reaches
    // the charge category); a reading left alone for any other reason is not picked by anything
    if (readings.length === 1 && metrics.every((m) => m === readings[0].metric || !reaches(idx, m, readings[0].query))) return { word, readings }
  }
  return undefined
}

/** Whether a metric can be grouped and filtered by every field of a plan (time fields aside). */
function reaches(idx: CatalogIndex, metric: string, query: SemanticQuery): boolean {
  const dims = idx.metrics.get(metric)?.dimensions ?? []
  const fields = [...(query.group_by ?? []).map((g) => (typeof g === 'string' ? g : g.name)), ...(query.filters ?? []).map((f) => f.field)]
  return fields.every((f) => f.startsWith('metric_time') || dims.includes(f) || idx.metrics.has(f))
}
