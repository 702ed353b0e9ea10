// Second readings of a plan. A word that is a dimension value can also be
// what the user means by a metric or a time dimension:
// - "new customers": the value New of customer_type, or the metric new_customers;
// - "orders shipped last week": orders whose status is Shipped (placed last
//   week), or orders that went out last week (shipped_at in the range).
// When both readings exist the plan is not confident: offline-only mode asks
// back with every reading as a ready-to-run candidate instead of picking one.
import type { SemanticQuery, StructuredFilter } from '../../../semantic/types'
import { stem } from './normalize'
import { codeLegend, type CatalogIndex } from './catalog-index'
import { sameLegendWord } from './legend-word-forms'
import { abbreviates } from './catalog-abbreviations'
import { codedValueMetricReadings } from './coded-value-metric'

export interface Reading {
  query: SemanticQuery
  /** Plain words saying what differs ("metric new_customers instead of customer_type = New"). */
  why: string
}

const MAX_READINGS = 4
/** Name words that say how a number is counted, not what: two names sharing only one share no noun. */
const COUNT_WORDS = new Set(['cnt', 'count', 'num', 'nbr', 'number', 'amt', 'amount', 'total', 'tot', 'sum', 'avg', 'pct'])

function words(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).map(stem)
}

/** A description's opening phrase, up to its first stop, comma, colon or parenthesis ("Cancellation date"). */
function openingPhrase(description: string | undefined): string {
  return (description ?? '').split(/[.,;:(]/)[0]
}

/** Stems of a verb form: "shipped" → ship, "delivered" → deliver, "cancelled" → cancel. */
function verbStems(word: string): string[] {
  const w = word.toLowerCase()
  const out = new Set([stem(w)])
  if (w.endsWith('ied')) out.add(`${w.slice(0, -3)}y`)
  if (w.endsWith('ed')) {
    const base = w.slice(0, -2)
    out.add(base)
    out.add(`${base}e`)
    if (/(.)\1$/.test(base)) out.add(base.slice(0, -1))
  }
  return [...out].filter((x) => x.length >= 3)
}

/**
 * "active merchant count" read as `merchant_count` where is_active = true, beside a metric
 * `active_merchants`: the flag's word and the plan metric's noun together name another metric,
 * which may define "active" its own way (a transaction in the period, not an account flag).
 */
function flagMetricReadings(query: SemanticQuery, f: StructuredFilter, idx: CatalogIndex, asked: Set<string>): Reading[] {
  if (query.metrics.length !== 1) return []
  const flag = words(f.field.slice(f.field.lastIndexOf('__') + 2)).filter((w) => !['is', 'has', 'flag'].includes(w))
  if (flag.length === 0) return []
  const metricWords = new Set(words(query.metrics[0]))
  const rest = (query.filters ?? []).filter((x) => x !== f)
  const out: Reading[] = []
  for (const [name, m] of idx.metrics) {
    if (name === query.metrics[0]) continue
    const nameWords = words(name)
    if (!flag.every((w) => nameWords.includes(w)) || !nameWords.some((w) => w.length >= 3 && metricWords.has(w))) continue
    if (!nameWords.every((w) => asked.has(w) || flag.includes(w) || metricWords.has(w))) continue
    // `instant_booking_value` beside booking_value: the plan's whole name plus the flag is the same
    // number filtered; only a count named without its count word (`active_merchants` beside
    // `merchant_count`) is a second definition
    const dropped = [...metricWords].filter((w) => !nameWords.includes(w))
    if (dropped.length === 0 || !dropped.every((w) => ['count', 'cnt', 'number', 'num', 'total'].includes(w))) continue
    const fields = [...(query.group_by ?? []).map((g) => (typeof g === 'string' ? g : g.name)), ...rest.map((x) => x.field)]
    if (!fields.every((x) => x.startsWith('metric_time') || m.dimensions.includes(x))) continue
    const q: SemanticQuery = { ...query, metrics: [name], ...(rest.length ? { filters: rest } : {}) }
    if (!rest.length) delete q.filters
    out.push({ query: q, why: `metric ${name} instead of ${query.metrics[0]} where ${f.field} = true` })
  }
  return out
}

function nextDay(date: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return date
  const t = new Date(`${date}T00:00:00Z`)
  t.setUTCDate(t.getUTCDate() + 1)
  return t.toISOString().slice(0, 10)
}

export function alternativeReadings(query: SemanticQuery, idx: CatalogIndex, question: string): Reading[] {
  const out: Reading[] = []
  const asked = new Set(words(question))
  for (const f of query.filters ?? []) {
    if (f.op === '=' && f.value === true) out.push(...flagMetricReadings(query, f, idx, asked))
    if (f.op !== '=' || typeof f.value !== 'string') continue
    const valueWords = words(f.value)
    if (valueWords.length === 0 || valueWords.length > 2) continue
    const without = (query.filters ?? []).filter((x) => x !== f)
    const base: SemanticQuery = { ...query, ...(without.length ? { filters: without } : {}) }
    if (!without.length) delete base.filters

    // "average days in transit" with avg_transit_days and a status in_transit: the value's
    // words are the metric's own, so the filter may be a second use of the same words
    const content = valueWords.filter((w) => w.length >= 3)
    const metricWords = new Set(query.metrics.flatMap((m) => words(m)))
    if (content.length && content.every((w) => metricWords.has(w))) {
      out.push({ query: base, why: `no filter ${f.field} = ${f.value} ("${f.value}" is part of the metric's name)` })
    }

    // "settled gpv" where gross volume is described as "Settled payment volume ...": the value's
    // word is how the layer defines the metric, so the filter may only repeat what it already counts.
    // Only the description's defining clause: a list of kinds ("(rooms, spa, parking)") is what a filter narrows
    const described = new Set(query.metrics.flatMap((m) => words((idx.metrics.get(m)?.description ?? '').split(/[(,;.:]/)[0])))
    if (content.length && content.every((w) => described.has(w)) && !content.every((w) => metricWords.has(w))) {
      out.push({ query: base, why: `no filter ${f.field} = ${f.value} ("${f.value}" is how the metric's description defines it)` })
    } else {
      // "scheduled amount due" where SCH = scheduled and the amount is "Amount scheduled due": the code's legend
      // word, as the question said it, is the description's own
      // (the whole meaning said: "freight" of "LTL = less-than-truckload freight" in "freight cost for ltl" is the metric's word)
      const legend = legendWords(idx.dimensions.get(f.field)?.description, f.value).filter((w) => w.length >= 3)
      if (legend.length && legend.every((w) => asked.has(w) && described.has(w))) {
        out.push({ query: base, why: `no filter ${f.field} = ${f.value} ("${legend.join(' ')}" is how the metric's description defines it)` })
      }
    }

    // "approved applications" beside `appr_cnt` ("Applications in approved status."): the legend word and the noun name it
    out.push(...codedValueMetricReadings(query, f, idx, asked))

    // value word + a word of the plan's metric = another metric's name ("new" + "customers" → new_customers)
    for (const metric of query.metrics) {
      const metricWords = new Set(words(metric))
      for (const [name, m] of idx.metrics) {
        if (query.metrics.includes(name)) continue
        const nameWords = words(`${name} ${m.label ?? ''}`)
        // the value's own words said in the question (a code read through its legend, "involuntary" for INV,
        // does not say "inv" of `inv_cnt`), and a shared word that is a noun, not a count word (`cnt`)
        const hasValue = valueWords.every((w) => nameWords.includes(w) && asked.has(w))
        const sharesNoun = nameWords.some((w) => metricWords.has(w) && w.length >= 3 && !COUNT_WORDS.has(w))
        if (hasValue && sharesNoun && nameWords.every((w) => asked.has(w) || valueWords.includes(w) || metricWords.has(w))) {
          out.push({ query: { ...base, metrics: query.metrics.map((x) => (x === metric ? name : x)) }, why: `metric ${name} instead of ${f.field} = ${f.value}` })
        }
      }
    }

    // "cancelled bookings last month" beside a metric `cancellations`: the value's verb is the event
    // another metric counts; the bookings whose status is cancelled (booked last month) or the
    // cancellations made last month. Offered when that count reaches the rest of the plan.
    if (valueWords.length === 1 && query.metrics.length === 1) {
      const stems = verbStems(String(f.value)).filter((x) => x.length >= 5)
      for (const [name, m] of idx.metrics) {
        // only a count of the event (`cancellations`, `cancellation_count`), not its fees or rate
        const nameWords = words(name)
        const event = nameWords.filter((w) => stems.some((x) => w.startsWith(x)))
        if (query.metrics.includes(name) || event.length !== 1 || !nameWords.every((w) => event.includes(w) || ['count', 'number', 'num', 'cnt', 'total'].includes(w))) continue
        const fields = [...(base.group_by ?? []).map((g) => (typeof g === 'string' ? g : g.name)), ...(base.filters ?? []).map((x) => x.field)]
        if (!fields.every((x) => x.startsWith('metric_time') || m.dimensions.includes(x))) continue
        if (base.order_by?.length || base.limit !== undefined) continue
        out.push({ query: { ...base, metrics: [name] }, why: `metric ${name} instead of ${query.metrics[0]} where ${f.field} = ${f.value}` })
      }
    }

    // "group adr" where both the market segment and the rate plan write GRP = group, "bookings from the
    // website" where one legend writes WEB = website and another glosses DIR with it: two filters
    // the question cannot tell apart
    out.push(...sharedCodeReadings(query, f, idx, asked))

    // a verb-like value and a time range: the range may be meant on the time dimension of that verb
    const range = query.time_constraint
    if (range?.start && range.end && valueWords.length === 1) {
      const stems = verbStems(String(f.value))
      for (const d of idx.timeDimensions) {
        if (d.name === 'metric_time' || d.name.startsWith('metric_time__')) continue
        const last = d.name.split('__').pop() ?? d.name
        // the column's name, an abbreviation in it (`cncl_dt`), or the noun its description opens with
        // ("Cancellation date, when ..."): each names the event the column dates, when the value is a verb form
        const verbForm = /^[a-z]{3,}ed$/i.test(String(f.value))
        const dimWords = words(last)
        const named = dimWords.some((w) => stems.some((s) => w === s || w.startsWith(s)))
          || (verbForm && [...dimWords, ...words(openingPhrase(d.description))].some((w) => stems.some((s) => s.length >= 5 && (w.startsWith(s) || abbreviates(w, s)))))
        if (!named) continue
        if (!query.metrics.every((m) => idx.metrics.get(m)?.dimensions.includes(d.name) ?? false)) continue
        // the end date is inclusive: the filter stops before the next day starts
        const filters: StructuredFilter[] = [...without, { field: d.name, op: '>=', value: range.start }, { field: d.name, op: '<', value: nextDay(range.end) }]
        const q: SemanticQuery = { ...query, filters }
        delete q.time_constraint
        out.push({ query: q, why: `${d.name} in ${range.start} to ${range.end} instead of ${f.field} = ${f.value}` })
      }
    }
  }
  out.push(...valueReadingsOfMetrics(query, idx, asked))
  return out.slice(0, MAX_READINGS)
}

/** A code's meaning in a dimension's legend, as stems ("GRP = group block" → [group, block]). */
function legendWords(description: string | undefined, code: string): string[] {
  const hit = codeLegend(description).find(([c]) => c.toLowerCase() === code.toLowerCase())
  return hit ? words(hit[1]) : []
}

/**
 * Other dimensions whose legend writes a word of the question that the filter's own legend
 * holds too: the same code ("GRP = group" as a market segment and "GRP = group block" as a rate
 * plan), or another code glossed with it ("WEB = website" where guests enrolled, "DIR = direct
 * (brand website and app)" where bookings came from). Each is another reading of the same words.
 */
function sharedCodeReadings(query: SemanticQuery, f: StructuredFilter, idx: CatalogIndex, asked: Set<string>): Reading[] {
  const code = String(f.value)
  const own = idx.dimensions.get(f.field)
  // a legend word said in another form ("declined" for "D = decline") is the word the question asked
  const ownWords = legendWords(own?.description, code).filter((w) => [...asked].some((a) => sameLegendWord(a, w)))
  if (!own || ownWords.length === 0) return []
  const column = (name: string) => name.split('__').pop()
  // "avg fico for declined decisions": a word of the question names the filter's own column (`dcsn_cd`, the
  // decision): the legend word is that column's, not another's
  if ([...asked].some((a) => idx.terms.get(a)?.some((h) => h.target.kind === 'dimension' && column(h.target.name) === column(f.field)))) return []
  const out: Reading[] = []
  const seen = new Set<string>()
  for (const d of idx.dimensions.values()) {
    if (d.type !== 'categorical' || column(d.name) === column(f.field) || seen.has(column(d.name)!)) continue
    const entry = codeLegend(d.description).find(([, meaning, gloss]) => words(`${meaning} ${gloss ?? ''}`).some((w) => ownWords.some((o) => sameLegendWord(o, w))))
    if (!entry) continue
    const value = (d.sample_values ?? []).find((v) => String(v).toLowerCase() === entry[0].toLowerCase()) ?? entry[0]
    // the same column on the filter's own entity path when there is one (`reservation__rate_plan_cd`)
    const sibling = `${f.field.slice(0, f.field.lastIndexOf('__') + 2)}${column(d.name)}`
    const field = idx.dimensions.has(sibling) ? sibling : d.name
    if (!query.metrics.every((m) => idx.metrics.get(m)?.dimensions.includes(field))) continue
    seen.add(column(d.name)!)
    const filters = (query.filters ?? []).map((x) => (x === f ? { ...x, field, value } : x))
    out.push({ query: { ...query, filters }, why: `${field} = ${String(value)} instead of ${f.field} = ${code}` })
  }
  return out
}

const WEAK = new Set(['count', 'total', 'number', 'num', 'cnt', 'sum', 'amount', 'of'])

/**
 * The other direction: the plan chose a metric whose name is a value word plus
 * another metric's noun (`returned_orders`, `new_customers`), and that word is
 * also a value of a dimension the other metric can be filtered by: orders whose
 * status is Returned, customers whose type is New.
 */
function valueReadingsOfMetrics(query: SemanticQuery, idx: CatalogIndex, asked: Set<string>): Reading[] {
  const out: Reading[] = []
  for (const metric of query.metrics) {
    const parts = words(metric)
    if (parts.length < 2) continue
    for (const [i, w] of parts.entries()) {
      if (!asked.has(w)) continue
      const rest = parts.filter((_p, j) => j !== i).filter((p) => !WEAK.has(p))
      if (rest.length === 0) continue
      for (const d of idx.dimensions.values()) {
        if (d.type !== 'categorical') continue
        const value = (d.sample_values ?? []).find((v) => typeof v === 'string' && words(v).length === 1 && words(v)[0] === w)
        if (value === undefined) continue
        for (const [name, m] of idx.metrics) {
          if (name === metric || query.metrics.includes(name) || !m.dimensions.includes(d.name)) continue
          const own = words(name).filter((p) => !WEAK.has(p))
          if (own.length !== rest.length || !own.every((p) => rest.includes(p))) continue
          const filters: StructuredFilter[] = [...(query.filters ?? []), { field: d.name, op: '=', value }]
          out.push({ query: { ...query, metrics: query.metrics.map((x) => (x === metric ? name : x)), filters }, why: `${name} where ${d.name} = ${String(value)} instead of metric ${metric}` })
        }
      }
    }
  }
  return out
}

/**
 * Value words that people mostly use for something else: "growth", "new",
 * "net", "total", "change"... A filter built from one of them alone ("MRR
 * growth" → plan = Growth) is not confident unless the question also names its
 * dimension ("in the Growth plan", "plan growth").
 */
export const LOADED_WORDS = new Set(['growth', 'new', 'net', 'gross', 'total', 'change', 'changes', 'share', 'rate', 'average', 'first', 'last', 'current', 'previous', 'open', 'closed', 'active', 'top', 'best', 'high', 'low', 'other', 'all', 'none', 'unknown', 'yes', 'no'])

export function loadedValueFilters(query: SemanticQuery, question: string): string[] {
  const asked = new Set(words(question))
  const out: string[] = []
  for (const f of query.filters ?? []) {
    const vals = Array.isArray(f.value) ? f.value : [f.value]
    for (const v of vals) {
      if (typeof v !== 'string') continue
      const w = v.toLowerCase().trim()
      if (!LOADED_WORDS.has(w)) continue
      const dimWords = words(f.field.split('__').pop() ?? f.field).filter((x) => x.length >= 3)
      if (dimWords.some((d) => asked.has(d))) continue
      if (STATE_WORDS.has(w) && entityNamedAfter(question, w, f.field)) continue
      out.push(`"${v}" is read as ${f.field} = ${v} only because the word matches that value`)
    }
  }
  return out
}

/**
 * "active subscriptions", "open invoices": the word right after the value is the noun of
 * the entity the value's column belongs to (`subscription__sub_status`), so the value
 * says which of those rows are meant; that is the evidence a bare word lacks. Only for
 * words of a row's state: "sales growth customers" may still be a comparison.
 */
/**
 * Loaded words that describe a row's lifecycle state; the others ("growth", "share", "net") also operate on
 * the metric. "new", "current" and "previous" are left out although a status column may hold them: before an
 * entity's noun they mostly place the rows in time ("new customers" = first seen in the period, "previous
 * customers"), which a status value does not say, so they stay doubted. Found at the validation gate.
 */
const STATE_WORDS = new Set(['open', 'closed', 'active', 'unknown'])

function entityNamedAfter(question: string, value: string, field: string): boolean {
  const parts = field.split('__')
  if (parts.length < 2) return false
  const entity = stem(parts[parts.length - 2].toLowerCase().split('_').pop() ?? '')
  const said = question.toLowerCase().split(/[^a-z0-9-]+/).filter(Boolean)
  return said.some((w, i) => w === value && i + 1 < said.length && stem(said[i + 1]) === entity)
}

/**
 * "freight cost per shipment", "revenue per customer": grouped by an entity,
 * this lists one row per shipment; analysts mostly mean the average. Both are
 * offered: the list, and an average metric of the same noun when the layer has
 * one (`avg_freight_cost`). Returns undefined when the question has no "per <entity>".
 */
const NOT_SUMS = new Set(['avg', 'average', 'mean', 'max', 'maximum', 'min', 'minimum', 'median', 'rate', 'ratio', 'per', 'pct', 'percent'])

/** "per <entity>" in the question, where the plan groups by that entity: the word, its stem and the group-by. */
function perEntity(query: SemanticQuery, idx: CatalogIndex, question: string): { said: string; word: string; entity: string } | undefined {
  const m = /\bper\s+([a-z]+)/i.exec(question)
  if (!m) return undefined
  const word = stem(m[1].toLowerCase())
  const entity = (query.group_by ?? []).map((g) => (typeof g === 'string' ? g : g.name)).find((g) => {
    const d = idx.dimensions.get(g)
    const leaf = stem((g.split('__').pop() ?? g).toLowerCase())
    // "per req" for requisitions: the layer's short form of the entity is the entity too
    return d?.type === 'entity' && (leaf === word || (word.length >= 3 && leaf.startsWith(word)))
  })
  return entity ? { said: m[1], word, entity } : undefined
}

export function perEntityReadings(query: SemanticQuery, idx: CatalogIndex, question: string): Reading[] | undefined {
  const per = perEntity(query, idx, question)
  if (!per) return undefined
  const { said, word, entity } = per
  const out: Reading[] = []
  for (const metric of query.metrics) {
    const own = words(metric).filter((p) => !WEAK.has(p))
    // "max booking value per host" already is a value per host
    if (own.some((p) => NOT_SUMS.has(p)) || idx.metrics.get(metric)?.type === 'ratio') continue
    for (const [name, def] of idx.metrics) {
      const parts = words(name)
      if (name === metric || !parts.some((p) => p === 'avg' || p === 'average' || p === 'mean')) continue
      const rest = parts.filter((p) => p !== 'avg' && p !== 'average' && p !== 'mean' && !WEAK.has(p) && p !== word)
      if (rest.length === 0 || !rest.every((p) => own.includes(p))) continue
      const q: SemanticQuery = { ...query, metrics: query.metrics.map((x) => (x === metric ? name : x)) }
      const groups = (q.group_by ?? []).filter((g) => (typeof g === 'string' ? g : g.name) !== entity)
      if (groups.length) q.group_by = groups
      else { delete q.group_by; delete q.order_by; delete q.limit }
      if (def.dimensions.length) out.push({ query: q, why: `${name} (the average per ${said}) instead of a list by ${entity}` })
    }
  }
  return out
}

/**
 * "sales per order", "revenue per customer": "per" before an entity (its
 * identifiers, not a named attribute) over a metric that adds up asks either
 * for a list with one row per identifier or for the average per entity. With
 * no average metric to offer as the other reading (perEntityReadings), the
 * plan is still not sure: a reason saying so, else undefined.
 */
export function perEntityDoubt(query: SemanticQuery, idx: CatalogIndex, question: string): string | undefined {
  const per = perEntity(query, idx, question)
  if (!per) return undefined
  const { said, entity } = per
  const additive = query.metrics.some((metric) => !words(metric).some((p) => NOT_SUMS.has(p)) && idx.metrics.get(metric)?.type !== 'ratio')
  return additive ? `"per ${said}" may ask for an average per ${said} rather than a list by ${entity}` : undefined
}
