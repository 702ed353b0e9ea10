// Two readings the catalog settles before the question is segmented, done as
// rewrites of the question text so the rest of the planner stays one path:
// - aggregation words: "the largest shipment weight", "heaviest shipment" name
//   the max metric of that noun when the layer has exactly one
//   (`max_shipment_weight_kg`), not a SUM of it nor a ranking of nothing;
//   likewise min/minimum/smallest and average/avg/mean/typical;
// - "international vs domestic", "late vs on-time": one side is a boolean
//   dimension (`is_international`), the other its opposite; the comparison is
//   a group-by on that dimension, never a filter.
import { stem } from './normalize'
import type { CatalogIndex } from './catalog-index'
import type { CatalogMetric } from '../../../semantic/types'
import { readsAsTimeUnit } from './described-name-words'

const AGG_WORDS: Record<string, 'max' | 'min' | 'avg'> = {
  largest: 'max', biggest: 'max', max: 'max', maximum: 'max', highest: 'max', heaviest: 'max', longest: 'max', peak: 'max',
  smallest: 'min', min: 'min', minimum: 'min', lowest: 'min', lightest: 'min', shortest: 'min',
  average: 'avg', avg: 'avg', mean: 'avg', typical: 'avg',
}
const AGG_NAME_TOKENS: Record<'max' | 'min' | 'avg', string[]> = {
  max: ['max', 'maximum', 'largest', 'biggest', 'highest', 'peak', 'longest', 'heaviest'],
  min: ['min', 'minimum', 'smallest', 'lowest', 'shortest', 'lightest'],
  avg: ['avg', 'average', 'mean'],
}
const GLUE = new Set(['the', 'a', 'an', 'of', 'per', 'single', 'one', 'ever', 'our', 'any'])

export type Aggregation = 'max' | 'min' | 'avg' | 'median' | 'ratio' | 'additive'
const NAME_AGG: Record<string, Aggregation> = {
  max: 'max', maximum: 'max', largest: 'max', biggest: 'max', highest: 'max', peak: 'max', heaviest: 'max', longest: 'max',
  min: 'min', minimum: 'min', smallest: 'min', lowest: 'min', shortest: 'min', lightest: 'min',
  avg: 'avg', average: 'avg', mean: 'avg', median: 'median', p50: 'median',
}

/**
 * What a metric aggregates, read from its name's first aggregation word
 * (`avg_visit_duration_min` is an average: its trailing "min" is a unit), else
 * from the first word of its description ("Average days..."), else ratio for
 * ratio metrics and additive (a sum or a count) for the rest.
 */
export function metricAggregation(name: string, idx: CatalogIndex): Aggregation {
  return aggregationOf(name, idx.metrics.get(name))
}

/** `metricAggregation` for a metric already in hand (a mention's hit). */
export function aggregationOf(name: string, m: CatalogMetric | undefined): Aggregation {
  // `dt_min` described as "Downtime in minutes": "min" is the unit, not a minimum
  for (const p of name.toLowerCase().split(/__|_/)) if (NAME_AGG[p] && !readsAsTimeUnit(m?.description, p)) return NAME_AGG[p]
  const first = /^\s*([A-Za-z]+)/.exec(m?.description ?? '')?.[1].toLowerCase()
  if (first && NAME_AGG[first]) return NAME_AGG[first]
  return m?.type === 'ratio' ? 'ratio' : 'additive'
}

/** Aggregation words that name how to aggregate, not which rows rank first. */
export const STRICT_AGG_WORDS: Record<string, 'max' | 'min' | 'avg' | 'median' | 'sum' | 'total'> = {
  max: 'max', maximum: 'max', min: 'min', minimum: 'min', average: 'avg', avg: 'avg', mean: 'avg', median: 'median', sum: 'sum', total: 'total',
}

/**
 * Whether a metric answers an aggregation word: "max" of a max metric,
 * "average" of an average or a ratio, "sum" of a sum or count, "total" of a
 * sum, count or ratio ("total conversion rate" is the overall rate) but never
 * of an average or an extreme ("total wait minutes" is not the average wait).
 */
export function aggregationFits(word: 'max' | 'min' | 'avg' | 'median' | 'sum' | 'total', agg: Aggregation): boolean {
  if (word === 'sum') return agg === 'additive'
  if (word === 'total') return agg === 'additive' || agg === 'ratio'
  return word === agg || (word === 'avg' && agg === 'ratio')
}

interface Word { text: string; start: number; end: number }
function wordsOf(text: string): Word[] {
  return [...text.matchAll(/[A-Za-z][A-Za-z0-9_-]*/g)].map((m) => ({ text: m[0], start: m.index ?? 0, end: (m.index ?? 0) + m[0].length }))
}
const nameWords = (name: string) => name.toLowerCase().split(/__|_/).filter(Boolean).map(stem)

export function rewriteAggregationWords(question: string, idx: CatalogIndex): { text: string; note?: string; partial?: string } {
  const ws = wordsOf(question)
  for (let i = 0; i < ws.length; i++) {
    const kind = AGG_WORDS[ws[i].text.toLowerCase()]
    if (!kind) continue
    // the nouns that follow the word ("largest [shipment weight]"), skipping glue
    const nouns: Array<{ w: Word; s: string }> = []
    for (let j = i + 1; j < ws.length && nouns.length < 4; j++) {
      const t = ws[j].text.toLowerCase()
      if (GLUE.has(t)) continue
      // "avg reply time min": after the nouns, "min" is the name's unit (minutes), not a minimum
      if (AGG_WORDS[t] && !(t === 'min' && nouns.length > 0)) break
      nouns.push({ w: ws[j], s: stem(t) })
    }
    if (nouns.length === 0) continue
    let best: { name: string; overlap: number; last: Word } | undefined
    let tie = false
    for (const name of idx.metrics.keys()) {
      const parts = nameWords(name)
      if (!parts.some((p) => AGG_NAME_TOKENS[kind].map(stem).includes(p)) || metricAggregation(name, idx) !== kind) continue
      let overlap = 0
      let last: Word | undefined
      for (const n of nouns) {
        // "average wait time" for `avg_wait_minutes`: "time" stands for the name's unit of time
        const unitOfTime = n.s === 'time' && /^(minute|min|mins|hour|hr|hrs|day|second|sec|secs)$/.test(parts[parts.length - 1] ?? '')
        // "avg wait min" for `avg_wait_minutes`: the unit typed short is still the name's word
        const unitShort = (['min', 'mins'].includes(n.s) && parts.some((p) => p.startsWith('minute'))) || (['hr', 'hrs'].includes(n.s) && parts.some((p) => p.startsWith('hour')))
          // "avg tenure months" for `avg_tenure_mo`: the name's unit cut short, the question's written out
          || (n.s === 'month' && parts.some((p) => p === 'mo' || p === 'mos'))
        if (!parts.includes(n.s) && !unitOfTime && !unitShort) break
        overlap++
        last = n.w
      }
      if (overlap === 0 || !last) continue
      if (!best || overlap > best.overlap) { best = { name, overlap, last }; tie = false } else if (overlap === best.overlap) tie = true
    }
    if (!best || tie) continue
    const replacement = best.name.replace(/_/g, ' ')
    const said = nouns.slice(0, best.overlap).map((n) => n.s)
    return {
      text: `${question.slice(0, ws[i].start)}${replacement}${question.slice(best.last.end)}`,
      note: `"${question.slice(ws[i].start, best.last.end)}" → metric ${best.name} (the ${kind} of it)`,
      ...(namesHead(best.name, said, ws[i].text.toLowerCase()) ? {} : { partial: `"${question.slice(ws[i].start, best.last.end)}" leaves out what ${best.name} measures` }),
    }
  }
  return { text: question }
}

/** Name words that only say "how much" or its unit: not what a metric measures. */
const PLAIN_OR_UNIT = new Set(['amount', 'amt', 'value', 'total', 'count', 'cnt', 'number', 'num', 'min', 'mins', 'minute', 'hour', 'hr', 'hrs', 'day', 'week', 'wk', 'month', 'mo', 'mos', 'year', 'yr', 'yrs', 'sec', 'secs', 'second', 'usd', 'kg', 'kgs', 'lb', 'lbs', 'km', 'mi', 'pct', 'percent', 'score'])
/** Aggregation words that also say what is measured ("heaviest" is the max of a weight). */
const IMPLIED_NOUNS: Record<string, string[]> = { heaviest: ['weight'], longest: ['duration', 'time', 'length', 'wait'], oldest: ['age'], youngest: ['age'] }

/**
 * Whether the words said with an aggregation word name what the metric
 * measures: the last word of its name that is not a unit or "amount" ("avg
 * visit" leaves out the duration of `avg_visit_duration_min`; "avg claim" is
 * all of `avg_claim_amount`).
 */
function namesHead(name: string, said: string[], aggWord: string): boolean {
  const parts = nameWords(name).filter((p) => !Object.values(AGG_NAME_TOKENS).flat().map(stem).includes(p) && !PLAIN_OR_UNIT.has(p) && !['avg', 'average', 'mean'].includes(p))
  const head = parts[parts.length - 1]
  return head === undefined || said.includes(head) || (IMPLIED_NOUNS[aggWord] ?? []).includes(head)
}

const VS = /\b([A-Za-z][A-Za-z-]*)\s+(?:vs\.?|versus|v\.?|or)\s+([A-Za-z][A-Za-z-]*)\b/i
const BOOLEAN_PREFIX = new Set(['is', 'has', 'was', 'are', 'can', 'did', 'flag', 'with'])

export function rewriteBooleanVersus(question: string, idx: CatalogIndex): { text: string; note?: string } {
  const m = VS.exec(question)
  if (!m) return { text: question }
  const sides = [m[1], m[2]].map((s) => stem(s.toLowerCase().replace(/-/g, '')))
  for (const d of idx.dimensions.values()) {
    if (d.type !== 'categorical') continue
    const vals = d.sample_values ?? []
    const boolish = d.value_type === 'boolean' || (vals.length > 0 && vals.every((v) => typeof v === 'boolean' || /^(true|false|0|1|yes|no|y|n)$/i.test(String(v))))
    if (!boolish) continue
    const parts = nameWords(d.name.split('__').pop() ?? d.name)
    const own = parts.filter((p) => !BOOLEAN_PREFIX.has(p))
    if (own.length !== 1) continue
    const side = sides.findIndex((s) => s === own[0] || s.replace(/^on/, '') === own[0])
    if (side < 0) continue
    const other = sides[1 - side]
    // the other side must not be a name or value of its own ("late vs express" is not one dimension)
    if (idx.nameVocabulary.has(other) && other !== own[0]) continue
    // the grouping goes last, where "by" cannot be read as "ranked by" the metric
    const by = `by ${(d.name.split('__').pop() ?? d.name).replace(/_/g, ' ')}`
    const rest = `${question.slice(0, m.index)} ${question.slice(m.index + m[0].length)}`.replace(/\s+/g, ' ').trim().replace(/[?.!]+$/, '')
    return { text: `${rest} ${by}`, note: `"${m[0]}" → group by ${d.name} (both sides of a yes/no dimension)` }
  }
  return { text: question }
}

/**
 * "for store s-1042", "shipment SH-10023", "tracking number 1Z999": an
 * identifier typed after the name of an entity (or an id-like dimension) is a
 * filter on that key, with the id as typed. Without this the id's pieces are
 * unknown words (refused) or, worse, a count grouped by the entity.
 */
export function extractIdFilters(question: string, idx: CatalogIndex): { text: string; filters: Array<{ field: string; op: '='; value: string | number }>; notes: string[] } {
  const filters: Array<{ field: string; op: '='; value: string | number }> = []
  const notes: string[] = []
  let text = question
  const ID = /\b((?:[A-Za-z]{1,4}-?)?\d[\w-]*|\d+)\b/g
  for (const m of [...question.matchAll(ID)]) {
    const token = m[1]
    if (!/\d/.test(token) || /^\d+(st|nd|rd|th|k|m|%)$/i.test(token)) continue
    // "patients 65+", "orders over 100%": a bound or a share, not an identifier
    if (/^\s*[+%]/.test(question.slice(m.index + token.length))) continue
    // a known value ("WH-03" of warehouse_code) is matched as a value, on its own dimension
    if ([...idx.dimensions.values()].some((d) => (d.sample_values ?? []).some((v) => String(v).toLowerCase() === token.toLowerCase()))) continue
    const words4 = wordsOf(question.slice(0, m.index)).slice(-4)
    // the name must sit right before the id ("store s-1042"), not somewhere earlier
    const gap = words4.length ? question.slice(words4[words4.length - 1].end, m.index).trim() : ''
    if (gap !== '' && gap !== '#') continue
    // "orders 2023": a year after a noun is a time, unless a word says it is an id ("order id 2023")
    // ("for customer 2023" names one: the preposition introduces the entity, not a period)
    const marked = words4.length > 1 && /^(id|ids|no|nr|num|number|identifier)$/i.test(words4[words4.length - 1].text) || gap === '#' ||
      (words4.length > 1 && /^(for|of|from|at)$/i.test(words4[words4.length - 2].text))
    if (/^(19|20)\d\d$/.test(token) && !marked) continue
    let beforeWords = words4.slice(-3)
    let best = idTarget(beforeWords, token, idx)
    // "product id 88", "order # 5512", "customer no 17": a word that only says "identifier" stands
    // between the entity's name and the id (tried second: "tracking number" may be the name itself)
    const lastBefore = words4[words4.length - 1]
    if (!best && words4.length > 1 && /^(id|ids|no|nr|num|number|identifier)$/i.test(lastBefore.text)) {
      beforeWords = words4.slice(0, -1).slice(-3)
      best = idTarget(beforeWords, token, idx)
    }
    if (!best) continue
    // the entity's name is spent on the filter: it is neither a grouping nor a metric here
    const spent = beforeWords.slice(beforeWords.length - best.len)
    text = text.replace(question.slice(spent[0].start, m.index + token.length), ID_SLOT)
    const value = /^\d+$/.test(token) && token.length < 16 ? Number(token) : token
    filters.push({ field: best.name, op: '=', value })
    notes.push(`"${token}" → filter ${best.name} = ${token} (an identifier)`)
  }
  // the preposition and the joiners of the removed ids go with them ("for store 5 and store 6")
  text = text.replace(ID_SLOT_RUN, ' ').split(ID_SLOT).join(' ')
  return { text: text.replace(/\s+/g, ' ').trim(), filters, notes }
}

/** Stands where an identifier phrase was cut out, until its glue words are cut too. */
const ID_SLOT = '\u0001'
const ID_SLOT_RUN = /(?:\b(?:for|at|of|from|in|with|on)\s+)?\u0001(?:\s*(?:and|or|vs\.?|versus|,|&|compared\s+(?:to|with)|against)\s*\u0001)*/gi

/** The entity or id-like dimension whose name ends the words before an identifier. */
function idTarget(beforeWords: Word[], token: string, idx: CatalogIndex): { name: string; len: number } | undefined {
  const before = beforeWords.map((w) => stem(w.text.toLowerCase()))
  let best: { name: string; len: number } | undefined
  for (const d of idx.dimensions.values()) {
    if (d.type === 'time') continue
    const vals = d.sample_values ?? []
    if (d.type === 'categorical' && vals.some((v) => String(v).toLowerCase() === token.toLowerCase())) continue
    const last = nameWords(d.name.split('__').pop() ?? d.name).filter((w) => !['id', 'key', 'code', 'number', 'nr', 'num'].includes(w) || d.type === 'categorical')
    if (last.length === 0 || last.length > before.length) continue
    const tail = before.slice(before.length - last.length)
    const idLike = d.type === 'entity' || /(^|_)(id|key|code|number|nr|num)$/.test(d.name)
    if (!idLike || !last.every((w, i) => tail[i] === w || `${tail[i]}s` === w)) continue
    if (!best || last.length > best.len || (last.length === best.len && d.name.split('__').length < best.name.split('__').length)) best = { name: d.name, len: last.length }
  }
  return best
}
