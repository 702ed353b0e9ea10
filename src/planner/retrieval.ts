// Catalog retrieval for prompts: rank the catalog's metrics and dimensions by
// lexical similarity to the question (BM25 over weighted fields) and pack the
// best ones into a bounded token budget. A semantic layer of thousands of items
// must produce a prompt no larger than one of ten, so the LLM planner never
// sends the whole catalog; no external service (embeddings) is needed.
import type { Catalog, CatalogDimension, CatalogMetric, ValueFormat } from '../../semantic/types'

/**
 * Conservative token estimate for prompt text. Real BPE tokenisers average
 * about 4 characters per token on English and 3 on JSON full of identifiers;
 * dividing by 3 over-counts, so a prompt within budget by this estimate is
 * within budget for the model.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3)
}

// ------------------------------------------------------------------ text

const STOPWORDS = new Set([
  'a', 'an', 'the', 'of', 'by', 'for', 'in', 'on', 'at', 'to', 'and', 'or', 'with', 'per', 'each', 'from',
  'what', 'which', 'who', 'whom', 'how', 'many', 'much', 'is', 'are', 'was', 'were', 'be', 'been', 'do', 'does', 'did',
  'show', 'me', 'give', 'list', 'tell', 'get', 'find', 'please', 'can', 'you', 'i', 'we', 'our', 'us', 'my', 'it', 'its',
  'this', 'that', 'these', 'those', 'there', 'their', 'all', 'any', 'some', 'than', 'then', 'as', 'into', 'about',
  'over', 'under', 'between', 'vs', 'versus', 'number', 'total', 'count', 'value', 'values',
])

/** Light stemmer: folds plurals and a few suffixes so "stores"/"store", "categories"/"category" meet. */
export function stem(word: string): string {
  let w = word
  if (w.length > 4 && w.endsWith('ies')) return w.slice(0, -3) + 'y'
  if (w.length > 4 && /(ches|shes|sses|xes|zes)$/.test(w)) return w.slice(0, -2)
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1)
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3)
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2)
  return w
}

/** Lowercased, stemmed word tokens; splits snake_case, `__` paths and camelCase. */
export function tokenize(text: string, keepStopwords = false): string[] {
  const spaced = text.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()
  const out: string[] = []
  for (const raw of spaced.split(/[^\p{L}\p{N}]+/u)) {
    if (!raw) continue
    if (!keepStopwords && STOPWORDS.has(raw)) continue
    out.push(stem(raw))
  }
  return out
}

// ------------------------------------------------------------------ index

type Item = { kind: 'metric'; entry: CatalogMetric } | { kind: 'dimension'; entry: CatalogDimension }

interface Doc {
  item: Item
  /** Weighted term frequencies. */
  tf: Map<string, number>
  length: number
  /** Lowercased phrases (label, synonyms, humanised name) for whole-phrase bonuses. */
  phrases: string[]
  /** Lowercased sample values (dimensions). */
  values: string[]
}

const FIELD_WEIGHTS = { name: 3, label: 3, synonyms: 2.5, description: 1, values: 0.7 } as const
/** Sample values per dimension that enter the index; the rest only help packing. */
const INDEXED_VALUES = 100

function addTerms(tf: Map<string, number>, text: string, weight: number): number {
  const tokens = tokenize(text)
  for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + weight)
  return tokens.length * weight
}

function humanize(name: string): string {
  return name.replace(/__/g, ' ').replace(/_/g, ' ').trim().toLowerCase()
}

function buildDoc(item: Item): Doc {
  const e = item.entry
  const tf = new Map<string, number>()
  let length = 0
  length += addTerms(tf, e.name, FIELD_WEIGHTS.name)
  if (e.label) length += addTerms(tf, e.label, FIELD_WEIGHTS.label)
  for (const s of e.synonyms ?? []) length += addTerms(tf, s, FIELD_WEIGHTS.synonyms)
  if (e.description) length += addTerms(tf, e.description, FIELD_WEIGHTS.description)
  const values: string[] = []
  if (item.kind === 'dimension') {
    for (const v of (item.entry.sample_values ?? []).slice(0, INDEXED_VALUES)) {
      const s = String(v)
      values.push(s.toLowerCase())
      length += addTerms(tf, s, FIELD_WEIGHTS.values)
    }
  }
  const phrases = [humanize(e.name), ...(e.label ? [e.label.toLowerCase()] : []), ...(e.synonyms ?? []).map((s) => s.toLowerCase())]
    .filter((p) => p.length >= 3)
  return { item, tf, length: Math.max(length, 1), phrases, values }
}

export interface CatalogIndex {
  docs: Doc[]
  df: Map<string, number>
  avgLength: number
  /** Every indexed term, for prefix matching of inflected or truncated words. */
  vocabulary: string[]
}

/** Builds the BM25 index of a catalog. Cheap (linear); callers may cache it per catalog object. */
export function indexCatalog(catalog: Catalog): CatalogIndex {
  const docs: Doc[] = [
    ...catalog.metrics.map((entry) => buildDoc({ kind: 'metric', entry })),
    ...catalog.dimensions.map((entry) => buildDoc({ kind: 'dimension', entry })),
  ]
  const df = new Map<string, number>()
  let total = 0
  for (const d of docs) {
    total += d.length
    for (const t of d.tf.keys()) df.set(t, (df.get(t) ?? 0) + 1)
  }
  return { docs, df, avgLength: docs.length ? total / docs.length : 1, vocabulary: [...df.keys()] }
}

const indexCache = new WeakMap<Catalog, CatalogIndex>()
function cachedIndex(catalog: Catalog): CatalogIndex {
  let idx = indexCache.get(catalog)
  if (!idx) { idx = indexCatalog(catalog); indexCache.set(catalog, idx) }
  return idx
}

export interface ScoredItem { kind: 'metric' | 'dimension'; name: string; score: number }

/**
 * BM25 (k1 = 1.2, b = 0.75) of every catalog item against the question, plus
 * bonuses for whole phrases (a label or synonym appearing verbatim) and for
 * sample values named in the question ("in California" finds `store__state`).
 * Query words also match indexed terms they prefix or that prefix them (at
 * least 4 letters), at half weight, which absorbs inflections the stemmer misses.
 */
export function scoreCatalog(question: string, catalog: Catalog, index: CatalogIndex = cachedIndex(catalog)): ScoredItem[] {
  const qTokens = [...new Set(tokenize(question))]
  const qLower = ` ${question.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ')} `
  const N = index.docs.length
  // Expand each query token to the terms it matches, with a weight.
  const expansions = qTokens.map((q) => {
    const terms = new Map<string, number>()
    if (index.df.has(q)) terms.set(q, 1)
    if (q.length >= 4) {
      for (const t of index.vocabulary) {
        if (t !== q && t.length >= 4 && (t.startsWith(q) || q.startsWith(t))) terms.set(t, Math.max(terms.get(t) ?? 0, 0.5))
      }
    }
    return terms
  })
  const k1 = 1.2
  const b = 0.75
  const scored: ScoredItem[] = []
  for (const doc of index.docs) {
    let score = 0
    for (const terms of expansions) {
      let best = 0
      for (const [t, w] of terms) {
        const f = doc.tf.get(t)
        if (!f) continue
        const n = index.df.get(t) ?? 0
        const idf = Math.log(1 + (N - n + 0.5) / (n + 0.5))
        const s = w * idf * (f * (k1 + 1)) / (f + k1 * (1 - b + b * doc.length / index.avgLength))
        if (s > best) best = s
      }
      score += best
    }
    for (const p of doc.phrases) {
      if (p.includes(' ') && qLower.includes(` ${p.replace(/[^\p{L}\p{N}]+/gu, ' ')} `)) score += 2
    }
    for (const v of doc.values) {
      if (v.length >= 2 && qLower.includes(` ${v.replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `)) { score += 3; break }
    }
    scored.push({ kind: doc.item.kind, name: doc.item.entry.name, score })
  }
  return scored
}

// ------------------------------------------------------------------ packing

/** A metric as shown to the model: only what helps choosing it. */
export interface PromptMetric {
  name: string
  label?: string
  description?: string
  synonyms?: string[]
  format?: string
  /** Id of the entry in `dimension_sets` listing what this metric can be grouped by (only when metrics differ). */
  dims?: string
}
export interface PromptDimension {
  name: string
  type: 'categorical' | 'time' | 'entity'
  grain?: string
  value_type?: string
  label?: string
  description?: string
  synonyms?: string[]
  /** A few sample values, those named in the question first. */
  values?: Array<string | number | boolean>
}
export interface PromptCatalog {
  metrics: PromptMetric[]
  dimensions: PromptDimension[]
  /** Present only when the listed metrics cannot all be grouped by all listed dimensions. */
  dimension_sets?: Record<string, string[]>
  /** How many items were left out for size; the model should say so rather than guess. */
  omitted?: { metrics: number; dimensions: number }
}

export interface RetrievalOptions {
  /** Upper bound, in estimated tokens, of the serialized catalog (plus its names listed once more in the answer schema). */
  budgetTokens: number
  /** Names that must be included when they exist (e.g. those used earlier in the conversation). */
  mustInclude?: string[]
  /** Sample values shown per dimension (default 8). */
  maxSampleValues?: number
  /** Longest description kept, in characters (default 200). */
  maxDescriptionChars?: number
}

export interface RetrievedCatalog {
  catalog: PromptCatalog
  metricNames: string[]
  dimensionNames: string[]
  /** Estimated tokens of `JSON.stringify(catalog)` plus the names once more. */
  estimatedTokens: number
}

function clip(s: string | undefined, max: number): string | undefined {
  if (!s) return undefined
  const t = s.replace(/\s+/g, ' ').trim()
  if (!t) return undefined
  return t.length > max ? t.slice(0, max - 1) + '…' : t
}

function formatLabel(f: ValueFormat | undefined): string | undefined {
  if (!f) return undefined
  if (f.type === 'currency') return `currency:${f.currency}`
  return f.type
}

function promptMetric(m: CatalogMetric, maxDesc: number): PromptMetric {
  const out: PromptMetric = { name: m.name }
  if (m.label && m.label.toLowerCase() !== humanize(m.name)) out.label = clip(m.label, 80)
  const description = clip(m.description, maxDesc)
  if (description) out.description = description
  const synonyms = (m.synonyms ?? []).slice(0, 6).map((s) => clip(s, 40)).filter((s): s is string => !!s)
  if (synonyms.length) out.synonyms = synonyms
  const format = formatLabel(m.format)
  if (format) out.format = format
  return out
}

function promptDimension(d: CatalogDimension, maxDesc: number, maxValues: number, qLower: string): PromptDimension {
  const out: PromptDimension = { name: d.name, type: d.type }
  if (d.grain) out.grain = d.grain
  if (d.value_type && d.value_type !== 'string') out.value_type = d.value_type
  if (d.label && d.label.toLowerCase() !== humanize(d.name)) out.label = clip(d.label, 80)
  const description = clip(d.description, maxDesc)
  if (description) out.description = description
  const synonyms = (d.synonyms ?? []).slice(0, 6).map((s) => clip(s, 40)).filter((s): s is string => !!s)
  if (synonyms.length) out.synonyms = synonyms
  if (d.sample_values?.length && maxValues > 0) {
    // Values named in the question first, so "in Texas" shows the exact spelling to copy.
    const named = d.sample_values.filter((v) => qLower.includes(String(v).toLowerCase()))
    const rest = d.sample_values.filter((v) => !named.includes(v))
    out.values = [...named, ...rest].slice(0, maxValues).map((v) => (typeof v === 'string' ? clip(v, 60) ?? '' : v))
  }
  return out
}

function cost(entry: PromptMetric | PromptDimension): number {
  // The entry itself, its separator, and its name once more in the answer schema's enum.
  return JSON.stringify(entry).length + 1 + entry.name.length + 3
}

/**
 * Ranks the catalog against the question and packs the most relevant metrics
 * and dimensions into `budgetTokens`. Always includes `mustInclude` names and
 * `metric_time` (when budget allows), then alternates between the best
 * remaining metric and dimension so neither kind crowds out the other.
 */
export function retrieveCatalog(question: string, catalog: Catalog, options: RetrievalOptions): RetrievedCatalog {
  const budgetChars = Math.max(0, options.budgetTokens * 3)
  const maxDesc = options.maxDescriptionChars ?? 200
  const maxValues = options.maxSampleValues ?? 8
  const qLower = question.toLowerCase()
  const must = new Set(options.mustInclude ?? [])

  const scores = scoreCatalog(question, catalog)
  const metricScore = new Map<string, number>()
  const dimScore = new Map<string, number>()
  for (const s of scores) (s.kind === 'metric' ? metricScore : dimScore).set(s.name, s.score)

  const byName = <T extends { name: string }>(xs: T[]) => new Map(xs.map((x) => [x.name, x]))
  const metricsByName = byName(catalog.metrics)

  const rank = <T extends { name: string }>(xs: T[], score: Map<string, number>, forced: (x: T) => boolean) =>
    [...xs].sort((a, b) => {
      const fa = forced(a) ? 1 : 0
      const fb = forced(b) ? 1 : 0
      if (fa !== fb) return fb - fa
      const d = (score.get(b.name) ?? 0) - (score.get(a.name) ?? 0)
      return d !== 0 ? d : a.name.localeCompare(b.name)
    })

  const rankedMetrics = rank(catalog.metrics, metricScore, (m) => must.has(m.name))
  // Dimensions reachable from the most relevant metrics matter more than lookalikes elsewhere.
  const topMetrics = rankedMetrics.slice(0, 3).filter((m) => (metricScore.get(m.name) ?? 0) > 0 || must.has(m.name))
  const reachable = new Set(topMetrics.flatMap((m) => m.dimensions))
  if (reachable.size) {
    for (const d of catalog.dimensions) {
      const s = dimScore.get(d.name) ?? 0
      dimScore.set(d.name, reachable.has(d.name) ? s + 0.01 : s * 0.5)
    }
  }
  const rankedDims = rank(catalog.dimensions, dimScore, (d) => must.has(d.name) || d.name === 'metric_time')

  const chosenMetrics: PromptMetric[] = []
  const chosenDims: PromptDimension[] = []
  // Reserve room for the wrapper object and a possible dimension_sets block.
  const overhead = 80
  let used = overhead
  let mi = 0
  let di = 0
  let takeMetric = true
  let metricsFull = false
  let dimsFull = false
  while ((mi < rankedMetrics.length && !metricsFull) || (di < rankedDims.length && !dimsFull)) {
    const metricLeft = mi < rankedMetrics.length && !metricsFull
    const dimLeft = di < rankedDims.length && !dimsFull
    let pickMetric: boolean
    if (!metricLeft) pickMetric = false
    else if (!dimLeft) pickMetric = true
    else {
      const m = rankedMetrics[mi]
      const d = rankedDims[di]
      const mForced = must.has(m.name)
      const dForced = must.has(d.name) || d.name === 'metric_time'
      if (mForced !== dForced) pickMetric = mForced
      else {
        const ms = metricScore.get(m.name) ?? 0
        const ds = dimScore.get(d.name) ?? 0
        pickMetric = ms === ds ? takeMetric : ms > ds
      }
    }
    if (pickMetric) {
      const entry = promptMetric(rankedMetrics[mi], maxDesc)
      const c = cost(entry)
      if (used + c > budgetChars) { metricsFull = true; continue }
      chosenMetrics.push(entry)
      used += c
      mi += 1
    } else {
      const entry = promptDimension(rankedDims[di], maxDesc, maxValues, qLower)
      const c = cost(entry)
      if (used + c > budgetChars) { dimsFull = true; continue }
      chosenDims.push(entry)
      used += c
      di += 1
    }
    takeMetric = !pickMetric
  }

  // When metrics differ in what they can be grouped by, say so compactly:
  // shared sets of dimension names referenced by id. Dropping the lowest
  // ranked entries until it fits keeps the bound exact.
  const finish = (): PromptCatalog => {
    const out: PromptCatalog = { metrics: chosenMetrics, dimensions: chosenDims }
    const included = new Set(chosenDims.map((d) => d.name))
    const sets = new Map<string, string>()
    const setsOut: Record<string, string[]> = {}
    let differs = false
    for (const pm of chosenMetrics) {
      const m = metricsByName.get(pm.name)
      if (!m || !m.dimensions.length) continue
      const reach = chosenDims.filter((d) => m.dimensions.includes(d.name)).map((d) => d.name)
      if (reach.length !== included.size) differs = true
      const key = reach.join(',')
      let id = sets.get(key)
      if (!id) { id = `s${sets.size + 1}`; sets.set(key, id); setsOut[id] = reach }
      pm.dims = id
    }
    if (!differs) for (const pm of chosenMetrics) delete pm.dims
    else out.dimension_sets = setsOut
    const omittedMetrics = catalog.metrics.length - chosenMetrics.length
    const omittedDims = catalog.dimensions.length - chosenDims.length
    if (omittedMetrics || omittedDims) out.omitted = { metrics: omittedMetrics, dimensions: omittedDims }
    return out
  }
  const measure = (c: PromptCatalog) =>
    JSON.stringify(c).length + c.metrics.reduce((n, m) => n + m.name.length + 3, 0) + c.dimensions.reduce((n, d) => n + d.name.length + 3, 0)

  let result = finish()
  while (measure(result) > budgetChars && (chosenMetrics.length || chosenDims.length)) {
    // Drop from whichever list is longer; its tail is the least relevant.
    if (chosenDims.length >= chosenMetrics.length) chosenDims.pop()
    else chosenMetrics.pop()
    result = finish()
  }
  return {
    catalog: result,
    metricNames: result.metrics.map((m) => m.name),
    dimensionNames: result.dimensions.map((d) => d.name),
    estimatedTokens: Math.ceil(measure(result) / 3),
  }
}
