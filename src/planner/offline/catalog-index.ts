// A lookup index over one catalog: every way a question may name a metric, a
// dimension or a dimension value, keyed by normalised word sequences. Built
// once per catalog object (WeakMap) so planning a question is a few map hits.
import { legendLeadNames } from './legend-lead-names'
import { entityAverageNames } from './entity-average-names'
import type { Catalog, CatalogDimension, CatalogMetric } from '../../../semantic/types'
import { FILLER, GRAIN_NOUNS, RESERVED, WEAK_NAME_TOKENS, isKnownWord } from './lexicon'
import { editDistance, nameStems, stem, tokenize, typoBudget } from './normalize'
import { valueAliases } from './value-aliases'
import { catalogAbbreviationOf } from './catalog-abbreviations'
import { shorthandReadingOf, spelledOutNameStems } from './business-abbreviations'
import { addUnitlessNames, describedNameStems, quantityNames } from './described-name-words'
import { rateNameStems } from './ratio-rate-names'
import { namesEntityByCut } from './entity-name-columns'
import { parentheticalName } from './parenthetical-names'
import { addDescriptionNouns, countedByEntityWord } from './description-nouns'
import { flagDescriptionNames } from './flag-description-words'
import { participleNameStems } from './participle-name-words'
import { particlePluralStems } from './particle-plurals'
import { clipOf } from './everyday-clips'
import { descriptionPhraseNames } from './dimension-description-names'
import { addEntityDescriptionNames } from './entity-description-names'
import { addLegendWordForms } from './legend-word-forms'
import { addThresholdMetricNames } from './threshold-metric-names'
import { codeLegend } from './code-legend'

export { codeLegend }

export type Target =
  | { kind: 'metric'; name: string; metric: CatalogMetric }
  | { kind: 'dimension'; name: string; dim: CatalogDimension }
  | { kind: 'value'; name: string; dim: CatalogDimension; value: string | number | boolean }

export type HitSource = 'name' | 'label' | 'synonym' | 'path' | 'short name' | 'value' | 'alias' | 'partial value' | 'boolean' | 'description'
  /** The last words of a metric's name ("shipment rate" for `late_shipment_rate`): the words before are left out. */
  | 'name tail'

export interface Hit {
  target: Target
  /** 0..1: how strongly these words name the target. */
  quality: number
  source: HitSource
  /** For "instant bookings" read as a boolean filter: the metric its noun names ("bookings"). */
  implied?: Hit
}

export interface CatalogIndex {
  catalog: Catalog
  /** Key = stems joined by one space. */
  terms: Map<string, Hit[]>
  maxTermLength: number
  /** Every stem that occurs in a key, bucketed by length for typo search. */
  vocabulary: Map<number, string[]>
  vocabularySet: Set<string>
  /** Stems of metric and dimension names/labels/synonyms (not values). */
  nameVocabulary: Set<string>
  /** Description words → metrics/dimensions whose description uses them (weak evidence). */
  descriptionWords: Map<string, Hit[]>
  metrics: Map<string, CatalogMetric>
  dimensions: Map<string, CatalogDimension>
  /** Time dimensions, `metric_time` first when present. */
  timeDimensions: CatalogDimension[]
}

const cache = new WeakMap<Catalog, CatalogIndex>()

/** The index for a catalog; cached by object identity (catalogs are immutable snapshots). */
export function getCatalogIndex(catalog: Catalog): CatalogIndex {
  let idx = cache.get(catalog)
  if (!idx) {
    idx = buildCatalogIndex(catalog)
    cache.set(catalog, idx)
  }
  return idx
}

/** Last words of time column names that only say "this is a time". */
const TIME_SUFFIXES = new Set(['at', 'on', 'ts', 'dt', 'date', 'time', 'timestamp', 'day'])
const BOOLEAN_PREFIXES = new Set(['is', 'has', 'was', 'are', 'can', 'did', 'flag', 'with'])
const MAX_PARTIAL_VALUE_TOKENS = 6
/** A part of values that matches more values than this is not a useful filter. */
const MAX_PARTIAL_VALUE_MATCHES = 8

export function buildCatalogIndex(catalog: Catalog): CatalogIndex {
  valueStemCache = new Map()
  try {
    return buildIndex(catalog)
  } finally {
    valueStemCache = undefined
  }
}

function buildIndex(catalog: Catalog): CatalogIndex {
  const terms = new Map<string, Hit[]>()
  const descriptionWords = new Map<string, Hit[]>()
  let maxTermLength = 1

  // Keys shared by many targets get a side map so adding stays O(1); small lists scan.
  const byTarget = new Map<string, Map<string, Hit>>()
  const add = (stems: string[], hit: Hit) => {
    const clean = stems.filter((s) => s.length > 0)
    if (clean.length === 0) return
    const key = clean.join(' ')
    if (clean.length > maxTermLength) maxTermLength = clean.length
    const list = terms.get(key)
    if (!list) {
      terms.set(key, [hit])
      return
    }
    let same: Hit | undefined
    const big = byTarget.get(key)
    if (big) same = big.get(targetId(hit.target))
    else same = list.find((h) => sameTarget(h.target, hit.target))
    if (!same) {
      list.push(hit)
      if (big) big.set(targetId(hit.target), hit)
      else if (list.length >= 16) byTarget.set(key, new Map(list.map((h) => [targetId(h.target), h])))
    } else if (same.quality < hit.quality) {
      same.quality = hit.quality
      same.source = hit.source
    }
  }
  /** Adds a name and its variant without weak words ("country_latest" → "country"). */
  const addWithVariants = (stems: string[], hit: Hit) => {
    add(stems, hit)
    const strong = stems.filter((s) => !WEAK_NAME_TOKENS.has(s))
    if (strong.length > 0 && strong.length < stems.length) add(strong, { ...hit, quality: hit.quality * 0.96, source: hit.source === 'name' ? 'short name' : hit.source })
    // "paid amount" for `total_paid_amount`: people drop some of the weak words, not always all
    for (const partial of weakSubsets(stems)) add(partial, { ...hit, quality: hit.quality * 0.96, source: hit.source === 'name' ? 'short name' : hit.source })
    // "home and kitchen" also as "home kitchen"
    if (stems.includes('and') && stems.length > 2) add(stems.filter((s) => s !== 'and'), { ...hit, quality: hit.quality * 0.97 })
  }
  const addDescription = (text: string | undefined, target: Target) => {
    if (!text) return
    for (const t of tokenize(text)) {
      if (t.number !== undefined || t.stem.length < 3 || FILLER.has(t.text) || RESERVED.has(t.text) || FILLER.has(t.stem)) continue
      const list = descriptionWords.get(t.stem) ?? []
      if (!list.some((h) => sameTarget(h.target, target))) list.push({ target, quality: 0.55, source: 'description' })
      descriptionWords.set(t.stem, list)
    }
  }

  const metrics = new Map<string, CatalogMetric>()
  const describedNames: Array<[CatalogMetric, string[]]> = []
  for (const m of catalog.metrics) {
    metrics.set(m.name, m)
    const target: Target = { kind: 'metric', name: m.name, metric: m }
    addWithVariants(nameStems(m.name), { target, quality: 1, source: 'name' })
    // `appl_cnt` is also the "application count": business shorthand written out
    for (const spelled of spelledOutNameStems(nameStems(m.name), m.description)) {
      add(spelled, { target, quality: 0.97, source: 'name' })
      // "applications" for the application count; but "payments" is no payment amount: only a count
      // is named by the noun it counts
      // (and only a noun the shorthand spelled out: "dq30" of `dq30_cnt` stays the layer's code)
      const counted = spelled.filter((w) => !WEAK_NAME_TOKENS.has(w))
      const spelledNoun = counted.some((w) => !nameStems(m.name).includes(w))
      if (COUNT_WORDS.has(spelled[spelled.length - 1]) && spelledNoun && counted.length < spelled.length) add(counted, { target, quality: 0.97 * 0.96, source: 'short name' })
      else if (spelledNoun && counted.length > 0 && counted.length < spelled.length) add(counted, { target, quality: 0.97 * 0.9, source: 'short name' })
    }
    if (m.label) addWithVariants(nameStems(m.label), { target, quality: 1, source: 'label' })
    for (const s of m.synonyms ?? []) addWithVariants(nameStems(s), { target, quality: 0.98, source: 'synonym' })
    addDescription(m.description, target)
    // A very short description is usually a readable name ("p99 booking value").
    const desc = m.description ? nameStems(m.description) : []
    // (a two-word one said whole, "Voice calls.", outranks the two words read apart: "voice" the service, "calls" a channel)
    if (desc.length > 0 && desc.length <= 5 && !/[.:;]\s*\S/.test(m.description!.trim())) add(desc, { target, quality: desc.length === 2 ? 0.95 : 0.9, source: 'description' })
    for (const words of descriptionNames(m.description)) add(words, { target, quality: 0.9, source: 'description' })
    // "(headcount)" closing "Number of people employed": the everyday name of what the metric counts,
    // where no other name of the layer has the word(s) already
    const aside = parentheticalName(m.description)
    if (aside && !terms.get(aside.join(' '))?.some((h) => h.target.kind !== 'metric' || h.target.name !== m.name)) {
      add(aside, { target, quality: 0.9, source: 'description' })
      // `regrettable_termination_count` beside `termination_count` "(exits)": the qualified metric is the
      // qualified everyday name ("regrettable exits"), or that phrase would read as the plain metric and a filter
      const own = nameStems(m.name)
      for (const other of catalog.metrics) {
        const stems = nameStems(other.name)
        const lead = stems.length - own.length
        if (other !== m && lead >= 1 && lead <= 2 && own.every((w, i) => stems[lead + i] === w)) {
          add([...stems.slice(0, lead), ...aside], { target: { kind: 'metric', name: other.name, metric: other }, quality: 0.9, source: 'description' })
        }
      }
    }
    for (const words of spelledOutNames(m.name, m.description)) addWithVariants(words, { target, quality: 0.9, source: 'description' })
    // "otp" for `otp_pct` ("On-time performance, ..."): initials the description spells out, before a word that
    // is only the unit, are the metric's name
    const ownStems = nameStems(m.name)
    if (ownStems.length === 2 && UNIT_ENDINGS.has(ownStems[1]) && spelledOutNames(m.name, m.description).length > 0 && !terms.has(ownStems[0])) {
      add([ownStems[0]], { target, quality: 0.9, source: 'short name' })
    }
    const entityNames = m.dimensions.filter((n) => !n.includes('__') && catalog.dimensions.some((d) => d.name === n && d.type === 'entity'))
    const described = describedNameStems(m.name, m.description, entityNames)
    if (described) addWithVariants(described, { target, quality: 0.93, source: 'description' })
    if (described) describedNames.push([m, described])
    for (const stems of [nameStems(m.name), ...(described ? [described] : [])]) {
      for (const words of quantityNames(stems, m.description)) add(words, { target, quality: 0.9, source: 'description' })
    }
    // "port ins" for `port_in_cnt`: a verb-and-particle noun takes its plural on the particle
    for (const words of particlePluralStems(nameStems(m.name))) if (!terms.has(words.join(' '))) addWithVariants(words, { target, quality: 0.98, source: 'name' })
    // "billed amount" for `bill_amt`: the verb before the measure word said as its participle
    for (const words of participleNameStems(nameStems(m.name))) if (!terms.has(words.join(' '))) add(words, { target, quality: 0.95, source: 'short name' })
    for (const stems of [nameStems(m.name), ...(described ? [described] : [])]) {
      const rate = rateNameStems(m, stems)
      if (rate) addWithVariants(rate, { target, quality: 0.95, source: 'short name' })
    }
    // "average loan size" for `avg_orig_amt` on the loans' rows
    for (const words of entityAverageNames(m, catalog)) if (!terms.has(words.join(' '))) add(words, { target, quality: 0.9, source: 'short name' })
  }

  // "late payments" over `pmt_cnt` (read "payment count"): the count named by an entity's word and "count"
  // is what a flag said with the entity's noun counts, where no metric is named by the noun itself
  const countedEntities = new Map<string, Hit>()
  for (const [noun, ms] of countedByEntityWord(catalog.metrics, new Map(describedNames.map(([m, stems]) => [m.name, stems])))) {
    if (ms.length === 1) countedEntities.set(noun, { target: { kind: 'metric', name: ms[0].name, metric: ms[0] }, quality: 0.9, source: 'description' })
  }
  const dimensions = new Map<string, CatalogDimension>()
  const timeDimensions: CatalogDimension[] = []
  const describedColumns: CatalogDimension[] = []
  for (const d of catalog.dimensions) {
    dimensions.set(d.name, d)
    if (d.type === 'time') timeDimensions.push(d)
    const target: Target = { kind: 'dimension', name: d.name, dim: d }
    const path = d.name.split('__')
    const hops = Math.max(0, path.length - 2)
    // Entities rank below a readable dimension named the same ("store" → store name, not store id).
    const base = (d.type === 'entity' ? 0.9 : 1) * Math.pow(0.97, hops)
    const own = nameStems(path[path.length - 1])
    addWithVariants(own, { target, quality: base, source: 'name' })
    // `verification__verification_type` is also just "type" for verifications
    const entity = path.length > 1 ? nameStems(path[path.length - 2]) : []
    if (entity.length && own.length > entity.length && entity.every((e, i) => own[i] === e)) {
      addWithVariants(own.slice(entity.length), { target, quality: base * 0.9, source: 'short name' })
    }
    if (path.length > 1) addWithVariants(nameStems(path.join(' ')), { target, quality: base, source: 'path' })
    // `loc_name` on the location entity is the location's name: a column that opens with a cut of its
    // entity's word is also named with the whole word, so "by location" reads the name, not the key
    const whole = entityWordFor(own[0], path)
    if (whole) addWithVariants([whole, ...own.slice(1)], { target, quality: base, source: 'name' })
    // `item_name` on the `menu_item` entity: a name column that opens with the head noun of a compound
    // entity is that entity's name, so "by menu item" reads the name, not the key (English compounds put
    // the head last: a menu item is an item)
    else if (d.type === 'categorical' && own.length === 2 && own[1] === 'name' && entity.length >= 2 && entity[entity.length - 1] === own[0]) {
      addWithVariants([...entity, 'name'], { target, quality: base, source: 'name' })
    }
    const expanded = d.type === 'categorical' ? expandedNameStems(d) : undefined
    if (expanded) addWithVariants(expanded, { target, quality: base * 0.98, source: 'name' })
    // `is_plnd` described as "Planned stop ...": the written-out flag word names its true value as `plnd` does
    const flagWords = expanded && isBooleanDimension(d) ? expanded.filter((s) => !BOOLEAN_PREFIXES.has(s) && !WEAK_NAME_TOKENS.has(s)) : []
    if (flagWords.length) add(flagWords, { target: { kind: 'value', name: d.name, dim: d, value: true }, quality: 0.95 * 0.98, source: 'boolean' })
    else if (isBooleanDimension(d)) {
      for (const words of flagDescriptionNames(d.description)) {
        if (!terms.has(words.join(' '))) add(words, { target: { kind: 'value', name: d.name, dim: d, value: true }, quality: 0.9, source: 'boolean' })
      }
    }
    if (d.label) addWithVariants(nameStems(d.label), { target, quality: base * (d.type === 'entity' ? 1.05 : 1), source: 'label' })
    for (const s of d.synonyms ?? []) addWithVariants(nameStems(s), { target, quality: base * 0.98 * (d.type === 'entity' ? 1.05 : 1), source: 'synonym' })
    addDescription(d.description, target)
    // "Line of business: PA = personal auto, ...": a code column's description opens with what the column is
    const lead = d.type === 'categorical' ? /^\s*([A-Za-z][A-Za-z ]{2,40}):\s*\S+\s*=/.exec(d.description ?? '')?.[1] : undefined
    const leadStems = lead ? nameStems(lead) : []
    if (leadStems.length >= 1 && leadStems.length <= 4 && !leadStems.every((w) => FILLER.has(w))) {
      add(leadStems, { target, quality: base * 0.9, source: 'description' })
      // "adjuster seniority": the entity's noun before it is the owner, not a second grouping
      if (entity.length && !entity.every((e, i) => leadStems[i] === e)) add([...entity, ...leadStems], { target, quality: base * 0.9, source: 'path' })
    }
    indexValues(d, own, add, terms, countedEntities)
    // "by manufacturer" for `oem_nm` described as "Device manufacturer.": a short phrase naming the column
    if (d.type === 'categorical' && !isBooleanDimension(d)) describedColumns.push(d)
    // dbt time columns are named `booked_at`, `open_dt`, `ship_date`, `created_ts`: people say "booked date", "open date"
    if (d.type === 'time' && own.length > 1 && TIME_SUFFIXES.has(own[own.length - 1])) {
      for (const alt of ['date', 'time', 'at', 'day']) {
        if (alt !== own[own.length - 1]) add([...own.slice(0, -1), alt], { target, quality: base * 0.95, source: 'short name' })
      }
    }
  }
  addTimeDimensionGrains(catalog, terms, add)
  // after every name: a phrase or head noun another column's name already owns stays that column's
  for (const d of describedColumns) {
    const hops = Math.max(0, d.name.split('__').length - 2)
    for (const stems of descriptionPhraseNames(d.description, nameStems(d.name.split('__').pop() ?? d.name))) {
      // "months" of "Contractual term in months" is the unit the column is counted in: "by month" stays a time grain
      // (a "Season year." is named by its year)
      if (stems.length === 1 && GRAIN_NOUNS[stems[0]] && new RegExp(`\\bin ${stems[0]}s?\\b`, 'i').test(d.description ?? '')) continue
      if (terms.get(stems.join(' '))?.some((h) => h.target.kind !== 'value' && h.source !== 'short name' && h.target.name.split('__').pop() !== d.name.split('__').pop())) continue
      add(stems, { target: { kind: 'dimension', name: d.name, dim: d }, quality: (stems.length > 1 ? 0.9 : 0.86) * Math.pow(0.97, hops), source: stems.length > 1 ? 'description' : 'short name' })
    }
    // "loan purpose" for `purp_cd` ("Stated loan purpose: DC = ..."): the legend's lead phrase, where no other column owns it
    for (const stems of legendLeadNames(d.description)) {
      if (terms.get(stems.join(' '))?.some((h) => h.target.kind !== 'value' && h.target.name.split('__').pop() !== d.name.split('__').pop())) continue
      add(stems, { target: { kind: 'dimension', name: d.name, dim: d }, quality: 0.97 * Math.pow(0.97, hops), source: 'description' })
    }
  }
  // metric_time first, then the rest in catalog order.
  timeDimensions.sort((a, b) => (a.name === 'metric_time' ? -1 : b.name === 'metric_time' ? 1 : 0))

  addMetricHeads(catalog, terms, add)
  addFamilyHeads(catalog, terms, add)
  addMetricVariants(catalog, terms, add)
  addParticipleHeads(catalog, terms, add)
  addCountedEntityNouns(catalog, terms, add)
  addClassifierHeads(catalog, terms, add)
  addHeadNouns(catalog, terms, add)
  addLayerAbbreviations(catalog, terms, add)
  addUnitlessNames(describedNames, terms, add)
  addDescriptionNouns(catalog, new Map(describedNames.map(([m, stems]) => [m.name, stems])), terms, add)
  addEntityDescriptionNames(catalog, terms, add)
  addLegendWordForms(catalog, terms, add)
  addThresholdMetricNames(catalog, terms, add)
  addPartialValues(catalog, terms)
  dropSharedShortNames(catalog, terms)

  for (const list of terms.values()) list.sort((a, b) => b.quality - a.quality)
  const vocabularySet = new Set<string>()
  const nameVocabulary = new Set<string>()
  for (const [key, hits] of terms) {
    const isName = hits.some((h) => h.target.kind !== 'value')
    for (const s of key.split(' ')) {
      if (!/[a-z]/.test(s)) continue
      vocabularySet.add(s)
      if (isName) nameVocabulary.add(s)
    }
  }
  const vocabulary = new Map<number, string[]>()
  for (const w of [...vocabularySet].sort()) {
    const list = vocabulary.get(w.length) ?? []
    list.push(w)
    vocabulary.set(w.length, list)
  }
  return { catalog, terms, maxTermLength, vocabulary, vocabularySet, nameVocabulary, descriptionWords, metrics, dimensions, timeDimensions }
}

/**
 * Names a metric's description gives it: an acronym in parentheses ("Gross written premium
 * (GWP)", "Monthly recurring revenue (MRR)") and a short opening phrase set off by a comma
 * or colon ("Billings, the sum of invoice totals"). Both are how the layer's authors call it.
 */
function descriptionNames(description: string | undefined): string[][] {
  if (!description) return []
  const out: string[][] = []
  for (const m of description.matchAll(/\(([A-Z]{2,6})\)/g)) out.push([m[1].toLowerCase()])
  const lead = /^\s*([A-Za-z][A-Za-z-]*(?:\s+[A-Za-z][A-Za-z-]*){0,2})\s*[,:]\s/.exec(description)?.[1]
  const stems = lead ? nameStems(lead) : []
  if (stems.length > 0 && !stems.every((w) => FILLER.has(w) || RESERVED.has(w))) out.push(stems)
  return out
}

/**
 * `avg_los` described as "Average length of stay in nights": a short name word whose letters are the
 * initials of consecutive description words ("length of stay", a little word's initial optional) is
 * an acronym the layer spells out; the name with it spelled out names the metric too.
 */
function spelledOutNames(name: string, description: string | undefined): string[][] {
  if (!description) return []
  const stems = nameStems(name)
  const words = description.toLowerCase().split(/[^a-z]+/).filter(Boolean)
  const out: string[][] = []
  for (const [i, w] of stems.entries()) {
    if (w.length < 2 || w.length > 5 || isKnownWord(w) || !/^[a-z]+$/.test(w)) continue
    for (let start = 0; start < words.length; start++) {
      const phrase = initialsRun(words, start, w)
      if (!phrase) continue
      out.push([...stems.slice(0, i), ...nameStems(phrase.join(' ')), ...stems.slice(i + 1)])
      break
    }
  }
  return out
}

/** The run of words from `start` whose initials spell `letters` (little words may be skipped), if any. */
function initialsRun(words: string[], start: number, letters: string): string[] | undefined {
  const run: string[] = []
  let k = 0
  for (let j = start; j < words.length && k < letters.length; j++) {
    const w = words[j]
    if (w[0] === letters[k]) { run.push(w); k++; continue }
    if (run.length > 0 && LITTLE_WORDS.has(w)) { run.push(w); continue }
    return undefined
  }
  return k === letters.length && run.length >= letters.length ? run : undefined
}

/** Name words that only say the unit of what the word before them names (`otp_pct`). */
const UNIT_ENDINGS = new Set(['percent', 'rate', 'ratio', 'count', 'amount'])

const LITTLE_WORDS = new Set(['of', 'the', 'a', 'an', 'per', 'and', 'to', 'in', 'on', 'for'])

/** Last words of a name that say the metric counts what the words before it name. */
const COUNT_WORDS = new Set(['count', 'number'])

function targetId(t: Target): string {
  return t.kind === 'value' ? `v\u0000${t.name}\u0000${typeof t.value}\u0000${String(t.value)}` : `${t.kind[0]}\u0000${t.name}`
}

function sameTarget(a: Target, b: Target): boolean {
  if (a.kind !== b.kind || a.name !== b.name) return false
  return a.kind !== 'value' || (b.kind === 'value' && a.value === b.value)
}

export function isBooleanDimension(d: CatalogDimension): boolean {
  if (d.type !== 'categorical') return false
  if (d.value_type === 'boolean') return true
  const s = d.sample_values
  return !!s && s.length > 0 && s.every((v) => typeof v === 'boolean' || v === 'true' || v === 'false' || v === 'True' || v === 'False')
}

export function isNumericDimension(d: CatalogDimension): boolean {
  if (d.value_type === 'number') return true
  const s = d.sample_values
  return !!s && s.length > 0 && s.every((v) => typeof v === 'number' || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)))
}

function indexValues(d: CatalogDimension, own: string[], add: (stems: string[], hit: Hit) => void, terms: Map<string, Hit[]>, countedEntities: Map<string, Hit>): void {
  if (d.type !== 'categorical') return
  if (isBooleanDimension(d)) {
    // `is_instant` → "instant" (true); "instant bookings" → the same, with the entity noun.
    const words = own.filter((s) => !BOOLEAN_PREFIXES.has(s) && !WEAK_NAME_TOKENS.has(s))
    if (words.length === 0) return
    const target: Target = { kind: 'value', name: d.name, dim: d, value: true }
    add(words, { target, quality: 0.95, source: 'boolean' })
    const entity = d.name.split('__').slice(-2, -1)[0]
    if (entity) {
      // metrics are indexed first, so the noun's metric ("bookings") is known here
      const noun = nameStems(entity)
      // ("student members" over `member_count`: the metric the noun names by the short form of its name as well)
      const implied = terms.get(noun.join(' '))?.find((h) => h.target.kind === 'metric' && (h.source === 'name' || h.source === 'short name')) ?? countedEntities.get(noun.join(' '))
      add([...words, ...noun], { target, quality: 0.95, source: 'boolean', implied })
    }
    return
  }
  // bare numbers are too ambiguous to index (comparisons handle them), but a numeric code's written
  // meaning is a word like any legend's ("5812 = restaurants" for a merchant category code)
  if (isNumericDimension(d)) return indexLegend(d, add)
  // an un-curated layer names its column `st_cd` and says "US state of the club" only in the description:
  // the description's words tell the kind of value as well (for well-known aliases: "texas" for TX)
  const dimWords = [...own, ...nameStems(d.label ?? ''), ...(d.synonyms ?? []).flatMap(nameStems), ...nameStems(d.description ?? '')]
  for (const v of d.sample_values ?? []) {
    if (typeof v !== 'string' || v.trim() === '') continue
    const target: Target = { kind: 'value', name: d.name, dim: d, value: v }
    const stems = nameStemsOfValue(v)
    if (stems.length === 0) continue
    add(stems, { target, quality: 1, source: 'value' })
    // "cote d ivoire" for "cote d'ivoire": the apostrophe joins words a question may split
    if (/[a-z]'[a-z]{2,}/i.test(v)) add(nameStemsOfValue(v.replace(/'/g, ' ')), { target, quality: 0.97, source: 'alias' })
    if (stems.includes('and') && stems.length > 2) add(stems.filter((s) => s !== 'and'), { target, quality: 0.97, source: 'value' })
    for (const alias of valueAliases(v, dimWords)) add(nameStemsOfValue(alias), { target, quality: 0.97, source: 'alias' })
    // "instore" for "In store", "noshow" for "no_show": a compound typed as one word
    if (stems.length >= 2 && stems.length <= 3 && stems.join('').length >= 5) add([stems.join('')], { target, quality: 0.95, source: 'alias' })
  }
  indexLegend(d, add)
}

/** "Medicare" for MCR when the description says "MCR = Medicare": a code's meaning lives in the description. */
function indexLegend(d: CatalogDimension, add: (stems: string[], hit: Hit) => void): void {
  const legend = codeLegend(d.description)
  const samples = new Map((d.sample_values ?? []).map((v) => [String(v).toLowerCase(), v]))
  for (const [code, meaning, gloss] of legend) {
    const v = samples.size ? samples.get(code.toLowerCase()) : code
    if (v === undefined || typeof v === 'boolean') continue
    const target: Target = { kind: 'value', name: d.name, dim: d, value: v }
    const stems = nameStemsOfValue(meaning)
    if (stems.length === 0 || stems.length > 4) continue
    // as strong as a value: "physician" may be the legend of MD and a value elsewhere; both are readings
    add(stems, { target, quality: 0.99, source: 'alias' })
    // "INV = involuntary (let go)": the gloss is how people say the meaning; a short one, said whole, names the
    // code too (a little below the meaning: a gloss explains more loosely than the legend's own word)
    const glossed = gloss ? glossStems(gloss) : undefined
    if (glossed) add(glossed, { target, quality: 0.9, source: 'alias' })
    if (!samples.size) add(nameStemsOfValue(code), { target, quality: 1, source: 'value' })
  }
}

/** A legend gloss of one to three plain words ("let go", "individual travelers"), as stems; none for lists or examples. */
function glossStems(gloss: string): string[] | undefined {
  if (!/^[A-Za-z][A-Za-z' -]*$/.test(gloss) || /\b(?:e\.?g|i\.?e|etc|and|or)\b/i.test(gloss)) return undefined
  const stems = nameStemsOfValue(gloss)
  return stems.length >= 1 && stems.length <= 3 ? stems : undefined
}

/** Every variant of a name without some (not all, not none) of its weak words; at most 3 weak words. */
function weakSubsets(stems: string[]): string[][] {
  const weak = stems.map((s, i) => (WEAK_NAME_TOKENS.has(s) ? i : -1)).filter((i) => i >= 0)
  if (weak.length < 2 || weak.length > 3 || weak.length === stems.length) return []
  const out: string[][] = []
  for (let mask = 1; mask < (1 << weak.length) - 1; mask++) {
    const drop = new Set(weak.filter((_, j) => mask & (1 << j)))
    out.push(stems.filter((_, i) => !drop.has(i)))
  }
  return out
}

/** Trailing words of a time dimension's name that only say "this is a date". */
const DATE_SUFFIXES = new Set(['at', 'on', 'date', 'time', 'timestamp', 'ts', 'dt', 'day', 'datetime'])
const GRAIN_WORDS = ['day', 'week', 'month', 'quarter', 'year']

/**
 * "by signup month", "created week": a time dimension named without its
 * "date" word but with a grain. Only indexed together with the grain word, so
 * "customers who signed up" never turns into a grouping, and never where the
 * short form already names a metric or another dimension ("order month" would
 * swallow "orders month over month").
 */
function addTimeDimensionGrains(catalog: Catalog, terms: Map<string, Hit[]>, add: (stems: string[], hit: Hit) => void): void {
  for (const d of catalog.dimensions) {
    if (d.type !== 'time' || d.name === 'metric_time') continue
    const path = d.name.split('__')
    const hops = Math.max(0, path.length - 2)
    const target: Target = { kind: 'dimension', name: d.name, dim: d }
    // "Arrival date." as the whole description of `chk_in_dt`: the layer's own name for the column
    const described = nameStems((d.description ?? '').replace(/\.\s*$/, ''))
    const descName = described.length >= 2 && described.length <= 3 && DATE_SUFFIXES.has(described[described.length - 1]) && !/[.:;,]/.test((d.description ?? '').trim().replace(/\.$/, '')) ? described : []
    if (descName.length) add(descName, { target, quality: 0.93 * Math.pow(0.97, hops), source: 'description' })
    const shorts = [nameStems(path[path.length - 1]), d.label ? nameStems(d.label) : [], descName]
    for (const full of shorts) {
      const short = [...full]
      while (short.length && DATE_SUFFIXES.has(short[short.length - 1])) short.pop()
      if (short.length === 0 || short.length === full.length) continue
      const taken = terms.get(short.join(' '))?.some((h) => h.target.kind === 'metric' || (h.target.kind === 'dimension' && h.target.dim.type !== 'time'))
      // "check in month" for `chk_in_dt`: a structure word inside a compound verb is part of the name
      const reserved = short.some((w, i) => RESERVED.has(w) && (i === 0 || short.length === 1))
      if (taken || reserved || short.some((w) => GRAIN_NOUNS[w])) continue
      for (const g of GRAIN_WORDS) add([...short, g], { target, quality: 0.95 * Math.pow(0.97, hops), source: 'short name' })
      // "sign up month" for `signed_up_at`, "ship date" for `shipped_at`: the verb's base form
      const base = baseVerb(short[0])
      if (base && !terms.has([base, ...short.slice(1)].join(' '))) {
        for (const g of [...GRAIN_WORDS, 'date']) add([base, ...short.slice(1), g], { target, quality: 0.93 * Math.pow(0.97, hops), source: 'short name' })
      }
    }
  }
}

/** "signed" → "sign", "shipped" → "ship", "created" → "create": a past participle's base form, if it is one. */
function baseVerb(word: string | undefined): string | undefined {
  if (!word || !/^[a-z]{3,}ed$/.test(word)) return undefined
  const stem = word.slice(0, -2)
  if (/(.)\1$/.test(stem) && !/(ll|ss)$/.test(stem)) return stem.slice(0, -1)
  if (/(at|iz|ur|v|c|g|[aeiou]s)$/.test(stem)) return `${stem}e`
  return stem
}

/** A name's words as written, plural folded: `units_sold` keeps "sold" (the stems fold it onto "sale"). */
function writtenWords(name: string): string[] {
  return name.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).map((w) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w))
}

/**
 * "rooms" for `room_keys` beside `rooms_sold` and `rooms_available`: a short form that drops
 * a weak word saying what is counted ("keys") names one metric only when no other metric's
 * name holds the same words.
 * Otherwise the word is shared, and the question is asked back (shared-name-readings.ts)
 * instead of answered with whichever metric happened to lose a weak word.
 */
function dropSharedShortNames(catalog: Catalog, terms: Map<string, Hit[]>): void {
  const names = catalog.metrics.map((m) => ({ name: m.name, words: new Set(writtenWords(m.name)) }))
  for (const [key, hits] of terms) {
    const words = writtenWords(key)
    if (words.length === 0 || words.every((w) => AGGREGATION_STEMS.has(w))) continue
    const shared = (metric: string) => names.some((n) => n.name !== metric && words.every((w) => n.words.has(w)))
    // only a dropped word that says what is counted ("keys") loses the metric; a dropped "total" or
    // "count" does not: `total_revenue` is all revenue, `shipment_count` all shipments, whatever
    // narrower siblings (`room_revenue`, `late_shipment_count`) exist
    // (a short form built otherwise, "subs" for `subscription_count` from the layer's own `sub_`, is not one)
    const dropsMeaning = (metric: string) => {
      const own = writtenWords(metric)
      return words.every((w) => own.includes(w)) && own.some((w) => !words.includes(w) && !AGGREGATION_STEMS.has(w) && w !== 'cnt' && w !== 'num')
    }
    // "revenue" for `total_revenue` beside `room_revenue` and `net_room_revenue`: where two or more
    // metrics name kinds of the same thing, a bare "revenue" may mean the total or the kind the
    // asker works with (rooms revenue in a hotel); one narrower sibling (`late_shipment_count`
    // beside `shipment_count`) is a subset, and the bare word still means the whole
    const kinds = (metric: string) => names.filter((n) => {
      if (n.name === metric) return false
      const w = writtenWords(n.name)
      const tail = w.slice(-words.length)
      return tail.join(' ') === words.join(' ') && w.slice(0, -words.length).some((x) => !AGGREGATION_STEMS.has(x))
    }).length
    const totalOfKinds = (metric: string) => writtenWords(metric)[0] === 'total' && kinds(metric) >= 2
    const keep = hits.filter((h) => !(h.target.kind === 'metric' && h.source === 'short name' && ((dropsMeaning(h.target.name) && shared(h.target.name)) || totalOfKinds(h.target.name))))
    if (keep.length === hits.length) continue
    if (keep.length) terms.set(key, keep)
    else terms.delete(key)
  }
}

/** Aggregation words: two names differing only in one of these differ in how, not in what, they count. */
const AGGREGATION_STEMS = new Set(['count', 'number', 'amount', 'total', 'sum', 'average', 'distinct', 'max', 'min', 'median', 'rate', 'ratio', 'percent'])

/**
 * The words that alone tell two metric names apart: `gross_earned_premium` and
 * `gross_written_premium` differ only in "earned" / "written". Such a word means
 * something in this layer even when the lexicon counts it as filler elsewhere.
 */
function siblingWords(names: string[][]): Set<string> {
  const out = new Set<string>()
  for (let a = 0; a < names.length; a++) {
    for (let b = a + 1; b < names.length; b++) {
      const x = names[a]
      const y = names[b]
      if (x.length !== y.length || x.length < 2) continue
      const diff = x.map((_, i) => i).filter((i) => x[i] !== y[i])
      if (diff.length !== 1 || AGGREGATION_STEMS.has(x[diff[0]]) || AGGREGATION_STEMS.has(y[diff[0]])) continue
      out.add(x[diff[0]])
      out.add(y[diff[0]])
    }
  }
  return out
}

/** Words that end a name part but never head it: "total_account_balance_first_day" is not "first day". */
const HEAD_BREAKERS = new Set(['by', 'per', 'of', 'for', 'with', 'to', 'at', 'in', 'on', 'from', 'since', 'over', 'vs', 'and', 'or', 'than'])

/**
 * "verifications" for `identity_verifications`, "conversion rate" for
 * `visit_buy_conversion_rate`: people name a metric by the head of its name.
 * A tail of a metric's name is indexed when no other metric's name ends the
 * same way and no metric already owns those words; it ranks below whole names
 * and dimension names, so it only decides when nothing better is said.
 */
function addMetricHeads(catalog: Catalog, terms: Map<string, Hit[]>, add: (stems: string[], hit: Hit) => void): void {
  const heads = new Map<string, CatalogMetric[]>()
  const distinguishing = siblingWords(catalog.metrics.map((m) => nameStems(m.name)))
  for (const m of catalog.metrics) {
    const stems = nameStems(m.name)
    for (let i = 1; i < stems.length; i++) {
      const tail = stems.slice(i)
      const first = tail[0]
      const last = tail[tail.length - 1]
      // the object of a preposition ("by user", "per booker") is not what the metric counts
      if (HEAD_BREAKERS.has(stems[i - 1])) continue
      // a filler word heads a tail only where it tells two metrics apart ("earned premium" next to "written premium")
      const meaningful = FILLER.has(first) && distinguishing.has(first)
      if ((isKnownWord(first) && !meaningful) || RESERVED.has(first) || /\d/.test(first)) continue
      if (GRAIN_NOUNS[last] || /^\d/.test(last) || RESERVED.has(last) || WEAK_NAME_TOKENS.has(last)) continue
      if (tail.length === 1 && first.length < 5) continue
      // "account balance by user" in a question is a grouping, not `current_account_balance_by_user`
      if (tail.some((t) => t !== 'per' && HEAD_BREAKERS.has(t))) continue
      const key = tail.join(' ')
      const list = heads.get(key) ?? []
      if (!list.includes(m)) list.push(m)
      heads.set(key, list)
    }
  }
  for (const [key, ms] of heads) {
    if (ms.length !== 1) continue // shared by several metrics: the words do not pick one
    if (terms.get(key)?.some((h) => h.target.kind === 'metric')) continue
    const m = ms[0]
    add(key.split(' '), { target: { kind: 'metric', name: m.name, metric: m }, quality: 0.85, source: 'name tail' })
  }
}

/**
 * "contraction by plan" for `contraction_mrr` next to `new_mrr`, `expansion_mrr` and
 * `churned_mrr`: where metric names form a family sharing their last word, the word
 * that tells one member from the rest names it alone. Indexed only where that word
 * starts no other metric name and names nothing else, and below whole names.
 */
function addFamilyHeads(catalog: Catalog, terms: Map<string, Hit[]>, add: (stems: string[], hit: Hit) => void): void {
  const names = catalog.metrics.map((m) => ({ m, stems: nameStems(m.name) }))
  for (const { m, stems } of names) {
    if (stems.length !== 2) continue
    const [head, tail] = stems
    const family = names.filter((x) => x.stems.length === 2 && x.stems[1] === tail)
    if (family.length < 3 || names.filter((x) => x.stems[0] === head).length !== 1) continue
    if (head.length < 5 || isKnownWord(head) || RESERVED.has(head) || AGGREGATION_STEMS.has(head) || terms.has(head)) continue
    add([head], { target: { kind: 'metric', name: m.name, metric: m }, quality: 0.85, source: 'short name' })
  }
}

const AGG_PREFIXES = new Set(['average', 'avg', 'mean', 'median', 'max', 'maximum', 'min', 'minimum', 'total', 'sum'])
const TIME_UNITS = new Set(['minute', 'min', 'mins', 'hour', 'hr', 'hrs', 'day', 'second', 'sec', 'secs'])

/**
 * Other ways people name a metric of an un-curated layer, indexed only where
 * they name one metric and nothing else does:
 * - without its aggregation word: "wait minutes" for `avg_wait_minutes` (an
 *   aggregation word said with it is then checked against the metric);
 * - "time" for a unit of time: "wait time" for `avg_wait_minutes`, "transit
 *   time" for `avg_transit_days`.
 */
function addMetricVariants(catalog: Catalog, terms: Map<string, Hit[]>, add: (stems: string[], hit: Hit) => void): void {
  const keys = new Map<string, CatalogMetric[]>()
  const push = (stems: string[], m: CatalogMetric) => {
    // a short word alone ("gpa" of `avg_gpa`) only where the metric's description says it too
    // ("Average cumulative GPA."): else it may be a clip of anything
    if (stems.length < 2 && (stems[0]?.length ?? 0) < 5 && !((stems[0]?.length ?? 0) >= 3 && nameStems(m.description ?? '').includes(stems[0]))) return
    const key = stems.join(' ')
    const list = keys.get(key) ?? []
    if (!list.includes(m)) list.push(m)
    keys.set(key, list)
  }
  for (const m of catalog.metrics) {
    const stems = nameStems(m.name)
    const bare = AGG_PREFIXES.has(stems[0]) && stems.length > 1 ? stems.slice(1) : undefined
    if (bare) push(bare, m)
    for (const s of [stems, bare]) {
      if (s && s.length > 1 && TIME_UNITS.has(s[s.length - 1])) {
        push([...s.slice(0, -1), 'time'], m)
        // "visit duration" for `avg_visit_duration_min`: the unit is left out
        if (s.length > 2) push(s.slice(0, -1), m)
      }
    }
  }
  for (const [key, ms] of keys) {
    if (ms.length !== 1 || terms.get(key)?.some((h) => h.target.kind !== 'value')) continue
    add(key.split(' '), { target: { kind: 'metric', name: ms[0].name, metric: ms[0] }, quality: 0.88, source: 'short name' })
  }
}

/**
 * "tax by property" for `tax_collected`: a name that ends in a past participle ("collected",
 * "sold", "booked") is named by what comes before it, where no other metric's name holds
 * those words and nothing else is named so ("rooms" stays shared by `rooms_sold` and
 * `rooms_available`).
 */
function addParticipleHeads(catalog: Catalog, terms: Map<string, Hit[]>, add: (stems: string[], hit: Hit) => void): void {
  const names = catalog.metrics.map((m) => ({ m, words: writtenWords(m.name) }))
  for (const { m, words } of names) {
    const last = words[words.length - 1]
    if (words.length < 2 || !(/[a-z]{3,}ed$/.test(last) || last === 'sold' || last === 'paid')) continue
    const head = words.slice(0, -1)
    if (head.some((w) => AGGREGATION_STEMS.has(w) || isKnownWord(w))) continue
    if (names.some((n) => n.m !== m && head.every((w) => n.words.includes(w)))) continue
    const key = nameStems(head.join(' '))
    if (terms.get(key.join(' '))?.length) continue
    add(key, { target: { kind: 'metric', name: m.name, metric: m }, quality: 0.86, source: 'short name' })
  }
}

/**
 * `bookings` described as "Reservations made, counted on the booking date": a description that
 * opens with an entity's plural and a past participle says the metric counts that entity, so the
 * entity's noun names it ("no shows by property" counts reservations whose status is no_show).
 * Indexed only where no other metric is named so.
 */
function addCountedEntityNouns(catalog: Catalog, terms: Map<string, Hit[]>, add: (stems: string[], hit: Hit) => void): void {
  const entities = new Set(catalog.dimensions.filter((d) => d.type === 'entity' && !d.name.includes('__')).map((d) => d.name))
  const found = new Map<string, CatalogMetric[]>()
  for (const m of catalog.metrics) {
    const lead = /^\s*([A-Za-z]+)\s+([a-z]+ed|sold|made|paid)\b/.exec(m.description ?? '')
    if (!lead || !/s$/i.test(lead[1])) continue
    const noun = nameStems(lead[1]).join(' ')
    if (!entities.has(noun.replace(/ /g, '_'))) continue
    found.set(noun, [...(found.get(noun) ?? []), m])
  }
  for (const [noun, ms] of found) {
    if (ms.length !== 1 || terms.get(noun)?.some((h) => h.target.kind === 'metric')) continue
    add([noun], { target: { kind: 'metric', name: ms[0].name, metric: ms[0] }, quality: 0.85, source: 'description' })
  }
}

/** Last words of a dimension name that only say it classifies ("payer type", "claim status"). */
const CLASSIFIERS = new Set(['type', 'status', 'category', 'code', 'group', 'level', 'band', 'class', 'tier', 'kind'])

/**
 * "by payer" for `payer_type_cd`, "by age" for `age_band`: a dimension named
 * by what it classifies, without the classifier word. Indexed only where the
 * shorter words name nothing else (not "by claim" when `claim` is an entity).
 */
function addClassifierHeads(catalog: Catalog, terms: Map<string, Hit[]>, add: (stems: string[], hit: Hit) => void): void {
  const keys = new Map<string, CatalogDimension[]>()
  // "req" of `req_status` is short for the requisition entity: "per req" names the entity, not its status
  const entityWords = catalog.dimensions.filter((d) => d.type === 'entity').map((d) => (d.name.split('__').pop() ?? d.name).toLowerCase())
  const abbreviatesEntity = (w: string) => w.length >= 2 && entityWords.some((e) => e !== w && e.startsWith(w))
  for (const d of catalog.dimensions) {
    if (d.type !== 'categorical' || isBooleanDimension(d)) continue
    const stems = nameStems(d.name.split('__').pop() ?? d.name)
    while (stems.length > 1 && CLASSIFIERS.has(stems[stems.length - 1])) stems.pop()
    if (stems.length === nameStems(d.name.split('__').pop() ?? d.name).length || stems.some((w) => RESERVED.has(w) || isKnownWord(w))) continue
    if (stems.length === 1 && abbreviatesEntity(stems[0])) continue
    const key = stems.join(' ')
    const leaf = (n: string) => n.split('__').pop()
    const list = keys.get(key) ?? []
    if (!list.some((x) => leaf(x.name) === leaf(d.name))) list.push(d)
    keys.set(key, list)
  }
  for (const [key, ds] of keys) {
    if (ds.length !== 1 || terms.has(key)) continue
    for (const d of catalog.dimensions) {
      if (d.type === 'categorical' && d.name.split('__').pop() === ds[0].name.split('__').pop()) {
        const hops = Math.max(0, d.name.split('__').length - 2)
        add(key.split(' '), { target: { kind: 'dimension', name: d.name, dim: d }, quality: 0.88 * Math.pow(0.97, hops), source: 'short name' })
      }
    }
  }
}

/**
 * "by state" for `billing_state` or `risk_state`, "by status" for `inv_status`, "by
 * platform" for `client_platform`: a categorical column is named by its head noun,
 * the last strong word, with the qualifier before it left out. Indexed only where the
 * head names no metric or dimension already, and below every fuller name; when the
 * head ends several dimensions' names, each is a reading, so the usual choice (the
 * metric's own model, the only one it reaches) or a question back decides.
 */
function addHeadNouns(catalog: Catalog, terms: Map<string, Hit[]>, add: (stems: string[], hit: Hit) => void): void {
  const heads = new Map<string, CatalogDimension[]>()
  for (const d of catalog.dimensions) {
    if (d.type !== 'categorical' || isBooleanDimension(d)) continue
    const strong = (expandedNameStems(d) ?? nameStems(d.name.split('__').pop() ?? d.name)).filter((w) => !WEAK_NAME_TOKENS.has(w))
    if (strong.length < 2) continue
    const head = strong[strong.length - 1]
    // "type" is filler in prose, but as the head of `event_type` it is the column ("events by type")
    if (head.length < 4 || RESERVED.has(head) || (FILLER.has(head) && !CLASSIFIERS.has(head)) || GRAIN_NOUNS[head] || /\d/.test(head)) continue
    const list = heads.get(head) ?? []
    list.push(d)
    heads.set(head, list)
    // `rsn_cat` described as "Reason category: ...": the word the classifier qualifies names the column
    // as well ("chargebacks by reason"), beside other columns whose head it is (`rfnd_rsn_cd`)
    const qualified = strong[strong.length - 2]
    if (CLASSIFIERS.has(head) && strong.length >= 2 && qualified.length >= 4 && !RESERVED.has(qualified) && !FILLER.has(qualified) && !GRAIN_NOUNS[qualified] && !/\d/.test(qualified) && expandedNameStems(d)) {
      const more = heads.get(qualified) ?? []
      more.push(d)
      heads.set(qualified, more)
    }
  }
  for (const [head, ds] of heads) {
    // a whole name, label or synonym owns the word; another column's shortened name does not ("region" of `acct_region`
    // next to `bill_region`: both are readings)
    if (terms.get(head)?.some((h) => h.target.kind !== 'value' && h.source !== 'short name')) continue
    for (const d of ds) {
      const hops = Math.max(0, d.name.split('__').length - 2)
      add([head], { target: { kind: 'dimension', name: d.name, dim: d }, quality: 0.86 * Math.pow(0.97, hops), source: 'short name' })
      // "by response code" for `auth_rsp_cd`: the head with the name's own code word, as people say it
      const full = expandedNameStems(d) ?? nameStems(d.name.split('__').pop() ?? d.name)
      if (full[full.length - 1] === 'code' && !terms.get(`${head} code`)?.some((h) => h.source !== 'short name')) {
        add([head, 'code'], { target: { kind: 'dimension', name: d.name, dim: d }, quality: 0.86 * Math.pow(0.97, hops), source: 'short name' })
      }
    }
  }
}

/** The entity's word that a column's first word cuts short (`loc` of location), under the same test as the layer's short forms. */
function entityWordFor(first: string | undefined, path: string[]): string | undefined {
  if (!first || path.length < 2) return undefined
  const entity = stem(path[path.length - 2].toLowerCase().split('_').pop() ?? '')
  if (first.length >= 3 && entity.length > first.length + 2 && entity.startsWith(first) && !isKnownWord(first)) return entity
  return namesEntityByCut(nameStems(path[path.length - 1]), entity) ? entity : undefined
}

/**
 * `order_chnl_cd` described as "Order channel: DI = dine-in, ...", `mkt_region_cd` as "Market
 * region: ...": a name word that is no English word, cut from a word of the column's own
 * description (same first letter, the rest in order), is that word. The column's name is read
 * with it written out ("order channel code", head noun "channel"); undefined when no word of
 * the name is expanded, or a word fits two description words.
 */
function expandedNameStems(d: CatalogDimension): string[] | undefined {
  const own = nameStems(d.name.split('__').pop() ?? d.name)
  if (!d.description) return undefined
  const described = [...new Set(tokenize(d.description).filter((t) => /^[a-z]+$/.test(t.text)).map((t) => t.stem))]
  let changed = false
  const out = own.map((w) => {
    if (w.length < 3 || WEAK_NAME_TOKENS.has(w) || described.includes(w)) return w
    // an everyday word ("stat" of `inv_stat_cd`) only as a clip of four letters or more ("Invoice status: ...")
    const known = isKnownWord(w)
    if (known && w.length < 4) return w
    // a cut with no a, e, i, o or u left ("cty" of city) is no word of its own, even where only one letter is left out
    const leftOut = /[aeiou]/.test(w) ? 2 : 1
    const found = described.filter((x) => x.length >= w.length + leftOut && x[0] === w[0] && (known ? clipOf(w, x) : isSubsequence(w, x)))
    if (found.length !== 1) return w
    changed = true
    return found[0]
  })
  return changed ? out : undefined
}
function isSubsequence(short: string, long: string): boolean {
  let i = 0
  for (const ch of long) if (ch === short[i]) i++
  return i === short.length
}

/**
 * "subs" for subscriptions where the layer itself writes `sub_status` on the
 * subscription entity, "inv" where it writes `inv_status` on invoices: a column's
 * first word that is the start of its entity's name is the layer's own short form of
 * that entity, so the short form names what the entity's noun names. Only where the
 * short form names nothing else.
 */
function addLayerAbbreviations(catalog: Catalog, terms: Map<string, Hit[]>, add: (stems: string[], hit: Hit) => void): void {
  const short = new Map<string, Set<string>>()
  for (const d of catalog.dimensions) {
    const path = d.name.split('__')
    if (path.length < 2 || d.type === 'entity') continue
    const first = path[path.length - 1].toLowerCase().split('_')[0]
    const entity = stem(path[path.length - 2].toLowerCase().split('_').pop() ?? '')
    if (first.length < 3 || entity.length <= first.length + 2 || !entity.startsWith(first) || isKnownWord(first)) continue
    const set = short.get(first) ?? new Set<string>()
    set.add(entity)
    short.set(first, set)
  }
  for (const [abbr, entities] of short) {
    if (entities.size !== 1 || terms.get(abbr)?.some((h) => h.target.kind !== 'value' && h.source !== 'short name')) continue
    const [entity] = entities
    for (const h of terms.get(entity) ?? []) {
      if (h.target.kind !== 'value') add([abbr], { ...h, quality: h.quality * 0.95 })
    }
  }
}

/** Values keep their own words; only case, punctuation and plurals are folded. */
function nameStemsOfValue(v: string): string[] {
  let stems = valueStemCache?.get(v)
  if (!stems) {
    stems = tokenize(v).filter((t) => /[a-z0-9]/.test(t.stem)).map((t) => t.stem)
    valueStemCache?.set(v, stems)
  }
  return stems
}
/** Lives only while one index is built (values are tokenised for whole and partial keys). */
let valueStemCache: Map<string, string[]> | undefined

/**
 * "headphones" for "Noise-Cancelling Headphones", "pike place" for "Seattle Pike Place":
 * contiguous parts of values, only where the words name nothing else.
 */
function addPartialValues(catalog: Catalog, terms: Map<string, Hit[]>): void {
  // Value references are small integers until a part proves discriminative, to keep
  // large catalogs (tens of thousands of sample values) cheap to index.
  const refs: Array<{ d: CatalogDimension; v: string; len: number }> = []
  const partial = new Map<string, number[]>()
  for (const d of catalog.dimensions) {
    if (d.type !== 'categorical' || isBooleanDimension(d) || isNumericDimension(d)) continue
    for (const v of d.sample_values ?? []) {
      if (typeof v !== 'string') continue
      const stems = nameStemsOfValue(v)
      if (stems.length < 2 || stems.length > MAX_PARTIAL_VALUE_TOKENS) continue
      const ref = refs.push({ d, v, len: stems.length }) - 1
      for (let i = 0; i < stems.length; i++) {
        for (let j = i + 1; j <= stems.length && j - i <= 3; j++) {
          if (j - i === stems.length) continue
          const first = stems[i]
          const last = stems[j - 1]
          if (FILLER.has(first) || RESERVED.has(first) || RESERVED.has(last)) continue
          let content = false
          for (let k = i; k < j; k++) if (stems[k].length >= 3 && /[a-z]/.test(stems[k]) && !FILLER.has(stems[k]) && !RESERVED.has(stems[k])) content = true
          if (!content) continue
          const key = j - i === 1 ? first : stems.slice(i, j).join(' ')
          let list = partial.get(key)
          if (!list) partial.set(key, (list = []))
          if (list.length <= MAX_PARTIAL_VALUE_MATCHES && list[list.length - 1] !== ref) list.push(ref)
        }
      }
    }
  }
  for (const [key, list] of partial) {
    if (list.length > MAX_PARTIAL_VALUE_MATCHES || terms.has(key)) continue // not discriminative, or a whole name/value wins
    const n = key.split(' ').length
    // refs are distinct values, so the hits need no de-duplication
    terms.set(key, list.map((ref) => {
      const { d, v, len } = refs[ref]
      return { target: { kind: 'value', name: d.name, dim: d, value: v }, quality: 0.8 * (n / len) ** 0.25, source: 'partial value' }
    }))
  }
}

/** Closest vocabulary word within the typo budget; deterministic on ties. */
export function correctTypo(idx: CatalogIndex, word: string): { word: string; distance: number } | undefined {
  const budget = typoBudget(word)
  if (!/^[a-z]+$/.test(word)) return undefined
  // "apps", "appr", "bal": business shorthand the layer's names spell out is read as the word it stands for
  const written = idx.nameVocabulary.has(word) ? undefined : shorthandReadingOf(word, idx.nameVocabulary)
  if (written && written !== word) return { word: written, distance: budget + 1 }
  // a word too short for a typo may still be a clipped one ("occ")
  if (budget === 0) return clippedWordOf(idx, word)
  let best: { word: string; distance: number } | undefined
  for (let len = word.length - budget; len <= word.length + budget; len++) {
    for (const v of idx.vocabulary.get(len) ?? []) {
      // short words are only corrected to metric/dimension words: "regoin" → region, never "same" → "game"
      if (v.length < 4 || (word.length <= 5 && !idx.nameVocabulary.has(v))) continue
      if (agentNounOf(word, v) || negatedFormOf(word, v) || otherDerivationOf(word, v) || prefixedFormOf(word, v)) continue
      const d = editDistance(word, v, best ? Math.min(best.distance, budget) : budget)
      if (d <= budget && (!best || d < best.distance)) best = { word: v, distance: d }
    }
  }
  if (best) return best
  // "acquisition" for the layer's `acq`, "level" for `lvl`: the layer abbreviates, the question spells out
  const spelled = catalogAbbreviationOf(idx.nameVocabulary, word)
  return abbreviationOf(idx, word) ?? clippedWordOf(idx, word) ?? (spelled ? { word: spelled, distance: typoBudget(word) + 1 } : undefined)
}

/**
 * "interviewer" is not a typo of "interview", nor "recruiters" of "recruit":
 * a catalog word plus an agent-noun ending is another word (the person who
 * does it), and reading it as the catalog word answers another question.
 */
function agentNounOf(word: string, v: string): boolean {
  if (!word.startsWith(v)) return false
  const rest = word.slice(v.length)
  return ['er', 'ers', 'or', 'ors', 'ee', 'ees'].includes(rest) || (v.endsWith('e') && ['r', 'rs'].includes(rest))
}

/** Endings of a verb form and of the agent noun made from the same stem. */
const VERB_ENDINGS = new Set(['ed', 'd', 'ing'])
const AGENT_ENDINGS = new Set(['er', 'ers', 'or', 'ors', 'r', 'rs'])

/**
 * "started" is not a typo of "starter" (a plan), nor "trader" of "traded": two
 * words built on one stem, one a verb form and the other the agent noun, are
 * different words; the typo budget would otherwise join them and turn a verb
 * into a value filter.
 */
function otherDerivationOf(word: string, v: string): boolean {
  let i = 0
  while (i < word.length && i < v.length && word[i] === v[i]) i++
  if (i < 4) return false
  const a = word.slice(i)
  const b = v.slice(i)
  // "starte|d" / "starte|r": the stem's own final e stays in the shared part
  return (VERB_ENDINGS.has(a) && AGENT_ENDINGS.has(b)) || (VERB_ENDINGS.has(b) && AGENT_ENDINGS.has(a))
}

/** "inactive" is not a typo of "active", nor "unpaid" of "paid": a negating prefix flips the meaning. */
function negatedFormOf(word: string, v: string): boolean {
  return ['in', 'un', 'non', 'dis', 'im', 'ir', 'il', 'de'].some((p) => word === p + v || v === p + word)
}

/**
 * "trevpar" is not a typo of "revpar", nor "tcost" of "cost": a letter put before a whole
 * catalog word makes another name (an acronym's extra initial), while typos fall inside a
 * word; a doubled first letter ("ssales") is still a typo.
 */
function prefixedFormOf(word: string, v: string): boolean {
  return word.length === v.length + 1 && word.slice(1) === v && word[0] !== word[1]
}

/**
 * "regn" for region, "chnl" for channel, "pmt" for payment: an abbreviation
 * keeps the first and last letters of a word and some letters between, in
 * order. Read only when exactly one metric or dimension word fits.
 */
function abbreviationOf(idx: CatalogIndex, word: string): { word: string; distance: number } | undefined {
  if (word.length < 3 || !/^[a-z]+$/.test(word) || isKnownWord(word)) return undefined
  let found: string | undefined
  for (const v of idx.nameVocabulary) {
    if (v.length <= word.length || v.length > word.length * 2.5 || v[0] !== word[0] || v[v.length - 1] !== word[word.length - 1]) continue
    let i = 0
    for (const ch of v) if (ch === word[i]) i++
    if (i < word.length) continue
    if (found && found !== v) return undefined // two words fit: not a reading
    found = v
  }
  return found ? { word: found, distance: typoBudget(word) + 1 } : undefined
}

/**
 * "occ" for occupancy: a hurried analyst clips a long word to its first letters. Read only when
 * exactly one metric or dimension word starts with the clip, and the clip is at least three
 * letters and leaves at least three out (a longer clip is within the typo budget anyway).
 */
function clippedWordOf(idx: CatalogIndex, word: string): { word: string; distance: number } | undefined {
  if (word.length < 3 || !/^[a-z]+$/.test(word) || isKnownWord(word)) return undefined
  let found: string | undefined
  for (const v of idx.nameVocabulary) {
    if (v.length < word.length + 3 || !v.startsWith(word)) continue
    if (found && found !== v) return undefined // two words start so: not a reading
    found = v
  }
  return found ? { word: found, distance: typoBudget(word) + 1 } : undefined
}

/** Metric and dimension names closest to some words, for "did you mean" suggestions. */
export function suggestNames(idx: CatalogIndex, words: string[], limit = 5): string[] {
  const scored = new Map<string, number>()
  const consider = (name: string, score: number) => {
    if (score > (scored.get(name) ?? 0)) scored.set(name, score)
  }
  const byWord = wordTargets(idx)
  for (const raw of words) {
    const w = raw.toLowerCase()
    const budget = Math.max(1, typoBudget(w))
    for (const [part, names] of byWord.names) {
      if (part.length < 3) continue
      const d = part === w ? 0 : (part.startsWith(w) || w.startsWith(part)) && Math.min(part.length, w.length) >= 4 ? 1 : editDistance(w, part, budget)
      if (d > budget) continue
      for (const [name, q] of names) consider(name, (1 - d / (budget + 1)) * q)
    }
    for (const h of idx.descriptionWords.get(w) ?? []) consider(h.target.name, 0.4)
  }
  return [...scored.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, limit).map(([n]) => n)
}

/** Dimension values closest to some words (for a filter that named an unknown value). */
export function suggestValues(idx: CatalogIndex, words: string[], limit = 5): string[] {
  const out = new Map<string, number>()
  const byWord = wordTargets(idx)
  for (const raw of words) {
    const w = raw.toLowerCase()
    const budget = Math.max(1, typoBudget(w))
    for (const [part, labels] of byWord.values) {
      const d = editDistance(w, part, budget)
      if (d > budget) continue
      for (const label of labels) out.set(label, Math.max(out.get(label) ?? 0, 1 - d / (budget + 1)))
    }
  }
  return [...out.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, limit).map(([n]) => n)
}

/** word → names (with best quality) and word → value labels; built on first error, then cached. */
const wordTargetCache = new WeakMap<CatalogIndex, { names: Map<string, Map<string, number>>; values: Map<string, Set<string>> }>()
function wordTargets(idx: CatalogIndex) {
  let t = wordTargetCache.get(idx)
  if (t) return t
  t = { names: new Map(), values: new Map() }
  for (const [key, hits] of idx.terms) {
    for (const part of key.split(' ')) {
      for (const h of hits) {
        if (h.target.kind === 'value') {
          if (h.source === 'partial value') continue
          const set = t.values.get(part) ?? new Set<string>()
          set.add(`${String(h.target.value)} (${h.target.name})`)
          t.values.set(part, set)
        } else {
          const m = t.names.get(part) ?? new Map<string, number>()
          m.set(h.target.name, Math.max(m.get(h.target.name) ?? 0, h.quality))
          t.names.set(part, m)
        }
      }
    }
  }
  wordTargetCache.set(idx, t)
  return t
}
