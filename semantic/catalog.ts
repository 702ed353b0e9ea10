// The planner-facing view of a manifest: each metric with the query names it can
// be grouped or filtered by (through entity joins, multi-hop), and one entry per
// query name with labels, synonyms, sample values, grain and value type.
import type { Catalog, CatalogDimension, CatalogMetric, CatalogSavedQuery, Dimension, Metric, SemanticManifest, TimeGrain } from './types'
import { applySavedQuery } from './compiler/compile'
import { SemanticGraph, type LinkableElement } from './graph'
import { METRIC_TIME, finerGrain, formatQueryName } from './names'

/**
 * Longest sample value a planner sees. Values are for spotting a value the
 * question names ("in Texas"); a longer one is prose or a blob, never typed in a
 * question, and the offline index's work grows with every word of every value
 * (200 values of 30 KB each held the event loop for 20 s a question).
 */
export const MAX_SAMPLE_VALUE_CHARS = 200

const plannerValue = (v: string | number | boolean) => typeof v !== 'string' || v.length <= MAX_SAMPLE_VALUE_CHARS

function valueType(d: Dimension): CatalogDimension['value_type'] {
  const samples = d.sample_values ?? []
  if (samples.length > 0) {
    if (samples.every((s) => typeof s === 'boolean')) return 'boolean'
    if (samples.every((s) => typeof s === 'number')) return 'number'
    return 'string'
  }
  // Without samples, MetricFlow naming conventions are the best hint.
  if (/^(is|has|was|can|should)_/.test(d.name)) return 'boolean'
  return undefined
}

/**
 * What a planner reads of a label, description and synonyms: at most what the
 * API's own routes accept (200, 4,000, 50 x 200 characters). An import takes
 * longer ones, but the offline index relates every description word to every
 * sample value: a 800 KB description over 1,000 values held the event loop 5 s.
 */
export const PLANNER_TEXT_LIMITS = { label: 200, description: 4000, synonyms: 50, synonym: 200 }

function plannerFields<T extends { label?: string; description?: string; synonyms?: string[] }>(src: T): Pick<T, 'label' | 'description' | 'synonyms'> {
  const out: Pick<T, 'label' | 'description' | 'synonyms'> = {} as Pick<T, 'label' | 'description' | 'synonyms'>
  if (src.label !== undefined) out.label = src.label.slice(0, PLANNER_TEXT_LIMITS.label)
  if (src.description !== undefined) out.description = src.description.slice(0, PLANNER_TEXT_LIMITS.description)
  const synonyms = (src.synonyms ?? []).filter((x) => x.length <= PLANNER_TEXT_LIMITS.synonym).slice(0, PLANNER_TEXT_LIMITS.synonyms)
  if (synonyms.length > 0) out.synonyms = synonyms
  return out
}

function dimensionEntry(el: LinkableElement, graph: SemanticGraph, modelDescriptions: Map<string, string>): CatalogDimension {
  const name = formatQueryName({ entityPath: el.entityPath, element: el.element })
  if (el.kind === 'entity' && el.entity) {
    const fields = plannerFields(el.entity)
    // an entity without a description of its own is what its model's rows are ("Loan officers, one row per officer")
    const inherited = fields.description === undefined ? modelDescriptions.get(el.entity.name) : undefined
    return { name, type: 'entity', ...fields, ...(inherited !== undefined ? { description: inherited } : {}) }
  }
  const d = el.dimension!
  const entry: CatalogDimension = { name, type: d.type === 'time' ? 'time' : 'categorical', ...plannerFields(d) }
  if (d.type === 'time') entry.grain = graph.dimensionGrain(d)
  else {
    const vt = valueType(d)
    if (vt) entry.value_type = vt
    const samples = (d.sample_values ?? []).filter(plannerValue)
    if (samples.length > 0) entry.sample_values = samples
  }
  return entry
}

/** Builds the catalog; output order is deterministic (manifest order, then name). */
export function buildCatalog(manifest: SemanticManifest): Catalog {
  const graph = new SemanticGraph(manifest)
  const dimensions = new Map<string, CatalogDimension>()
  const modelDescriptions = primaryModelDescriptions(manifest, graph)
  let metricTimeGrain: TimeGrain | undefined

  const namesByModel = new Map<string, string[]>()
  const namesFor = (model: string): string[] => {
    let names = namesByModel.get(model)
    if (!names) {
      names = []
      for (const el of graph.linkableElements(model)) {
        const entry = dimensionEntry(el, graph, modelDescriptions)
        if (!dimensions.has(entry.name)) dimensions.set(entry.name, entry)
        names.push(entry.name)
      }
      names = [...new Set(names)]
      namesByModel.set(model, names)
    }
    return names
  }

  const metrics: CatalogMetric[] = []
  for (const metric of manifest.metrics) {
    let available: Set<string> | undefined
    let ok = true
    try {
      for (const measure of graph.metricGroupingMeasures(metric.name)) {
        const { model } = graph.measure(measure)
        const names = new Set([METRIC_TIME, ...namesFor(model.name)])
        available = available ? new Set([...available].filter((n) => names.has(n))) : names
        const grain = graph.metricMinGrain(metric.name)
        metricTimeGrain = metricTimeGrain ? finerGrain(metricTimeGrain, grain) : grain
      }
    } catch {
      // A metric whose definition is broken stays listed, with nothing to group by.
      ok = false
    }
    const entry: CatalogMetric = {
      name: metric.name,
      type: metric.type,
      ...plannerFields(metric),
      ...measureDescription(metric, graph),
      dimensions: ok && available ? [...available].sort(sortNames) : [],
    }
    const format = graph.metricFormat(metric.name)
    if (format) entry.format = format
    metrics.push(entry)
  }
  for (const model of manifest.semantic_models) namesFor(model.name)

  const out: CatalogDimension[] = []
  if (metrics.length > 0 || manifest.time_spines.length > 0) {
    out.push({ name: METRIC_TIME, type: 'time', grain: metricTimeGrain ?? 'day', label: 'Metric time', description: 'The time each metric is aggregated over (its agg_time_dimension).' })
  }
  out.push(...[...dimensions.values()].sort((a, b) => sortNames(a.name, b.name)))
  const catalog: Catalog = { metrics, dimensions: out }
  const saved = savedQueries(manifest)
  if (saved.length > 0) catalog.saved_queries = saved
  return catalog
}

/** Each entity that is the primary entity of exactly one described model, with that model's description. */
function primaryModelDescriptions(manifest: SemanticManifest, graph: SemanticGraph): Map<string, string> {
  const out = new Map<string, string>()
  const seen = new Set<string>()
  for (const model of manifest.semantic_models) {
    const primary = graph.primaryEntity(model)
    if (!primary) continue
    if (seen.has(primary)) out.delete(primary)
    else if (model.description) out.set(primary, model.description.slice(0, PLANNER_TEXT_LIMITS.description))
    seen.add(primary)
  }
  return out
}

/**
 * A simple metric with no description of its own is described by its measure's: a dbt
 * project often documents the measure (where the column is) and leaves the metric bare.
 * A filtered metric counts only part of what its measure describes, so it keeps none.
 */
function measureDescription(metric: Metric, graph: SemanticGraph): { description?: string } {
  const input = metric.type_params.measure
  if (metric.description !== undefined || metric.type !== 'simple' || !input) return {}
  if (metric.filter !== undefined || (typeof input !== 'string' && input.filter !== undefined)) return {}
  const name = typeof input === 'string' ? input : input.name
  try {
    const description = graph.measure(name).measure.description
    return description ? { description } : {}
  } catch {
    return {} // an unknown measure: the metric is listed as broken elsewhere
  }
}

/** Each saved query with the query it runs; one whose items do not parse is left out. */
function savedQueries(manifest: SemanticManifest): CatalogSavedQuery[] {
  const out: CatalogSavedQuery[] = []
  for (const sq of manifest.saved_queries) {
    try {
      const query = applySavedQuery(manifest, { metrics: [], saved_query: sq.name })
      if (query.where?.length === 0) delete query.where
      if (query.group_by?.length === 0) delete query.group_by
      if (query.order_by?.length === 0) delete query.order_by
      out.push({ name: sq.name, ...plannerFields(sq), query })
    } catch {
      // listed nowhere for planners; running it by name reports the problem
    }
  }
  return out
}

/** metric_time first, then shorter entity paths, then alphabetical. */
function sortNames(a: string, b: string): number {
  if (a === METRIC_TIME) return -1
  if (b === METRIC_TIME) return 1
  const da = a.split('__').length
  const db = b.split('__').length
  return da - db || a.localeCompare(b)
}
