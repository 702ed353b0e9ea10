// An index over a manifest: models, measures, metrics, time spines, and the
// entity join graph. Enumerates what each semantic model can reach (its
// "linkable elements") following MetricFlow's rules: local elements are linked
// through the model's primary entity; joins go many-to-one or one-to-one only
// (the target's entity is primary, unique or natural), at most two hops.
import {
  SemanticError,
  type Dimension, type Entity, type Measure, type MeasureInput, type Metric, type MetricInput, type SemanticManifest,
  type SemanticModel, type TimeGrain, type TimeSpine, type ValueFormat,
} from './types'
import { METRIC_TIME, coarserGrain, formatQueryName, grainRank, isTimeGrain, parseQueryName, type ParsedName } from './names'
import { suggest } from './suggest'
import { conversionParamsProblem } from './conversion-params'

export const MAX_JOIN_HOPS = 2

export interface JoinHop {
  /** Entity joined on. */
  entity: string
  from: string
  to: string
}

export interface LinkableElement {
  kind: 'dimension' | 'time_dimension' | 'entity'
  element: string
  /** Entity links as written in query names. */
  entityPath: string[]
  /** Physical joins from the source model to the model holding the element. */
  hops: JoinHop[]
  /** Model holding the element. */
  model: string
  dimension?: Dimension
  entity?: Entity
}

export interface CustomGrain {
  name: string
  spine: TimeSpine
  column: string
}

const JOINABLE_TARGET = new Set(['primary', 'unique', 'natural'])

/** Names of the custom granularities the manifest's time spines define. */
export function customGranularityNames(manifest: SemanticManifest): Set<string> {
  const out = new Set<string>()
  for (const s of manifest.time_spines) for (const c of s.custom_granularities ?? []) out.add(c.name)
  return out
}

export function inputName(i: string | MeasureInput | MetricInput): string {
  return typeof i === 'string' ? i : i.name
}

export class SemanticGraph {
  readonly models = new Map<string, SemanticModel>()
  readonly metrics = new Map<string, Metric>()
  readonly customGrains = new Map<string, CustomGrain>()
  private readonly measures = new Map<string, { model: SemanticModel; measure: Measure }>()
  private readonly linkableCache = new Map<string, LinkableElement[]>()

  constructor(readonly manifest: SemanticManifest) {
    for (const m of manifest.semantic_models) {
      this.models.set(m.name, m)
      for (const measure of m.measures) this.measures.set(measure.name, { model: m, measure })
    }
    for (const m of manifest.metrics) this.metrics.set(m.name, m)
    for (const spine of manifest.time_spines) {
      for (const cg of spine.custom_granularities ?? []) {
        this.customGrains.set(cg.name, { name: cg.name, spine, column: cg.column_name ?? cg.name })
      }
    }
  }

  get customGrainNames(): Set<string> {
    return customGranularityNames(this.manifest)
  }

  parseName(name: string): ParsedName {
    return parseQueryName(name, this.customGrainNames)
  }

  model(name: string): SemanticModel {
    const m = this.models.get(name)
    if (!m) throw new SemanticError('invalid_model', `semantic model "${name}" does not exist`)
    return m
  }

  metric(name: string): Metric {
    const m = this.metrics.get(name)
    if (!m) {
      throw new SemanticError('unknown_metric', `unknown metric "${name}"`, [
        { path: 'metrics', issue: 'unknown_metric', suggestions: suggest(name, [...this.metrics.keys()]) },
      ])
    }
    return m
  }

  /** The metric's display format; a simple metric without one takes its measure's (dbt `meta.format` on measures). */
  metricFormat(name: string): ValueFormat | undefined {
    const m = this.metrics.get(name)
    if (!m) return undefined
    if (m.format || m.type !== 'simple' || !m.type_params.measure) return m.format
    const measureName = typeof m.type_params.measure === 'string' ? m.type_params.measure : m.type_params.measure.name
    return this.measures.get(measureName)?.measure.format
  }

  /**
   * The display format of a dimension reached through `entityPath`: the model
   * the last entity identifies owns it. Without a path (a local dimension) or
   * when that model is ambiguous, only a format every candidate agrees on counts.
   */
  dimensionFormat(entityPath: string[], element: string): ValueFormat | undefined {
    const entity = entityPath[entityPath.length - 1]
    const formats = new Set<string>()
    for (const model of this.models.values()) {
      if (entity !== undefined && !model.entities.some((e) => e.name === entity && e.type !== 'foreign')) continue
      const d = model.dimensions.find((x) => x.name === element)
      if (d) formats.add(JSON.stringify(d.format ?? null))
    }
    return formats.size === 1 ? (JSON.parse([...formats][0]) as ValueFormat | null) ?? undefined : undefined
  }

  measure(name: string): { model: SemanticModel; measure: Measure } {
    const m = this.measures.get(name)
    if (!m) throw new SemanticError('unknown_measure', `unknown measure "${name}"`, [
      { issue: 'unknown_measure', suggestions: suggest(name, [...this.measures.keys()]) },
    ])
    return m
  }

  /** The primary entity of a model: `primary_entity`, else its primary/natural entity. */
  primaryEntity(model: SemanticModel): string | undefined {
    return model.primary_entity ?? model.entities.find((e) => e.type === 'primary')?.name ?? model.entities.find((e) => e.type === 'natural')?.name
  }

  /** The time dimension a measure aggregates over (its metric_time). */
  aggTimeDimension(measureName: string): { model: SemanticModel; dimension: Dimension } {
    const { model, measure } = this.measure(measureName)
    const name = measure.agg_time_dimension ?? model.defaults?.agg_time_dimension
    const dimension = model.dimensions.find((d) => d.name === name && d.type === 'time')
    if (!dimension) {
      throw new SemanticError('invalid_model', `measure "${measureName}" has no agg_time_dimension in "${model.name}"`)
    }
    return { model, dimension }
  }

  dimensionGrain(d: Dimension): TimeGrain {
    return d.type_params?.time_granularity ?? 'day'
  }

  /** SCD validity window dimensions of a model, when it has them. */
  validityWindow(model: SemanticModel): { start: Dimension; end: Dimension } | undefined {
    const start = model.dimensions.find((d) => d.type_params?.validity_params?.is_start)
    const end = model.dimensions.find((d) => d.type_params?.validity_params?.is_end)
    return start && end ? { start, end } : undefined
  }

  /** All measures a metric reads, through ratio/derived inputs. */
  metricMeasures(name: string, seen = new Set<string>()): string[] {
    if (seen.has(name)) return []
    seen.add(name)
    const m = this.metric(name)
    const tp = m.type_params
    switch (m.type) {
      case 'simple':
      case 'cumulative':
        return tp.measure ? [inputName(tp.measure)] : []
      case 'conversion':
        // A malformed record has no measures here; compiling it says what is wrong.
        return tp.conversion_type_params && !conversionParamsProblem(tp.conversion_type_params)
          ? [inputName(tp.conversion_type_params.base_measure), inputName(tp.conversion_type_params.conversion_measure)] : []
      case 'ratio':
        return [tp.numerator, tp.denominator].filter((x): x is string | MetricInput => !!x).flatMap((x) => this.metricMeasures(inputName(x), seen))
      case 'derived':
        return (tp.metrics ?? []).flatMap((x) => this.metricMeasures(x.name, new Set(seen)))
    }
  }

  /**
   * Measures whose group-by items define what the metric can be grouped by:
   * for conversion metrics only the base measure (conversions are attributed to base events).
   */
  metricGroupingMeasures(name: string): string[] {
    const m = this.metric(name)
    if (m.type === 'conversion' && m.type_params.conversion_type_params && !conversionParamsProblem(m.type_params.conversion_type_params)) {
      return [inputName(m.type_params.conversion_type_params.base_measure)]
    }
    if (m.type === 'ratio' || m.type === 'derived') {
      const inputs = m.type === 'ratio' ? [m.type_params.numerator, m.type_params.denominator] : m.type_params.metrics ?? []
      return inputs.filter((x): x is string | MetricInput => !!x).flatMap((x) => this.metricGroupingMeasures(inputName(x)))
    }
    return this.metricMeasures(name)
  }

  /**
   * Default grain of metric_time for a metric: its `time_granularity`, else the
   * coarsest agg-time grain of its measures, never finer than a day.
   */
  metricDefaultGrain(name: string): TimeGrain {
    const m = this.metric(name)
    if (m.time_granularity) return m.time_granularity
    let grain: TimeGrain = 'day'
    for (const measure of this.metricMeasures(name)) {
      grain = coarserGrain(grain, this.dimensionGrain(this.aggTimeDimension(measure).dimension))
    }
    return grain
  }

  /** Finest grain at which metric_time can be queried for a metric. */
  metricMinGrain(name: string): TimeGrain {
    let grain: TimeGrain = 'nanosecond'
    for (const measure of this.metricMeasures(name)) {
      grain = coarserGrain(grain, this.dimensionGrain(this.aggTimeDimension(measure).dimension))
    }
    return grain
  }

  // ---------------------------------------------------------------- join graph

  private elementsOf(model: SemanticModel, entityPath: string[], hops: JoinHop[], exclude?: string): LinkableElement[] {
    const out: LinkableElement[] = []
    for (const d of model.dimensions) {
      out.push({ kind: d.type === 'time' ? 'time_dimension' : 'dimension', element: d.name, entityPath, hops, model: model.name, dimension: d })
    }
    for (const e of model.entities) {
      if (e.name === exclude) continue
      out.push({ kind: 'entity', element: e.name, entityPath, hops, model: model.name, entity: e })
    }
    return out
  }

  private entityIndex?: Map<string, Array<{ model: SemanticModel; entity: Entity }>>

  /**
   * The models holding an entity of this name, in model order, each with its
   * first entity of that name. Indexed once: a catalog walks the joins of
   * every model, and scanning all models per step cost models squared.
   */
  private holdersOf(entity: string): ReadonlyArray<{ model: SemanticModel; entity: Entity }> {
    if (!this.entityIndex) {
      const index = new Map<string, Array<{ model: SemanticModel; entity: Entity }>>()
      for (const t of this.models.values()) {
        const seen = new Set<string>()
        for (const te of t.entities) {
          if (seen.has(te.name)) continue
          seen.add(te.name)
          const list = index.get(te.name)
          if (list) list.push({ model: t, entity: te })
          else index.set(te.name, [{ model: t, entity: te }])
        }
      }
      this.entityIndex = index
    }
    return this.entityIndex.get(entity) ?? []
  }

  /** Models reachable from `model` by one many-to-one/one-to-one join, with the entity used. */
  joinTargets(model: SemanticModel): Array<{ entity: string; target: SemanticModel }> {
    const out: Array<{ entity: string; target: SemanticModel }> = []
    for (const e of model.entities) {
      for (const { model: t, entity: te } of this.holdersOf(e.name)) {
        if (t === model) continue
        if (JOINABLE_TARGET.has(te.type)) out.push({ entity: e.name, target: t })
      }
    }
    return out
  }

  /**
   * How many linkable elements all models have together (what a catalog
   * builds: linkableElements of every model), counted without building them
   * and given up on past `limit` (then some number above it). Joins multiply:
   * a few hundred models sharing two keys reach millions of two-hop paths.
   */
  linkableCount(limit: number): number {
    let n = 0
    // Each path counts at least once, so a walk over paths that reach nothing still ends at the limit.
    const reach = (model: SemanticModel, exclude: string) => 1 + model.dimensions.length + model.entities.filter((e) => e.name !== exclude).length
    for (const s of this.models.values()) {
      n += s.entities.length + s.dimensions.length + s.entities.length
      for (const hop1 of this.joinTargets(s)) {
        n += reach(hop1.target, hop1.entity)
        if (n > limit) return n
        if (MAX_JOIN_HOPS < 2) continue
        for (const hop2 of this.joinTargets(hop1.target)) {
          if (hop2.target === s || hop2.entity === hop1.entity) continue
          n += reach(hop2.target, hop2.entity)
          if (n > limit) return n
        }
      }
      if (n > limit) return n
    }
    return n
  }

  /** Every element a query from `sourceModel` can group or filter by (cached). */
  linkableElements(sourceModel: string): LinkableElement[] {
    const cached = this.linkableCache.get(sourceModel)
    if (cached) return cached
    const s = this.model(sourceModel)
    const out: LinkableElement[] = []
    const primary = this.primaryEntity(s)
    for (const e of s.entities) out.push({ kind: 'entity', element: e.name, entityPath: [], hops: [], model: s.name, entity: e })
    if (primary) out.push(...this.elementsOf(s, [primary], [], primary))
    for (const hop1 of this.joinTargets(s)) {
      const h1: JoinHop = { entity: hop1.entity, from: s.name, to: hop1.target.name }
      out.push(...this.elementsOf(hop1.target, [hop1.entity], [h1], hop1.entity))
      if (MAX_JOIN_HOPS < 2) continue
      for (const hop2 of this.joinTargets(hop1.target)) {
        if (hop2.target === s || hop2.entity === hop1.entity) continue
        const h2: JoinHop = { entity: hop2.entity, from: hop1.target.name, to: hop2.target.name }
        out.push(...this.elementsOf(hop2.target, [hop1.entity, hop2.entity], [h1, h2], hop2.entity))
      }
    }
    this.linkableCache.set(sourceModel, out)
    return out
  }

  /**
   * Resolves a parsed name (not metric_time) from a source model. Entity links
   * given by the user may be a suffix of the full path (`user__x` finds
   * `listing__user__x`); the shortest matching path wins.
   */
  resolveElement(sourceModel: string, parsed: ParsedName, wantTime: boolean): LinkableElement | undefined {
    const all = this.linkableElements(sourceModel)
    const n = parsed.entityPath.length
    const matches = all.filter((el) => {
      if (el.element !== parsed.element) return false
      if (wantTime && el.kind !== 'time_dimension') return false
      if (el.entityPath.length < n) return false
      return el.entityPath.slice(el.entityPath.length - n).join('/') === parsed.entityPath.join('/')
    })
    if (matches.length === 0) return undefined
    const shortest = Math.min(...matches.map((m) => m.entityPath.length))
    const best = matches.filter((m) => m.entityPath.length === shortest)
    const distinct = new Map(best.map((m) => [`${m.entityPath.join('__')}|${m.model}|${m.kind}`, m]))
    if (distinct.size > 1) {
      const options = [...distinct.values()].map((m) => formatQueryName({ entityPath: m.entityPath, element: m.element }))
      const models = [...distinct.values()].map((m) => m.model)
      throw new SemanticError('invalid_query', `"${formatQueryName(parsed)}" is ambiguous: it exists in ${models.join(' and ')}; qualify it with an entity path`, [
        { path: formatQueryName(parsed), issue: 'ambiguous', suggestions: [...new Set(options)] },
      ])
    }
    return best[0]
  }

  /**
   * When `parsed` is not reachable, looks for a path that would need a
   * one-to-many join (the target holds the entity only as foreign) and names it.
   */
  fanOutPath(sourceModel: string, parsed: ParsedName): string | undefined {
    const s = this.model(sourceModel)
    const visit = (model: SemanticModel, path: string[], trail: string[], depth: number): string | undefined => {
      for (const e of model.entities) {
        for (const { model: t, entity: te } of this.holdersOf(e.name)) {
          if (t === model || t === s) continue
          const fanOut = !JOINABLE_TARGET.has(te.type)
          const newPath = [...path, e.name]
          const matchesPath = parsed.entityPath.length === 0 || newPath.slice(-parsed.entityPath.length).join('/') === parsed.entityPath.join('/')
          const hasElement = t.dimensions.some((d) => d.name === parsed.element) || t.entities.some((x) => x.name === parsed.element && x.name !== e.name)
          const step = `${model.name} -> ${t.name} on ${e.name}${fanOut ? ` (${e.name} is ${te.type} in ${t.name}: one-to-many)` : ''}`
          if (fanOut && matchesPath && hasElement) return [...trail, step].join(', ')
          if (depth + 1 < MAX_JOIN_HOPS) {
            const deeper = visit(t, newPath, [...trail, step], depth + 1)
            if (deeper && (fanOut || deeper.includes('one-to-many'))) return deeper
          }
        }
      }
      return undefined
    }
    return visit(s, [], [], 0)
  }

  /** Query names (without grain) reachable from a model, for suggestions and the catalog. */
  queryNames(sourceModel: string, withMetricTime: boolean): string[] {
    const names = new Set<string>()
    if (withMetricTime) names.add(METRIC_TIME)
    for (const el of this.linkableElements(sourceModel)) names.add(formatQueryName(el))
    return [...names]
  }

  // ---------------------------------------------------------------- time spines

  /** The time spine to use for a grain: the coarsest spine whose grain is at most `grain`. */
  timeSpineFor(grain: TimeGrain): TimeSpine {
    let best: TimeSpine | undefined
    for (const s of this.manifest.time_spines) {
      const g = s.primary_column.time_granularity
      if (grainRank(g) > grainRank(grain)) continue
      if (!best || grainRank(g) > grainRank(best.primary_column.time_granularity)) best = s
    }
    if (!best) {
      throw new SemanticError('invalid_model', `no time spine with a grain of ${grain} or finer is configured (declare a dbt model with time_spine: {standard_granularity_column: ...}, or a metricflow_time_spine model)`)
    }
    return best
  }

  isGrainName(s: string): boolean {
    return isTimeGrain(s) || this.customGrains.has(s)
  }
}
