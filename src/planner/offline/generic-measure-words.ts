// "rate by clinic", "amount by payer type", "count by department", "average by job level", "totals by week":
// the question names how a number is measured, not which number, over a layer with several metrics so
// measured. No metric is named, so the planner used to refuse; guessing one would be confidently wrong. The
// honest answer asks back with the metrics the word fits (each planned with the rest of the question), as
// for a word several metric names share. The words are general English for kinds of measure; which
// metrics they fit is read from the metrics' names (and their usual short forms: cnt, amt, avg, pct).
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'
import { nameStems } from './normalize'

/** A generic measure word → the name words of the metrics it fits. General English, any domain. */
const MEASURES: Record<string, string[]> = {
  rate: ['rate', 'ratio', 'pct', 'percent', 'percentage'], rates: ['rate', 'ratio', 'pct', 'percent', 'percentage'],
  ratio: ['ratio', 'rate'], percentage: ['pct', 'percent', 'percentage', 'rate'],
  amount: ['amount', 'amt'], amounts: ['amount', 'amt'],
  count: ['count', 'cnt'], counts: ['count', 'cnt'],
  total: ['total', 'tot'], totals: ['total', 'tot'],
  average: ['average', 'avg', 'mean'], averages: ['average', 'avg', 'mean'], avg: ['average', 'avg', 'mean'],
}
/** Words that may stand before a measure word without qualifying it ("show me the total", "what's the rate"). */
const STANDALONE_BEFORE = new Set(['the', 'a', 'an', 'our', 'my', 'me', 'us', 'what', "what's", 'whats', 'is', 'are', 'was', 'were', 'of', 'give', 'list', 'get'])
/** Beyond this many readings the word names everything, and a list to pick from helps no one. */
const MAX_READINGS = 6

export interface GenericMeasureReadings {
  word: string
  readings: Array<{ metric: string; query: SemanticQuery }>
}

/**
 * For a question naming no metric but a generic measure word, the confident plans of the question with the
 * word replaced by each metric it fits; undefined where the question has no such word, another word of it is
 * unknown (`unknown`: the words nothing read) or no plan is sure.
 */
export function genericMeasureReadings(question: string, unknown: string[], idx: CatalogIndex, plan: (text: string) => SemanticQuery | undefined): GenericMeasureReadings | undefined {
  // "combined ratio", "pass rate": a word the layer does not know qualifies the measure, so it names a metric
  // the layer lacks; only a measure word standing alone asks which of the layer's metrics is meant
  if (unknown.some((w) => !MEASURES[w.toLowerCase()])) return undefined
  for (const m of question.matchAll(/[A-Za-z]+/g)) {
    const word = m[0].toLowerCase()
    const fits = MEASURES[word]
    if (!fits) continue
    // "combined ratio", "pass rate", "no show rate": a word before the measure qualifies it, so it names one
    // metric (perhaps one the layer lacks); only a measure standing alone asks which metric is meant
    const before = /([A-Za-z']+)[^A-Za-z']*$/.exec(question.slice(0, m.index))?.[1]?.toLowerCase()
    if (before !== undefined && !STANDALONE_BEFORE.has(before)) continue
    const metrics = [...idx.metrics.keys()].filter((name) => nameStems(name).some((w) => fits.includes(w)) || name.toLowerCase().split('_').some((w) => fits.includes(w)))
    if (metrics.length < 2) continue
    const readings: GenericMeasureReadings['readings'] = []
    for (const metric of metrics) {
      const text = `${question.slice(0, m.index)}${metric.replace(/_/g, ' ')}${question.slice(m.index! + m[0].length)}`
      const query = plan(text)
      if (query && query.metrics.length === 1 && query.metrics[0] === metric) readings.push({ metric, query })
    }
    if (readings.length >= 1 && readings.length <= MAX_READINGS) return { word, readings }
  }
  return undefined
}
