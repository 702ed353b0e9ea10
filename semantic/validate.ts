// Referential checks of a manifest without a database: every reference points
// at something that exists, names are unique, metric graphs have no cycles.
import type { Measure, MeasureInput, Metric, MetricInput, SemanticManifest, SemanticModel } from './types'
import { SemanticGraph, customGranularityNames } from './graph'
import { METRIC_TIME, formatQueryName, parseWindow } from './names'
import { suggest } from './suggest'
import { filterList, parseWhereFilter } from './where-filter'
import { sqlFragmentProblem } from './sql-fragment'
import { conversionParamsProblem } from './conversion-params'
import { MAX_METRIC_EXPANSION, oversizedMetrics } from './metric-expansion'

export interface ManifestProblem {
  /** Path inside the manifest, e.g. `semantic_models[2].measures[0].agg_time_dimension`. */
  path: string
  message: string
  /** The manifest object the problem is about (and its field), for locating it in source files. */
  at?: { object: object; field?: string }
}

function inputName(i: string | MeasureInput | MetricInput | undefined): string | undefined {
  return typeof i === 'string' ? i : i?.name
}

/** Checks references and uniqueness; returns every problem found (empty when valid). */
/**
 * The most one layer may hold. Its catalog and the planner's index of it are built on the
 * event loop when it is first asked after a change (about a millisecond a metric on a
 * 2-core VM: 2,000 metrics stalled every tenant's requests for two seconds, the 4,000 that
 * fit in one request body for far longer), so a layer is bounded far above real dbt
 * projects' and far below seconds of CPU.
 */
export const MAX_LAYER_METRICS = 1000
export const MAX_LAYER_DIMENSIONS = 2000
/**
 * Elements the models reach through their joins, all models together (each
 * model's own, one and two hops away). Joins multiply: 150 models sharing two
 * keys (20 KB of YAML) reached millions, and the first question built them all
 * (7 s and gigabytes; 300 such models took the process down).
 */
export const MAX_LAYER_LINKABLE = 200_000

export function validateManifest(manifest: SemanticManifest): ManifestProblem[] {
  const problems: ManifestProblem[] = []
  const add = (path: string, message: string, object?: object, field?: string) =>
    problems.push({ path, message, ...(object ? { at: { object, ...(field ? { field } : {}) } } : {}) })
  // Before any check that walks the layer: an oversized one costs nothing more.
  const dimensions = manifest.semantic_models.reduce((n, m) => n + (m.dimensions?.length ?? 0), 0)
  if (manifest.metrics.length > MAX_LAYER_METRICS) add('metrics', `the layer has ${manifest.metrics.length} metrics; at most ${MAX_LAYER_METRICS} are allowed`)
  if (dimensions > MAX_LAYER_DIMENSIONS) add('semantic_models', `the layer has ${dimensions} dimensions; at most ${MAX_LAYER_DIMENSIONS} are allowed`)
  if (problems.length) return problems
  const linkable = new SemanticGraph(manifest).linkableCount(MAX_LAYER_LINKABLE)
  if (linkable > MAX_LAYER_LINKABLE) {
    add('semantic_models', `the models' joins reach more than ${MAX_LAYER_LINKABLE} dimensions and entities in all (one and two hops from each model); `
      + 'at most that many are allowed: link fewer models through the same entity')
    return problems
  }
  /** ` (did you mean a, b?)` when close names exist. */
  const didYouMean = (name: string, candidates: Iterable<string>) => {
    const s = suggest(name, [...candidates])
    return s.length ? ` (did you mean ${s.slice(0, 3).join(', ')}?)` : ''
  }

  const customGrains = customGranularityNames(manifest)
  const modelsByName = new Map<string, SemanticModel>()
  const measureOwner = new Map<string, { model: SemanticModel; measure: Measure }>()

  manifest.semantic_models.forEach((sm, i) => {
    const path = `semantic_models[${i}]`
    if (modelsByName.has(sm.name)) add(path, `semantic model "${sm.name}" is defined more than once`, sm, 'name')
    modelsByName.set(sm.name, sm)
    if (!sm.node_relation.alias) add(`${path}.node_relation`, `semantic model "${sm.name}" has no table (node_relation.alias)`, sm, 'node_relation')

    const elementNames = new Map<string, string>()
    const checkUnique = (kind: string, name: string, p: string, obj: object) => {
      const prev = elementNames.get(name)
      if (prev) add(p, `${kind} "${name}" in semantic model "${sm.name}" has the same name as a ${prev}`, obj, 'name')
      else elementNames.set(name, kind)
    }
    sm.entities.forEach((e, j) => checkUnique('entity', e.name, `${path}.entities[${j}]`, e))
    sm.dimensions.forEach((d, j) => checkUnique('dimension', d.name, `${path}.dimensions[${j}]`, d))
    const checkExpr = (kind: string, el: { name: string; expr?: string }, p: string) => {
      const problem = el.expr === undefined ? null : sqlFragmentProblem(el.expr)
      if (problem) add(`${p}.expr`, `the expr of ${kind} "${el.name}" is not a single SQL expression: ${problem}`, el, 'expr')
    }
    sm.entities.forEach((e, j) => checkExpr('entity', e, `${path}.entities[${j}]`))
    sm.dimensions.forEach((d, j) => checkExpr('dimension', d, `${path}.dimensions[${j}]`))
    sm.measures.forEach((m, j) => checkExpr('measure', m, `${path}.measures[${j}]`))

    const hasPrimary = sm.primary_entity !== undefined || sm.entities.some((e) => e.type === 'primary' || e.type === 'natural')
    if (sm.dimensions.length > 0 && !hasPrimary) {
      add(path, `semantic model "${sm.name}" has dimensions but no primary entity (set primary_entity or add an entity of type primary)`, sm)
    }
    if (sm.primary_entity !== undefined) {
      const clash = sm.entities.find((e) => e.name === sm.primary_entity && e.type !== 'primary' && e.type !== 'natural' && e.type !== 'unique')
      if (clash) add(`${path}.primary_entity`, `primary_entity "${sm.primary_entity}" names a ${clash.type} entity of "${sm.name}"`, sm, 'primary_entity')
    }
    const timeDims = new Set(sm.dimensions.filter((d) => d.type === 'time').map((d) => d.name))
    if (sm.defaults?.agg_time_dimension !== undefined && !timeDims.has(sm.defaults.agg_time_dimension)) {
      add(`${path}.defaults.agg_time_dimension`, `agg_time_dimension "${sm.defaults.agg_time_dimension}" is not a time dimension of "${sm.name}"${didYouMean(sm.defaults.agg_time_dimension, timeDims)}`, sm, 'defaults.agg_time_dimension')
    }
    const natural = sm.entities.find((e) => e.type === 'natural')
    if (natural && !sm.dimensions.some((d) => d.type_params?.validity_params)) {
      // A natural key repeats across versions: without a validity window, joining on it would multiply rows.
      add(path, `semantic model "${sm.name}" has the natural entity "${natural.name}" but no validity window (time dimensions with validity_params is_start / is_end)`, sm)
    }
    const validity = sm.dimensions.filter((d) => d.type_params?.validity_params)
    const starts = validity.filter((d) => d.type_params?.validity_params?.is_start)
    const ends = validity.filter((d) => d.type_params?.validity_params?.is_end)
    if (starts.length > 1 || ends.length > 1 || (validity.length > 0 && (starts.length !== 1 || ends.length !== 1))) {
      add(path, `semantic model "${sm.name}" needs exactly one validity start and one validity end dimension`, sm)
    }

    const entityNames = new Set(sm.entities.map((e) => e.name))
    sm.measures.forEach((m, j) => {
      const mp = `${path}.measures[${j}]`
      const prev = measureOwner.get(m.name)
      if (prev) add(mp, `measure "${m.name}" is defined in both "${prev.model.name}" and "${sm.name}" (measure names must be unique)`, m, 'name')
      else measureOwner.set(m.name, { model: sm, measure: m })
      const aggTime = m.agg_time_dimension ?? sm.defaults?.agg_time_dimension
      if (aggTime === undefined) {
        add(mp, `measure "${m.name}" has no agg_time_dimension (set it on the measure or in defaults.agg_time_dimension)`, m)
      } else if (!timeDims.has(aggTime)) {
        if (m.agg_time_dimension !== undefined) add(`${mp}.agg_time_dimension`, `agg_time_dimension "${aggTime}" is not a time dimension of "${sm.name}"${didYouMean(aggTime, timeDims)}`, m, 'agg_time_dimension')
      }
      const nad = m.non_additive_dimension
      if (nad) {
        if (!timeDims.has(nad.name)) add(`${mp}.non_additive_dimension.name`, `non_additive_dimension "${nad.name}" is not a time dimension of "${sm.name}"${didYouMean(nad.name, timeDims)}`, m, 'non_additive_dimension.name')
        nad.window_groupings?.forEach((g, k) => {
          if (!entityNames.has(g)) add(`${mp}.non_additive_dimension.window_groupings[${k}]`, `window grouping "${g}" is not an entity of "${sm.name}"${didYouMean(g, entityNames)}`, m, `non_additive_dimension.window_groupings[${k}]`)
        })
      }
    })
  })

  // ---------------------------------------------------------------- metrics
  const metricsByName = new Map<string, Metric>()
  manifest.metrics.forEach((m, i) => {
    if (metricsByName.has(m.name)) add(`metrics[${i}]`, `metric "${m.name}" is defined more than once`, m, 'name')
    metricsByName.set(m.name, m)
  })

  let needsTimeSpine = false
  const checkMeasure = (ref: string | MeasureInput | undefined, path: string, owner: object, field: string) => {
    const name = inputName(ref)
    if (name === undefined) return
    if (!measureOwner.has(name)) add(path, `measure "${name}" does not exist${didYouMean(name, measureOwner.keys())}`, owner, field)
    if (typeof ref === 'object' && ref.join_to_timespine) needsTimeSpine = true
  }
  // A ratio's numerator and denominator may be a bare name (MetricFlow's short form) or an input object.
  const checkMetricRef = (input: string | MetricInput | undefined, path: string, owner: object, field: string) => {
    if (!input) return
    const ref: MetricInput = typeof input === 'string' ? { name: input } : input
    if (typeof ref.name !== 'string') { add(path, 'a metric input needs a name', owner, field); return }
    if (!metricsByName.has(ref.name)) add(path, `metric "${ref.name}" does not exist${didYouMean(ref.name, metricsByName.keys())}`, owner, field)
    if (ref.offset_window !== undefined) {
      needsTimeSpine = true
      if (!parseWindow(ref.offset_window, customGrains)) add(`${path}.offset_window`, `"${ref.offset_window}" is not a time window like "7 days"`, owner, `${field}.offset_window`)
    }
    if (ref.offset_to_grain !== undefined) needsTimeSpine = true
  }
  const checkFilters = (f: string | string[] | undefined, path: string, owner: object, field: string) => {
    filterList(f).forEach((text) => {
      try { parseWhereFilter(text) } catch (err) { add(path, (err as Error).message, owner, field) }
    })
  }

  manifest.metrics.forEach((m, i) => {
    const path = `metrics[${i}]`
    const tp = m.type_params
    checkFilters(m.filter, `${path}.filter`, m, 'filter')
    switch (m.type) {
      case 'simple':
        checkMeasure(tp.measure, `${path}.type_params.measure`, m, 'type_params.measure')
        if (tp.join_to_timespine) needsTimeSpine = true
        break
      case 'cumulative': {
        checkMeasure(tp.measure, `${path}.type_params.measure`, m, 'type_params.measure')
        needsTimeSpine = true
        const w = tp.cumulative_type_params?.window ?? tp.window
        if (w !== undefined && !parseWindow(w, customGrains)) add(`${path}.type_params.window`, `"${w}" is not a time window like "7 days"`, m, 'type_params.cumulative_type_params.window')
        break
      }
      case 'ratio':
        checkMetricRef(tp.numerator as string | MetricInput | undefined, `${path}.type_params.numerator`, m, 'type_params.numerator')
        checkMetricRef(tp.denominator as string | MetricInput | undefined, `${path}.type_params.denominator`, m, 'type_params.denominator')
        break
      case 'derived': {
        const exprProblem = tp.expr === undefined ? null : sqlFragmentProblem(tp.expr)
        if (exprProblem) add(`${path}.type_params.expr`, `the expr of metric "${m.name}" is not a single SQL expression: ${exprProblem}`, m, 'type_params.expr')
        const seen = new Set<string>()
        ;(tp.metrics ?? []).forEach((mi, j) => {
          checkMetricRef(mi, `${path}.type_params.metrics[${j}]`, mi, 'name')
          const alias = mi.alias ?? mi.name
          if (seen.has(alias)) add(`${path}.type_params.metrics[${j}]`, `input "${alias}" appears twice in derived metric "${m.name}" (give one an alias)`, mi)
          seen.add(alias)
        })
        if ((tp.metrics ?? []).length === 0) add(`${path}.type_params.metrics`, `derived metric "${m.name}" has no input metrics`, m, 'type_params.metrics')
        break
      }
      case 'conversion': {
        const c = tp.conversion_type_params
        const shape = conversionParamsProblem(c)
        if (shape || !c) {
          add(`${path}.type_params.conversion_type_params`, `conversion metric "${m.name}": ${shape}`, m, 'type_params.conversion_type_params')
          break
        }
        checkMeasure(c.base_measure, `${path}.type_params.conversion_type_params.base_measure`, m, 'type_params.conversion_type_params.base_measure')
        checkMeasure(c.conversion_measure, `${path}.type_params.conversion_type_params.conversion_measure`, m, 'type_params.conversion_type_params.conversion_measure')
        for (const [which, ref] of [['base_measure', c.base_measure], ['conversion_measure', c.conversion_measure]] as const) {
          const owner = measureOwner.get(inputName(ref) ?? '')
          if (owner && !owner.model.entities.some((e) => e.name === c.entity)) {
            add(`${path}.type_params.conversion_type_params.entity`, `entity "${c.entity}" is not in "${owner.model.name}", the model of the ${which.replace('_', ' ')}${didYouMean(c.entity, owner.model.entities.map((e) => e.name))}`, m, 'type_params.conversion_type_params.entity')
          }
        }
        if (c.window !== undefined && !parseWindow(c.window, customGrains)) add(`${path}.type_params.conversion_type_params.window`, `"${c.window}" is not a time window like "7 days"`, m, 'type_params.conversion_type_params.window')
        break
      }
    }
  })

  // Cycles through derived/ratio inputs would recurse forever at compile time.
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (name: string, trail: string[]): void => {
    const m = metricsByName.get(name)
    if (!m || state.get(name) === 'done') return
    if (state.get(name) === 'visiting') {
      const idx = manifest.metrics.indexOf(m)
      add(`metrics[${idx}]`, `metric "${name}" depends on itself: ${[...trail, name].join(' -> ')}`, m, 'type_params')
      return
    }
    state.set(name, 'visiting')
    const inputs = m.type === 'derived' ? (m.type_params.metrics ?? []).map((x) => x.name)
      : m.type === 'ratio' ? [inputName(m.type_params.numerator), inputName(m.type_params.denominator)].filter((x): x is string => !!x)
        : []
    for (const i of inputs) visit(i, [...trail, name])
    state.set(name, 'done')
  }
  for (const m of manifest.metrics) visit(m.name, [])
  // Inputs read more than once compile once per path: a few levels of that is an exponential query.
  if (problems.length === 0) {
    for (const { name, size } of oversizedMetrics(manifest, manifest.metrics.map((m) => m.name))) {
      const m = metricsByName.get(name)!
      add(`metrics[${manifest.metrics.indexOf(m)}]`, Number.isFinite(size)
        ? `metric "${name}" expands to ${size < 1e9 ? size : 'too many'} metric inputs once its derived and ratio inputs and Metric() filters are followed; at most ${MAX_METRIC_EXPANSION} are allowed`
        : `metric "${name}" depends on itself through the Metric() filters of it or its inputs`, m, 'type_params')
    }
  }

  // Filter templates must name things the metric can reach (only when the references above hold).
  if (problems.length === 0) checkFilterReferences(manifest, add)

  if (needsTimeSpine && manifest.time_spines.length === 0) {
    add('time_spines', 'metrics use cumulative windows, offsets or join_to_timespine but the project has no time spine: add a dbt model with `time_spine: {standard_granularity_column: date_day}` and a `granularity: day` column (dbt 1.9+), or a `metricflow_time_spine` model with a `date_day` column')
  }

  manifest.saved_queries.forEach((q, i) => {
    q.query_params.metrics.forEach((name, j) => {
      if (!metricsByName.has(name)) add(`saved_queries[${i}].query_params.metrics[${j}]`, `metric "${name}" does not exist${didYouMean(name, metricsByName.keys())}`, q, `query_params.metrics[${j}]`)
    })
    checkFilters(q.query_params.where, `saved_queries[${i}].query_params.where`, q, 'query_params.where')
  })
  return problems
}

type AddProblem = (path: string, message: string, object?: object, field?: string) => void

/** Every Dimension/TimeDimension/Entity/Metric in a metric's filters must resolve from the models it reads. */
function checkFilterReferences(manifest: SemanticManifest, add: AddProblem): void {
  const graph = new SemanticGraph(manifest)
  manifest.metrics.forEach((m, i) => {
    let sources: string[]
    try {
      sources = [...new Set(graph.metricGroupingMeasures(m.name).map((x) => graph.measure(x).model.name))]
    } catch {
      return
    }
    const check = (texts: string | string[] | undefined, models: string[], path: string, owner: object, field: string) => {
      for (const text of filterList(texts)) {
        let parsed
        try {
          parsed = parseWhereFilter(text)
        } catch {
          continue // reported by checkFilters
        }
        for (const ref of parsed.refs) {
          if (ref.kind === 'metric') {
            if (!graph.metrics.has(ref.name)) add(path, `filter "${text}" of metric "${m.name}" uses unknown metric "${ref.name}"`, owner, field)
            continue
          }
          const name = graph.parseName(ref.name)
          name.entityPath = [...ref.entityPath, ...name.entityPath]
          if (name.element === METRIC_TIME && name.entityPath.length === 0) continue
          const wantTime = ref.kind === 'time_dimension' || name.grain !== undefined || name.datePart !== undefined
          for (const model of models) {
            let found
            try {
              found = graph.resolveElement(model, name, wantTime)
            } catch {
              found = true // ambiguous names are reported at query time, with the choices
            }
            if (found) continue
            const suggestions = suggest(formatQueryName({ entityPath: name.entityPath, element: name.element }), graph.queryNames(model, true))
            add(path, `filter "${text}" of metric "${m.name}" uses "${ref.name}", which ${model} cannot reach${suggestions.length ? ` (did you mean ${suggestions.slice(0, 3).join(', ')}?)` : ''}`, owner, field)
            break
          }
        }
      }
    }
    const path = `metrics[${i}]`
    check(m.filter, sources, `${path}.filter`, m, 'filter')
    const tp = m.type_params
    if (tp.measure && typeof tp.measure === 'object') {
      try {
        check(tp.measure.filter, [graph.measure(tp.measure.name).model.name], `${path}.type_params.measure.filter`, tp.measure, 'filter')
      } catch {
        // unknown measure: reported above
      }
    }
    const inputs: MetricInput[] = [
      ...(tp.metrics ?? []),
      ...[tp.numerator, tp.denominator].filter((x): x is MetricInput => typeof x === 'object' && x !== null),
    ]
    for (const input of inputs) {
      if (!input.filter) continue
      try {
        const models = [...new Set(graph.metricGroupingMeasures(input.name).map((x) => graph.measure(x).model.name))]
        check(input.filter, models, `${path}.type_params`, input, 'filter')
      } catch {
        // unknown input: reported above
      }
    }
  })
}
