// Turns a Draft's mentions into concrete query parts: picks, for every
// mention, the catalog object that the chosen metrics can actually be sliced
// by, merges values into IN lists, and builds order/limit from rankings.
import type { CatalogDimension, StructuredFilter, TimeGrain } from '../../../semantic/types'
import type { TimeRange } from '../time/civil-date'
import { rangeDays } from '../time/describe-range'
import type { CatalogIndex, Hit } from './catalog-index'
import { describesMetrics } from './described-qualifier'
import { reachedEntityNamed } from './entity-noun-echo'
import type { Draft, GroupMention, Mention } from './interpret'
import { GRAIN_NOUNS, WEAK_NAME_TOKENS, isKnownWord } from './lexicon'
import { nameStems } from './normalize'
import { LOADED_WORDS } from './alternatives'

export interface Parts {
  metrics: string[]
  /** Non-time group-bys (categorical dimensions and entities). */
  groups: string[]
  /** Time group-bys with their grain (`metric_time__month`). */
  timeGroups: string[]
  filters: StructuredFilter[]
  /** `null` clears the time range ("all time"). */
  time?: TimeRange | null
  order?: string[]
  limit?: number
  /** A ranking without its own metric: sorts by the first metric. */
  rankDir?: 'asc' | 'desc'
  /** Dimensions whose filters and groupings a follow-up removes. */
  removed: string[]
  /** Dimensions whose filters a follow-up removes ("for all regions"). */
  unfiltered: string[]
}

export interface Resolution {
  parts: Parts
  reasons: string[]
  /** Multiplied into the plan's confidence. */
  quality: number
  problems: Array<{ issue: string; suggestions?: string[] }>
  /** A value that names as well a value of another dimension ("NP": visit type, or provider role): the other filter. */
  valueAlternatives: Array<{ field: string; value: string | number | boolean; other: { field: string; value: string | number | boolean } }>
  /** A grouping word that names two dimensions as well ("by type": visit type or clinic type): the other one. */
  groupAlternatives: Array<{ group: string; other: string }>
}

const DEFAULT_TOP = 10

/** Names a draft's metric mentions point to, in order. */
export function draftMetricNames(draft: Draft): string[] {
  const out: string[] = []
  for (const m of draft.metrics) {
    const name = m.hits[0]?.target.name
    if (name && !out.includes(name)) out.push(name)
  }
  return out
}

export function resolveDraft(draft: Draft, metrics: string[], idx: CatalogIndex): Resolution {
  const reasons: string[] = []
  const problems: Resolution['problems'] = []
  let quality = 1
  const parts: Parts = { metrics: [...metrics], groups: [], timeGroups: [], filters: [], removed: [], unfiltered: [] }
  const valueAlternatives: Resolution['valueAlternatives'] = []
  const groupAlternatives: Resolution['groupAlternatives'] = []

  const supports = (dimName: string) => metricsSupport(idx, parts.metrics, dimName)

  for (const m of draft.metrics) {
    const h = m.hits[0]
    reasons.push(`"${m.text}" → metric ${h.target.name} (${h.source})`)
    quality *= clamp(h.quality)
    if (m.hits.length > 1 && m.hits[1].target.kind === 'metric' && m.hits[1].quality >= h.quality - 0.01 && m.hits[1].target.name !== h.target.name) {
      quality *= 0.85
      reasons.push(`"${m.text}" could also mean ${m.hits[1].target.name}`)
    }
  }

  /** Picks the best dimension reading that every metric supports. */
  const pickDim = (mention: Mention, why: string): CatalogDimension | undefined => {
    const dims = mention.hits.filter((h): h is Hit & { target: { kind: 'dimension' } } => h.target.kind === 'dimension')
    const ok = dims.find((h) => supports(h.target.name))
    if (!ok) {
      if (dims.length) {
        problems.push({
          issue: `${describeMetrics(parts.metrics)} cannot be ${why} "${mention.text}" (${dims[0].target.name})`,
          suggestions: idx.catalog.metrics.filter((m) => dims.some((h) => dimListed(m.dimensions, h.target.name))).slice(0, 5).map((m) => m.name),
        })
      }
      return undefined
    }
    quality *= clamp(ok.quality)
    if (dims.length > 1 && dims[0] !== ok) quality *= 0.97
    return ok.target.dim
  }

  // --- time grains
  const grains: TimeGrain[] = []
  for (const g of draft.grains) if (!grains.includes(g.grain)) grains.push(g.grain)
  const timeDimFor = (): string | undefined => idx.timeDimensions.find((t) => supports(t.name))?.name

  // --- groupings
  for (const g of draft.groups) {
    if (g.absorbed) continue
    preferOwnDimension(g, parts.metrics, supports)
    const dim = pickDim(g, 'grouped by')
    if (!dim) continue
    if (dim.type === 'time') {
      // "by signup month": the grain is the mention's last word. "date" ("by loss date") is the
      // dimension's own suffix, not a grain: a grain word after it ("loss date month") says which
      const last = g.text.toLowerCase().split(/\s+/).pop() ?? ''
      const named = /^dates?$/.test(last) && grains.length ? undefined : GRAIN_NOUNS[last]
      const grain = g.grain ?? (named && named !== 'hour' ? named : undefined) ?? grains.shift() ?? coarsest(dim)
      if (tooFine(dim, grain)) { problems.push(tooFineProblem(dim, grain)); continue }
      pushUnique(parts.timeGroups, `${dim.name}__${grain}`)
      reasons.push(`"${g.text}" → group by ${dim.name} at ${grain} grain`)
    } else {
      pushUnique(parts.groups, dim.name)
      reasons.push(`"${g.text}" → group by ${dim.name}`)
      const best = g.hits.find((h) => h.target.name === dim.name)!
      const leaf = (n: string) => n.slice(n.lastIndexOf('__') + 2)
      for (const h of g.hits) {
        if (h.target.kind !== 'dimension' || h.target.dim.type !== 'categorical' || leaf(h.target.name) === leaf(dim.name)) continue
        if ((h.quality < best.quality - 0.01 && !qualifiedSibling(best, h)) || !supports(h.target.name) || groupAlternatives.some((a) => leaf(a.other) === leaf(h.target.name))) continue
        groupAlternatives.push({ group: dim.name, other: h.target.name })
        reasons.push(`"${g.text}" also names ${h.target.name}`)
      }
    }
  }
  if (grains.length || (draft.trend && parts.timeGroups.length === 0)) {
    const t = timeDimFor()
    if (!t) problems.push({ issue: `${describeMetrics(parts.metrics)} has no time dimension to group by` })
    else {
      if (grains.length === 0) {
        const days = draft.times.length === 1 ? rangeDays(draft.times[0].range) : undefined
        // about 4 to 30 points: days for a month, weeks for a quarter, months beyond
        grains.push(days === undefined ? 'month' : days <= 31 ? 'day' : days <= 120 ? 'week' : 'month')
      }
      for (const grain of grains) {
        const dim = idx.dimensions.get(t)
        // "sales by hour" over data kept by day: an hourly series would be all zeros but one
        if (dim && tooFine(dim, grain)) { problems.push(tooFineProblem(dim, grain)); continue }
        pushUnique(parts.timeGroups, `${t}__${grain}`)
        const words = draft.grains.find((x) => x.grain === grain)?.text
        reasons.push(`${words ? `"${words}"` : 'trend'} → group by ${t}__${grain}`)
      }
    }
  }

  // --- time range
  if (draft.clearTime && draft.times.length === 0) {
    parts.time = null
    reasons.push('no time range')
  } else if (draft.times.length === 1) {
    const r = draft.times[0].range
    parts.time = r.start || r.end ? r : null
  } else if (draft.times.length > 1) {
    // "2023 vs 2024", "last month and this month": the span of all, split by their unit
    const starts = draft.times.map((t) => t.range.start)
    const ends = draft.times.map((t) => t.range.end)
    const range: TimeRange = {}
    if (starts.every(Boolean)) range.start = (starts as string[]).sort()[0]
    if (ends.every(Boolean)) range.end = (ends as string[]).sort().reverse()[0]
    parts.time = range.start || range.end ? range : null
    const units = new Set(draft.times.map((t) => t.unit))
    const unit = draft.times[0].unit
    // "q4 sales last year", "2023 h2": a period inside another one most likely narrows it (Q4 of last
    // year), but each phrase was resolved alone ("q4" as the latest Q4); the span of both answers
    // for the outer period and drops the inner one, so the plan is not sure of its range
    const inside = (a: TimeRange, b: TimeRange) => !!(a.start && a.end && b.start && b.end && a.start >= b.start && a.end <= b.end && (a.start !== b.start || a.end !== b.end))
    if (units.size > 1 && draft.times.some((a) => draft.times.some((b) => a !== b && inside(a.range, b.range)))) {
      quality *= 0.7
      reasons.push(`${draft.times.map((t) => `"${t.text}"`).join(' and ')}: one period lies inside the other; the range spans both`)
    }
    // single days side by side ("yesterday vs today") are a daily breakdown too; a range that only
    // starts or ends on a day is not
    const singleDays = unit === 'day' && draft.times.every((t) => t.range.start !== undefined && t.range.start === t.range.end)
    if (units.size === 1 && unit && (unit !== 'day' || singleDays) && parts.timeGroups.length === 0) {
      const t = timeDimFor()
      if (t) {
        parts.timeGroups.push(`${t}__${unit}`)
        reasons.push(`several periods → group by ${t}__${unit}`)
      }
    }
  }

  // --- value filters
  const valueFilters = new Map<string, { dim: CatalogDimension; negate: boolean; values: Array<string | number | boolean> }>()
  for (const v of draft.values) {
    const readings = v.hits.filter((h) => h.target.kind === 'value' && supports(h.target.name))
    if (readings.length === 0) {
      // "call drop rate" with drop_pct described as "Dropped calls divided by voice calls": the metric's own word
      if (!v.negate && !v.text.includes(' ') && describesMetrics(v.text, parts.metrics, idx)) {
        reasons.push(`"${v.text}" is part of what ${parts.metrics.join(', ')} measures (its description), not a filter`)
        quality *= 0.95
        continue
      }
      // "average gpa of doctoral students": the noun names the entity the metric is about, not a value elsewhere
      const entity = v.negate ? undefined : reachedEntityNamed(v.text, parts.metrics, idx)
      if (entity) {
        reasons.push(`"${v.text}" names the ${entity} ${parts.metrics.join(', ')} is about, not a filter`)
        quality *= 0.95
        continue
      }
      const dims = [...new Set(v.hits.map((h) => h.target.name))]
      problems.push({ issue: `${describeMetrics(parts.metrics)} cannot be filtered by "${v.text}" (${dims.join(', ')})`, suggestions: dims })
      continue
    }
    const owned = ownReading(readings, parts.metrics)
    const best = owned ?? readings[0]
    const dimName = best.target.name
    // all readings of the same dimension with the best quality ("jacket" → two jackets)
    const same = readings.filter((h) => h.target.name === dimName && h.quality >= best.quality - 0.05)
    // the same value of the same dimension reached by a longer join path ("store__city" and
    // "order__store__city") is one reading, not two
    const leaf = (n: string) => n.slice(n.lastIndexOf('__') + 2)
    const bestValue = (best.target as { value: unknown }).value
    const samePath = (a: string, b: string) => a.endsWith(`__${b}`) || b.endsWith(`__${a}`)
    // a code named through its legend ("NR = 5G") and a yes/no column named by the same word (`is_5g`) are
    // both whole-word readings, though a flag ranks a little lower: either is the question
    const near = (h: Hit) => best.quality - (best.source === 'alias' && h.source === 'boolean' ? 0.05 : 0.01)
    const others = owned ? [] : readings.filter((h) => h.target.name !== dimName && h.quality >= near(h)
      && !(samePath(h.target.name, dimName) && (h.target as { value: unknown }).value === bestValue))
    if (owned) reasons.push(`"${v.text}" read on ${dimName}, the metric's own model's column, among ${[...new Set(readings.map((h) => h.target.name))].join(', ')}`)
    if (others.length) {
      quality *= 0.9
      reasons.push(`"${v.text}" also matches ${[...new Set(others.map((o) => o.target.name))].join(', ')}`)
      // as strong a reading on another dimension is a second interpretation, not a detail: ask which
      // (a negated value too: "excluding texas" leaves out the guests' state or the locations' alike)
      if (same.length === 1) {
        for (const o of others) {
          if (o.target.kind !== 'value') continue
          if (valueAlternatives.some((a) => a.other.field === o.target.name || samePath(a.other.field, o.target.name))) continue
          valueAlternatives.push({ field: dimName, value: bestValue as string | number | boolean, other: { field: o.target.name, value: o.target.value } })
        }
      }
    }
    quality *= clamp(best.quality)
    // A value match needs evidence: the value as a whole phrase, or the dimension named next
    // to it. One word that is only part of a longer value ("new" → New York) is not evidence.
    if (best.source === 'partial value' && v.text.trim().split(/\s+/).length === 1) {
      const named = draft.groups.some((g) => Math.abs(g.at - v.at) === 1 && g.hits.some((h) => h.target.kind === 'dimension' && leaf(h.target.name) === leaf(dimName)))
      const word = v.text.trim().toLowerCase()
      if (!named && (LOADED_WORDS.has(word) || isKnownWord(word))) {
        // "new customers" → city New York: an everyday word that happens to open a value is no
        // reading at all; the word stays unexplained (the question is refused, naming it)
        draft.unknown.push({ text: v.text })
        reasons.push(`"${v.text}" is an everyday word and only part of the value "${String(bestValue)}": not read as a filter`)
        continue
      }
      if (!named) {
        quality *= 0.7
        reasons.push(`"${v.text}" is only part of the value "${String(bestValue)}" and no ${leaf(dimName)} is named next to it`)
      }
    }
    const dim = (best.target as { dim: CatalogDimension }).dim
    const isBool = same.every((h) => typeof (h.target as { value: unknown }).value === 'boolean')
    const negate = isBool ? false : v.negate
    const values = same.map((h) => (h.target as { value: string | number | boolean }).value).map((x) => (isBool && v.negate ? !x : x))
    const key = `${dimName}\u0000${negate}`
    const entry = valueFilters.get(key) ?? { dim, negate, values: [] }
    for (const x of values) if (!entry.values.includes(x)) entry.values.push(x)
    valueFilters.set(key, entry)
    reasons.push(`"${v.text}" → filter ${dimName} ${negate ? 'excludes' : '='} ${values.map(String).join(', ')}`)
  }
  for (const { dim, negate, values } of valueFilters.values()) {
    if (values.length === 1) parts.filters.push({ field: dim.name, op: negate ? '!=' : '=', value: values[0] })
    else parts.filters.push({ field: dim.name, op: negate ? 'not_in' : 'in', value: values })
  }

  // --- comparisons on metrics and numeric dimensions
  for (const f of draft.fieldFilters) {
    let field: string | undefined
    if (f.as === 'metric') field = f.mention.hits[0].target.name
    else field = pickDim(f.mention, 'filtered by')?.name
    if (!field) continue
    const filter: StructuredFilter = f.op === 'between'
      ? { field, op: 'between', value: f.value as [number, number] }
      : f.op === 'in'
      ? { field, op: 'in', value: f.value as number[] }
      : { field, op: f.op, value: f.value as number }
    parts.filters.push(filter)
  }

  // --- removals (follow-ups)
  for (const r of draft.removals) for (const h of r.hits) if (h.target.kind === 'dimension') pushUnique(parts.removed, h.target.name)
  for (const r of draft.unfilters) for (const h of r.hits) if (h.target.kind === 'dimension') pushUnique(parts.unfiltered, h.target.name)
  if (draft.removals.length) reasons.push(`removed ${draft.removals.map((r) => `"${r.text}"`).join(', ')}`)

  // --- ranking and order
  const rank = draft.rank
  const order: string[] = []
  if (rank) {
    const metric = rank.metric?.hits[0]?.target.name
    if (metric) order.push(`${rank.dir === 'desc' ? '-' : ''}${metric}`)
    else parts.rankDir = rank.dir
    const limit = rank.n ?? (rank.singular ? 1 : rank.explicitTop ? DEFAULT_TOP : undefined)
    if (limit !== undefined) parts.limit = limit
    reasons.push(`"${rank.text}" → ${rank.dir === 'desc' ? 'highest' : 'lowest'} first${limit !== undefined ? `, limit ${limit}` : ''}`)
  }
  for (const o of draft.order) {
    if (o.as === 'metric') {
      const name = o.mention.hits[0].target.name
      order.push(`${(o.dir ?? draft.direction ?? 'desc') === 'desc' ? '-' : ''}${name}`)
    } else if (o.as === 'time') {
      const t = parts.timeGroups.find((g) => g.endsWith(`__${o.grain}`)) ?? parts.timeGroups[0]
      if (t) order.push(`${(o.dir ?? draft.direction) === 'desc' ? '-' : ''}${t}`)
    } else if (o.mention.hits.length === 0) {
      // "alphabetically": the first categorical grouping
      if (parts.groups[0]) order.push(parts.groups[0])
    } else {
      const dimName = o.mention.hits.find((h) => h.target.kind === 'dimension' && supports(h.target.name))?.target.name
      const grouped = [...parts.groups, ...parts.timeGroups].find((g) => g === dimName || g.startsWith(`${dimName}__`))
      if (grouped) order.push(`${(o.dir ?? draft.direction) === 'desc' ? '-' : ''}${grouped}`)
    }
  }
  if (order.length === 0 && draft.direction && !rank) parts.rankDir = draft.direction
  if (order.length) parts.order = dedupeOrder(order)
  if (draft.limit !== undefined) parts.limit = draft.limit
  return { parts, reasons, quality, problems, valueAlternatives, groupAlternatives }
}

/**
 * "by country" over the merchant's `cntry_cd` and the card's `issr_cntry_cd`: the bare word reads
 * the unqualified name first, but a dimension of another entity whose name only adds a qualifier
 * (issuer, home) is as plausible a country of a payment; both are readings.
 */
function qualifiedSibling(best: Hit, other: Hit): boolean {
  if (best.source !== 'short name' || other.source !== 'short name' || other.quality < best.quality * 0.88) return false
  const entity = (n: string) => n.split('__')[0]
  const parts = (n: string) => n.slice(n.lastIndexOf('__') + 2).split('_')
  const a = parts(best.target.name)
  const b = parts(other.target.name)
  return entity(best.target.name) !== entity(other.target.name) && b.length === a.length + 1 && a.every((w) => b.includes(w))
}

/** Whether every metric can be grouped/filtered by a dimension query name. */
export function metricsSupport(idx: CatalogIndex, metrics: string[], dimName: string): boolean {
  for (const name of metrics) {
    const m = idx.metrics.get(name)
    if (!m || m.dimensions.length === 0) continue
    if (!dimListed(m.dimensions, dimName)) return false
  }
  return true
}

/** `metric_time__month` is listed when `metric_time` is. */
export function dimListed(list: string[], dimName: string): boolean {
  if (list.includes(dimName)) return true
  const cut = dimName.lastIndexOf('__')
  return cut > 0 && list.includes(dimName.slice(0, cut)) && isGrain(dimName.slice(cut + 2))
}

const GRAINS = new Set(['nanosecond', 'microsecond', 'millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'])
export const isGrain = (s: string) => GRAINS.has(s)

/**
 * "claims by status" when claims and visits both have a status: the dimension
 * whose name shares a word with the metric's (`claim_status` for
 * `claim_count`) is the metric's own, and a close reading of another model's
 * dimension is not a second interpretation. Reorders the mention's readings.
 */
function preferOwnDimension(g: GroupMention, metrics: string[], supports: (d: string) => boolean): void {
  const top = g.hits.find((h) => h.target.kind === 'dimension' && supports(h.target.name))
  if (!top) return
  const metricWords = metricNameWords(metrics)
  const leafWords = (n: string) => (n.slice(n.lastIndexOf('__') + 2)).toLowerCase().split('_').map((w) => w.replace(/s$/, ''))
  const close = g.hits.filter((h) => h.target.kind === 'dimension' && supports(h.target.name) && h.quality >= top.quality - 0.05)
  const own = close.filter((h) => ownsWords((h.target as { dim: CatalogDimension }).dim, leafWords(h.target.name), metricWords))
  const ownLeaves = new Set(own.map((h) => leafWords(h.target.name).join('_')))
  if (ownLeaves.size !== 1) return
  const rest = g.hits.filter((h) => !own.includes(h) && !close.includes(h))
  g.hits = [...own.map((h) => ({ ...h, quality: Math.max(h.quality, top.quality) })), ...rest]
}

/**
 * "past due invoices", "invoices in EMEA": a value found on several dimensions as
 * strongly (invoice and subscription status; billing and account region) is read
 * on the one the metric's own model has, when exactly one of them is its own.
 * Undefined when the ownership does not pick one, so the question is asked back.
 */
function ownReading(readings: Hit[], metrics: string[]): Hit | undefined {
  const top = readings[0]
  const close = readings.filter((h) => h.quality >= top.quality - 0.01)
  if (new Set(close.map((h) => h.target.name)).size < 2) return undefined
  const words = metricNameWords(metrics)
  const leafWords = (n: string) => (n.slice(n.lastIndexOf('__') + 2)).toLowerCase().split('_').map((w) => w.replace(/s$/, ''))
  // only the same attribute on two entities (`bill_region` and `acct_region`): two different attributes that share a
  // code ("NP": visit type or provider role) are two questions, whoever owns them
  if (new Set(close.map((h) => headNoun(h.target.name))).size !== 1) return undefined
  const own = close.filter((h) => ownsWords((h.target as { dim: CatalogDimension }).dim, leafWords(h.target.name), words))
  return new Set(own.map((h) => h.target.name)).size === 1 ? own[0] : undefined
}

/** The last strong word of a column's name: "region" of `bill_region`, "country" of `hq_country_cd`. */
function headNoun(dimName: string): string | undefined {
  const strong = nameStems(dimName.slice(dimName.lastIndexOf('__') + 2)).filter((w) => !WEAK_NAME_TOKENS.has(w))
  return strong[strong.length - 1]
}

function metricNameWords(metrics: string[]): Set<string> {
  return new Set(metrics.flatMap((m) => m.toLowerCase().split('_')).filter((w) => w.length >= 3 && !['count', 'total', 'sum', 'avg', 'average', 'max', 'min', 'rate', 'amount', 'number'].includes(w)).map((w) => w.replace(/s$/, '')))
}

/**
 * Whether a dimension's words say it belongs to the metric's model: a word of its
 * column name or of the entity it hangs on is a word of the metric's name, whole or
 * abbreviated (`inv_status` and `invoice__…` for `invoice_count` and
 * `invoiced_amount`; one word a prefix of the other, at least 3 letters).
 */
export function ownsWords(dim: Pick<CatalogDimension, 'name' | 'type'>, leaf: string[], metricWords: Set<string>): boolean {
  const parts = dim.name.split('__')
  // an entity reached through the metric's own entity ("booking__listing") is the same listing, not the model's own column
  const entity = parts.length > 1 && dim.type !== 'entity' ? parts[parts.length - 2].toLowerCase().split('_') : []
  const same = (a: string, b: string) => a === b || (Math.min(a.length, b.length) >= 3 && (a.startsWith(b) || b.startsWith(a)))
  return [...leaf, ...entity].some((w) => [...metricWords].some((m) => same(w, m)))
}

const GRAIN_ORDER = ['nanosecond', 'microsecond', 'millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']
/** Whether a grain is finer than the finest the time dimension keeps. */
function tooFine(dim: CatalogDimension, grain: string): boolean {
  const have = GRAIN_ORDER.indexOf(dim.grain ?? '')
  const want = GRAIN_ORDER.indexOf(grain)
  return have >= 0 && want >= 0 && want < have
}
function tooFineProblem(dim: CatalogDimension, grain: string): { issue: string; suggestions: string[] } {
  return { issue: `${dim.name} is recorded by ${dim.grain}; it cannot be grouped by ${grain}`, suggestions: [`${dim.name}__${dim.grain}`] }
}

function coarsest(dim: CatalogDimension): TimeGrain {
  const g = dim.grain
  return g && ['week', 'month', 'quarter', 'year'].includes(g) ? g : 'day'
}

function describeMetrics(metrics: string[]): string {
  return metrics.length === 1 ? `Metric ${metrics[0]}` : `Metrics ${metrics.join(', ')}`
}

function clamp(q: number): number {
  return Math.max(0.05, Math.min(1, q))
}

function pushUnique(list: string[], v: string): void {
  if (!list.includes(v)) list.push(v)
}

function dedupeOrder(order: string[]): string[] {
  const seen = new Set<string>()
  return order.filter((o) => {
    const k = o.replace(/^-/, '')
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}

export type { GroupMention }
