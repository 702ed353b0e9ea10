// dbt's compiled artifact `target/semantic_manifest.json` (written by `dbt parse`)
// -> SemanticManifest. dbt has already resolved `ref()`s into node relations,
// filters into `{where_filters: [{where_sql_template}]}` objects and windows into
// `{count, granularity}`; this module maps those shapes onto ours. Pure: every
// problem is collected with its JSON path (e.g. `metrics[3].type_params.measure`),
// nothing throws on bad input. Fields dbt adds for its own use (metadata, config,
// tags, input_measures, exports...) are ignored; `meta.synonyms` and `meta.format`
// (top level or under `config.meta`) become Nexatron's synonyms and value format.
import {
  TIME_GRAINS,
  type AggregationType, type Dimension, type Entity, type EntityType, type Measure, type MeasureInput,
  type Metric, type MetricInput, type MetricType, type NodeRelation, type SavedQuery, type SemanticManifest,
  type SemanticModel, type TimeGrain, type TimeSpine, type ValueFormat,
} from '../types'
import { parseWindow } from '../names'
import { parseCallExpression, parseWhereFilter } from '../where-filter'
import { validateManifest } from '../validate'
import type { ImportProblem } from './yaml-source'

export interface DbtManifestImportResult {
  manifest: SemanticManifest
  /** Every problem found, each with its JSON path (`metrics[3].type_params.measure`). */
  problems: ImportProblem[]
  /** Where a manifest object (and one of its fields) came from, to place later validation problems. */
  locate(object: object, field?: string): { file: string; path: string } | undefined
}

export const DBT_MANIFEST_FORMAT = 'dbt_semantic_manifest'

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const at = (parent: string, key: string | number): string => (typeof key === 'number' ? `${parent}[${key}]` : parent === '' ? key : `${parent}.${key}`)
/** dbt writes `null` for every unset optional field. */
const given = (v: unknown): boolean => v !== undefined && v !== null

const ENTITY_TYPES: readonly EntityType[] = ['primary', 'unique', 'foreign', 'natural']
const AGGREGATIONS: readonly AggregationType[] = ['sum', 'count', 'count_distinct', 'average', 'min', 'max', 'sum_boolean', 'median', 'percentile']
const METRIC_TYPES: readonly MetricType[] = ['simple', 'ratio', 'derived', 'cumulative', 'conversion']
const NAME = /^[a-z][a-z0-9_]*$/

class Mapper {
  readonly manifest: SemanticManifest = { semantic_models: [], metrics: [], saved_queries: [], time_spines: [] }
  /** Where each produced object came from, to place validation problems. */
  readonly origins = new Map<object, string>()
  private customGrains = new Set<string>()

  constructor(private readonly file: string, readonly problems: ImportProblem[]) {}

  problem(path: string, message: string): void { this.problems.push({ file: this.file, path, message }) }

  // ------------------------------------------------------------ primitives

  obj(v: unknown, path: string): Obj | undefined {
    if (isObj(v)) return v
    this.problem(path, `expected an object, got ${describe(v)}`)
    return undefined
  }
  list(v: unknown, path: string): unknown[] {
    if (!given(v)) return []
    if (Array.isArray(v)) return v
    this.problem(path, `expected a list, got ${describe(v)}`)
    return []
  }
  str(o: Obj, key: string, path: string, required = false): string | undefined {
    const v = o[key]
    if (!given(v)) {
      if (required) this.problem(at(path, key), `"${key}" is required`)
      return undefined
    }
    if (typeof v === 'string') return v
    this.problem(at(path, key), `expected a string, got ${describe(v)}`)
    return undefined
  }
  name(o: Obj, key: string, path: string): string | undefined {
    const v = this.str(o, key, path, true)
    if (v !== undefined && !NAME.test(v)) this.problem(at(path, key), `"${v}" is not a valid name (lower snake_case: letters, digits, underscores)`)
    return v
  }
  bool(o: Obj, key: string, path: string): boolean | undefined {
    const v = o[key]
    if (!given(v)) return undefined
    if (typeof v === 'boolean') return v
    this.problem(at(path, key), `expected true or false, got ${describe(v)}`)
    return undefined
  }
  num(o: Obj, key: string, path: string): number | undefined {
    const v = o[key]
    if (!given(v)) return undefined
    if (typeof v === 'number' && Number.isFinite(v)) return v
    this.problem(at(path, key), `expected a number, got ${describe(v)}`)
    return undefined
  }
  strings(o: Obj, key: string, path: string): string[] | undefined {
    const v = o[key]
    if (!given(v)) return undefined
    const out: string[] = []
    this.list(v, at(path, key)).forEach((x, i) => {
      if (typeof x === 'string') out.push(x)
      else this.problem(at(at(path, key), i), `expected a string, got ${describe(x)}`)
    })
    return out
  }
  oneOf<T extends string>(o: Obj, key: string, path: string, allowed: readonly T[], required = false): T | undefined {
    const raw = this.str(o, key, path, required)
    if (raw === undefined) return undefined
    const v = raw.toLowerCase()
    if ((allowed as readonly string[]).includes(v)) return v as T
    this.problem(at(path, key), `"${raw}" is not one of ${allowed.join(', ')}`)
    return undefined
  }
  grain(o: Obj, key: string, path: string, required = false): TimeGrain | undefined {
    return this.oneOf(o, key, path, TIME_GRAINS, required)
  }
  track<T extends object>(x: T, path: string): T {
    this.origins.set(x, path)
    return x
  }

  /** label, description, and synonyms/format from `meta` or `config.meta`. */
  plannerFields(o: Obj, path: string): { label?: string; description?: string; synonyms?: string[] } {
    const out: { label?: string; description?: string; synonyms?: string[] } = {}
    const label = this.str(o, 'label', path)
    if (label) out.label = label
    const description = this.str(o, 'description', path)
    if (description && description.trim()) out.description = description.trim()
    const meta = this.meta(o, path)
    if (meta && given(meta.obj.synonyms)) {
      const synonyms = this.strings(meta.obj, 'synonyms', meta.path)
      if (synonyms?.length) out.synonyms = synonyms
    }
    return out
  }
  /** `format` from `meta` or `config.meta` (metrics, dimensions and measures alike). */
  metaFormat(o: Obj, path: string): ValueFormat | undefined {
    const meta = this.meta(o, path)
    return meta && given(meta.obj.format) ? this.format(meta.obj.format, at(meta.path, 'format')) : undefined
  }
  meta(o: Obj, path: string): { obj: Obj; path: string } | undefined {
    if (isObj(o.meta) && Object.keys(o.meta).length) return { obj: o.meta, path: at(path, 'meta') }
    if (isObj(o.config) && isObj(o.config.meta) && Object.keys(o.config.meta).length) return { obj: o.config.meta, path: at(at(path, 'config'), 'meta') }
    return undefined
  }

  /** `{where_filters: [{where_sql_template}]}` (or, leniently, a string or list of strings). */
  filter(v: unknown, path: string): string[] | undefined {
    if (!given(v)) return undefined
    const out: string[] = []
    const check = (sql: string, p: string) => {
      try { parseWhereFilter(sql); out.push(sql) } catch (err) { this.problem(p, (err as Error).message) }
    }
    if (typeof v === 'string') check(v, path)
    else if (Array.isArray(v)) v.forEach((x, i) => (typeof x === 'string' ? check(x, at(path, i)) : this.problem(at(path, i), `expected a string, got ${describe(x)}`)))
    else if (isObj(v)) {
      this.list(v.where_filters, at(path, 'where_filters')).forEach((w, i) => {
        const p = at(at(path, 'where_filters'), i)
        const o = this.obj(w, p)
        const sql = o ? this.str(o, 'where_sql_template', p, true) : undefined
        if (sql !== undefined) check(sql, at(p, 'where_sql_template'))
      })
    } else this.problem(path, `expected {where_filters: [...]}, got ${describe(v)}`)
    return out.length ? out : undefined
  }
  private filterField(v: unknown, path: string): string | string[] | undefined {
    const f = this.filter(v, path)
    return f === undefined ? undefined : f.length === 1 ? f[0] : f
  }

  /** `{count, granularity}` (dbt >= 1.9) or "7 days". */
  window(v: unknown, path: string): string | undefined {
    if (!given(v)) return undefined
    let text: string | undefined
    if (typeof v === 'string') text = v
    else if (isObj(v)) {
      const count = this.num(v, 'count', path)
      const unit = this.str(v, 'granularity', path, true)
      if (count === undefined && unit !== undefined) this.problem(at(path, 'count'), '"count" is required')
      if (count !== undefined && unit !== undefined) text = `${count} ${unit.toLowerCase()}`
      else return undefined
    } else {
      this.problem(path, `expected {count, granularity} or a string such as "7 days", got ${describe(v)}`)
      return undefined
    }
    if (!parseWindow(text, this.customGrains)) {
      this.problem(path, `"${text}" is not a window (a count and a granularity, e.g. 7 days)`)
      return undefined
    }
    return text
  }

  relation(v: unknown, path: string): NodeRelation | undefined {
    const o = this.obj(v, path)
    if (!o) return undefined
    const alias = this.str(o, 'alias', path, true)
    const schema = this.str(o, 'schema_name', path)
    const database = this.str(o, 'database', path)
    const relationName = this.str(o, 'relation_name', path)
    if (alias === undefined) return undefined
    return {
      alias,
      ...(schema ? { schema_name: schema } : {}),
      ...(database ? { database } : {}),
      ...(relationName ? { relation_name: relationName } : {}),
    }
  }

  // ------------------------------------------------------------ project configuration

  projectConfiguration(v: unknown, path: string): void {
    if (!given(v)) return
    const o = this.obj(v, path)
    if (!o) return
    const spines: Array<{ spine: TimeSpine; path: string }> = []
    const spinesPath = at(path, 'time_spines')
    // Custom granularities first: windows and grains elsewhere may name them.
    this.list(o.time_spines, spinesPath).forEach((x, i) => {
      const p = at(spinesPath, i)
      const s = this.obj(x, p)
      if (!s) return
      const rel = given(s.node_relation) ? this.relation(s.node_relation, at(p, 'node_relation')) : undefined
      if (!given(s.node_relation)) this.problem(at(p, 'node_relation'), '"node_relation" is required')
      const pcPath = at(p, 'primary_column')
      const pc = given(s.primary_column) ? this.obj(s.primary_column, pcPath) : undefined
      if (!given(s.primary_column)) this.problem(pcPath, '"primary_column" is required')
      const column = pc ? this.str(pc, 'name', pcPath, true) : undefined
      const grain = pc ? this.grain(pc, 'time_granularity', pcPath, true) : undefined
      const custom: Array<{ name: string; column_name?: string }> = []
      this.list(s.custom_granularities, at(p, 'custom_granularities')).forEach((c, j) => {
        const cp = at(at(p, 'custom_granularities'), j)
        const co = this.obj(c, cp)
        if (!co) return
        const name = this.name(co, 'name', cp)
        const col = this.str(co, 'column_name', cp)
        if (name === undefined) return
        if ((TIME_GRAINS as readonly string[]).includes(name)) {
          this.problem(at(cp, 'name'), `custom granularity "${name}" clashes with a standard time granularity`)
          return
        }
        this.customGrains.add(name)
        custom.push({ name, ...(col ? { column_name: col } : {}) })
      })
      if (!rel || column === undefined || grain === undefined) return
      spines.push({ spine: { node_relation: rel, primary_column: { name: column, time_granularity: grain }, ...(custom.length ? { custom_granularities: custom } : {}) }, path: p })
    })
    // The legacy configuration usually names the same table as `time_spines`; keep it only when it adds one.
    const legacyPath = at(path, 'time_spine_table_configurations')
    this.list(o.time_spine_table_configurations, legacyPath).forEach((x, i) => {
      const p = at(legacyPath, i)
      const c = this.obj(x, p)
      if (!c) return
      const location = this.str(c, 'location', p, true)
      const column = this.str(c, 'column_name', p, true)
      const grain = this.grain(c, 'grain', p, true)
      if (location === undefined || column === undefined || grain === undefined) return
      const parts = location.split('.').map((s) => s.replace(/^["`[]|["`\]]$/g, ''))
      const alias = parts.pop()!
      const node_relation: NodeRelation = { alias, ...(parts.length ? { schema_name: parts.pop()! } : {}), ...(parts.length ? { database: parts.pop()! } : {}) }
      const same = spines.some((s) => s.spine.node_relation.alias.toLowerCase() === alias.toLowerCase() && s.spine.primary_column.name === column)
      if (!same) spines.push({ spine: { node_relation, primary_column: { name: column, time_granularity: grain } }, path: p })
    })
    for (const s of spines) this.manifest.time_spines.push(this.track(s.spine, s.path))
  }

  // ------------------------------------------------------------ semantic models

  semanticModel(v: unknown, path: string): void {
    const o = this.obj(v, path)
    if (!o) return
    const name = this.name(o, 'name', path)
    const relation = given(o.node_relation) ? this.relation(o.node_relation, at(path, 'node_relation')) : undefined
    if (!given(o.node_relation)) this.problem(at(path, 'node_relation'), '"node_relation" is required')
    const model: SemanticModel = {
      name: name ?? '', node_relation: relation ?? { alias: '' }, entities: [], dimensions: [], measures: [],
      ...this.plannerFields(o, path),
    }
    if (given(o.defaults)) {
      const d = this.obj(o.defaults, at(path, 'defaults'))
      const aggTime = d ? this.str(d, 'agg_time_dimension', at(path, 'defaults')) : undefined
      if (aggTime) model.defaults = { agg_time_dimension: aggTime }
    }
    const primary = this.str(o, 'primary_entity', path)
    if (primary) model.primary_entity = primary
    this.list(o.entities, at(path, 'entities')).forEach((x, i) => {
      const e = this.entity(x, at(at(path, 'entities'), i))
      if (e) model.entities.push(e)
    })
    this.list(o.dimensions, at(path, 'dimensions')).forEach((x, i) => {
      const d = this.dimension(x, at(at(path, 'dimensions'), i))
      if (d) model.dimensions.push(d)
    })
    this.list(o.measures, at(path, 'measures')).forEach((x, i) => {
      const m = this.measure(x, at(at(path, 'measures'), i))
      if (m) model.measures.push(m)
    })
    if (name === undefined || !relation) return
    this.manifest.semantic_models.push(this.track(model, path))
  }

  entity(v: unknown, path: string): Entity | undefined {
    const o = this.obj(v, path)
    if (!o) return undefined
    const name = this.name(o, 'name', path)
    const type = this.oneOf(o, 'type', path, ENTITY_TYPES, true)
    const expr = this.str(o, 'expr', path)
    const role = this.str(o, 'role', path)
    if (name === undefined || type === undefined) return undefined
    return this.track({ name, type, ...(expr ? { expr } : {}), ...(role ? { role } : {}), ...this.plannerFields(o, path) }, path)
  }

  dimension(v: unknown, path: string): Dimension | undefined {
    const o = this.obj(v, path)
    if (!o) return undefined
    const name = this.name(o, 'name', path)
    const type = this.oneOf(o, 'type', path, ['categorical', 'time'] as const, true)
    const d: Dimension = { name: name ?? '', type: type ?? 'categorical', ...this.plannerFields(o, path) }
    const dimFormat = this.metaFormat(o, path)
    if (dimFormat) d.format = dimFormat
    const expr = this.str(o, 'expr', path)
    if (expr) d.expr = expr
    if (this.bool(o, 'is_partition', path)) d.is_partition = true
    if (given(o.type_params)) {
      const tpPath = at(path, 'type_params')
      const tp = this.obj(o.type_params, tpPath)
      if (tp) {
        const grain = this.grain(tp, 'time_granularity', tpPath)
        const params: NonNullable<Dimension['type_params']> = {}
        if (grain) params.time_granularity = grain
        if (given(tp.validity_params)) {
          const vp = this.obj(tp.validity_params, at(tpPath, 'validity_params'))
          if (vp) {
            const isStart = this.bool(vp, 'is_start', at(tpPath, 'validity_params'))
            const isEnd = this.bool(vp, 'is_end', at(tpPath, 'validity_params'))
            params.validity_params = { ...(isStart ? { is_start: true } : {}), ...(isEnd ? { is_end: true } : {}) }
          }
        }
        if (Object.keys(params).length) d.type_params = params
      }
    }
    if (type === 'time' && !d.type_params?.time_granularity) this.problem(at(at(path, 'type_params'), 'time_granularity'), 'a time dimension needs type_params.time_granularity')
    if (name === undefined || type === undefined) return undefined
    return this.track(d, path)
  }

  measure(v: unknown, path: string): Measure | undefined {
    const o = this.obj(v, path)
    if (!o) return undefined
    const name = this.name(o, 'name', path)
    const agg = this.oneOf(o, 'agg', path, AGGREGATIONS, true)
    const m: Measure = { name: name ?? '', agg: agg ?? 'sum', ...this.plannerFields(o, path) }
    const measureFormat = this.metaFormat(o, path)
    if (measureFormat) m.format = measureFormat
    const expr = this.str(o, 'expr', path)
    if (expr) m.expr = expr
    if (this.bool(o, 'create_metric', path)) m.create_metric = true
    const aggTime = this.str(o, 'agg_time_dimension', path)
    if (aggTime) m.agg_time_dimension = aggTime
    if (given(o.agg_params)) {
      const p = at(path, 'agg_params')
      const ap = this.obj(o.agg_params, p)
      if (ap) {
        const percentile = this.num(ap, 'percentile', p)
        if (percentile !== undefined && (percentile < 0 || percentile > 1)) this.problem(at(p, 'percentile'), 'percentile must be between 0 and 1')
        const discrete = this.bool(ap, 'use_discrete_percentile', p)
        const approximate = this.bool(ap, 'use_approximate_percentile', p)
        const params = {
          ...(percentile !== undefined ? { percentile } : {}),
          ...(discrete ? { use_discrete_percentile: true } : {}),
          ...(approximate ? { use_approximate_percentile: true } : {}),
        }
        if (Object.keys(params).length) m.agg_params = params
      }
    }
    if (agg === 'percentile' && m.agg_params?.percentile === undefined) this.problem(at(at(path, 'agg_params'), 'percentile'), 'a percentile measure needs agg_params.percentile')
    if (given(o.non_additive_dimension)) {
      const p = at(path, 'non_additive_dimension')
      const nad = this.obj(o.non_additive_dimension, p)
      if (nad) {
        const dim = this.str(nad, 'name', p, true)
        const choice = this.oneOf(nad, 'window_choice', p, ['min', 'max'] as const)
        const groupings = this.strings(nad, 'window_groupings', p)
        if (dim) m.non_additive_dimension = { name: dim, ...(choice ? { window_choice: choice } : {}), ...(groupings?.length ? { window_groupings: groupings } : {}) }
      }
    }
    if (name === undefined || agg === undefined) return undefined
    return this.track(m, path)
  }

  // ------------------------------------------------------------ metrics

  measureInput(v: unknown, path: string): string | MeasureInput | undefined {
    if (typeof v === 'string') return v
    const o = this.obj(v, path)
    if (!o) return undefined
    const name = this.str(o, 'name', path, true)
    if (name === undefined) return undefined
    const filter = this.filterField(o.filter, at(path, 'filter'))
    const alias = this.str(o, 'alias', path)
    const join = this.bool(o, 'join_to_timespine', path)
    const fill = this.num(o, 'fill_nulls_with', path)
    if (filter === undefined && !alias && !join && fill === undefined) return name
    return { name, ...(filter !== undefined ? { filter } : {}), ...(alias ? { alias } : {}), ...(join ? { join_to_timespine: true } : {}), ...(fill !== undefined ? { fill_nulls_with: fill } : {}) }
  }

  metricInput(v: unknown, path: string): MetricInput | undefined {
    if (typeof v === 'string') return { name: v }
    const o = this.obj(v, path)
    if (!o) return undefined
    const name = this.str(o, 'name', path, true)
    if (name === undefined) return undefined
    const filter = this.filterField(o.filter, at(path, 'filter'))
    const alias = this.str(o, 'alias', path)
    const offset = this.window(o.offset_window, at(path, 'offset_window'))
    const toGrain = this.grain(o, 'offset_to_grain', path)
    return { name, ...(filter !== undefined ? { filter } : {}), ...(alias ? { alias } : {}), ...(offset ? { offset_window: offset } : {}), ...(toGrain ? { offset_to_grain: toGrain } : {}) }
  }

  metric(v: unknown, path: string): void {
    const o = this.obj(v, path)
    if (!o) return
    const name = this.name(o, 'name', path)
    const type = this.oneOf(o, 'type', path, METRIC_TYPES, true)
    const metric: Metric = { name: name ?? '', type: type ?? 'simple', type_params: {}, ...this.plannerFields(o, path) }
    const filter = this.filterField(o.filter, at(path, 'filter'))
    if (filter !== undefined) metric.filter = filter
    const grain = this.grain(o, 'time_granularity', path)
    if (grain) metric.time_granularity = grain
    const f = this.metaFormat(o, path)
    if (f) metric.format = f
    const tpPath = at(path, 'type_params')
    const tp = given(o.type_params) ? this.obj(o.type_params, tpPath) : undefined
    if (!given(o.type_params)) this.problem(tpPath, '"type_params" is required')
    const p = metric.type_params
    if (tp) {
      if (given(tp.measure)) {
        const m = this.measureInput(tp.measure, at(tpPath, 'measure'))
        if (m !== undefined) p.measure = m
      }
      if (given(tp.numerator)) p.numerator = this.metricInput(tp.numerator, at(tpPath, 'numerator'))
      if (given(tp.denominator)) p.denominator = this.metricInput(tp.denominator, at(tpPath, 'denominator'))
      // dbt fills `expr` on some non-derived metrics too; only derived metrics compute one.
      const expr = this.str(tp, 'expr', tpPath)
      if (expr && type === 'derived') p.expr = expr
      const inputs = this.list(tp.metrics, at(tpPath, 'metrics'))
      if (inputs.length) {
        p.metrics = inputs.map((x, i) => this.metricInput(x, at(at(tpPath, 'metrics'), i))).filter((x): x is MetricInput => x !== undefined)
      }
      const window = this.window(tp.window, at(tpPath, 'window'))
      if (window) p.window = window
      const gtd = this.grain(tp, 'grain_to_date', tpPath)
      if (gtd) p.grain_to_date = gtd
      if (given(tp.cumulative_type_params)) {
        const cp = at(tpPath, 'cumulative_type_params')
        const c = this.obj(tp.cumulative_type_params, cp)
        if (c) {
          const w = this.window(c.window, at(cp, 'window'))
          const g = this.grain(c, 'grain_to_date', cp)
          const agg = this.oneOf(c, 'period_agg', cp, ['first', 'last', 'average'] as const)
          const params = { ...(w ? { window: w } : {}), ...(g ? { grain_to_date: g } : {}), ...(agg ? { period_agg: agg } : {}) }
          if (Object.keys(params).length) p.cumulative_type_params = params
        }
      }
      if (given(tp.conversion_type_params)) {
        const cp = at(tpPath, 'conversion_type_params')
        const c = this.obj(tp.conversion_type_params, cp)
        if (c) {
          const base = given(c.base_measure) ? this.measureInput(c.base_measure, at(cp, 'base_measure')) : undefined
          const conv = given(c.conversion_measure) ? this.measureInput(c.conversion_measure, at(cp, 'conversion_measure')) : undefined
          if (!given(c.base_measure)) this.problem(at(cp, 'base_measure'), '"base_measure" is required')
          if (!given(c.conversion_measure)) this.problem(at(cp, 'conversion_measure'), '"conversion_measure" is required')
          const entity = this.str(c, 'entity', cp, true)
          const calculation = this.oneOf(c, 'calculation', cp, ['conversions', 'conversion_rate'] as const)
          const window = this.window(c.window, at(cp, 'window'))
          const constants: Array<{ base_property: string; conversion_property: string }> = []
          this.list(c.constant_properties, at(cp, 'constant_properties')).forEach((x, i) => {
            const pp = at(at(cp, 'constant_properties'), i)
            const po = this.obj(x, pp)
            const b = po ? this.str(po, 'base_property', pp, true) : undefined
            const cv = po ? this.str(po, 'conversion_property', pp, true) : undefined
            if (b !== undefined && cv !== undefined) constants.push({ base_property: b, conversion_property: cv })
          })
          if (base !== undefined && conv !== undefined && entity !== undefined) {
            p.conversion_type_params = {
              base_measure: base, conversion_measure: conv, entity,
              ...(calculation ? { calculation } : {}), ...(window ? { window } : {}), ...(constants.length ? { constant_properties: constants } : {}),
            }
          }
        }
      }
      if (this.bool(tp, 'join_to_timespine', tpPath)) p.join_to_timespine = true
      const fill = this.num(tp, 'fill_nulls_with', tpPath)
      if (fill !== undefined) p.fill_nulls_with = fill
    }
    if (name === undefined || type === undefined) return
    this.manifest.metrics.push(this.track(metric, path))
  }

  format(v: unknown, path: string): ValueFormat | undefined {
    const o = this.obj(v, path)
    if (!o) return undefined
    const type = this.oneOf(o, 'type', path, ['number', 'currency', 'percent'] as const, true)
    const decimals = this.num(o, 'decimals', path)
    if (decimals !== undefined && !(Number.isInteger(decimals) && decimals >= 0 && decimals <= 12)) {
      this.problem(at(path, 'decimals'), 'decimals must be an integer from 0 to 12')
      return undefined
    }
    const d = decimals !== undefined ? { decimals } : {}
    if (type === 'currency') {
      const currency = this.str(o, 'currency', path, true)
      return currency === undefined ? undefined : { type, currency, ...d }
    }
    return type === undefined ? undefined : { type, ...d }
  }

  // ------------------------------------------------------------ saved queries

  savedQuery(v: unknown, path: string): void {
    const o = this.obj(v, path)
    if (!o) return
    const name = this.name(o, 'name', path)
    const qpPath = at(path, 'query_params')
    const qp = given(o.query_params) ? this.obj(o.query_params, qpPath) : undefined
    if (!given(o.query_params)) this.problem(qpPath, '"query_params" is required')
    const sq: SavedQuery = { name: name ?? '', query_params: { metrics: [] }, ...this.plannerFields(o, path) }
    if (qp) {
      sq.query_params.metrics = this.strings(qp, 'metrics', qpPath) ?? []
      const groupBy = this.strings(qp, 'group_by', qpPath)
      if (groupBy?.length) sq.query_params.group_by = groupBy
      const where = this.filter(qp.where, at(qpPath, 'where'))
      if (where) sq.query_params.where = where
      const orderBy = this.strings(qp, 'order_by', qpPath)
      if (orderBy?.length) sq.query_params.order_by = orderBy
      // "TimeDimension('metric_time', 'week')", "Metric('revenue').descending(True)"
      for (const [key, items] of [['group_by', groupBy], ['order_by', orderBy]] as const) {
        items?.forEach((item, i) => {
          try { parseCallExpression(item) } catch (err) { this.problem(at(at(qpPath, key), i), (err as Error).message) }
        })
      }
      const limit = this.num(qp, 'limit', qpPath)
      if (limit !== undefined) {
        if (Number.isInteger(limit) && limit >= 0) sq.query_params.limit = limit
        else this.problem(at(qpPath, 'limit'), 'limit must be a non-negative integer')
      }
    }
    if (name === undefined) return
    this.manifest.saved_queries.push(this.track(sq, path))
  }

  /** Measures with `create_metric: true` get a simple metric of the same name when dbt did not write one. */
  finish(): void {
    const names = new Set(this.manifest.metrics.map((m) => m.name))
    for (const sm of this.manifest.semantic_models) {
      for (const m of sm.measures) {
        if (!m.create_metric || names.has(m.name)) continue
        const metric: Metric = {
          name: m.name, type: 'simple', type_params: { measure: m.name },
          ...(m.label ? { label: m.label } : {}), ...(m.description ? { description: m.description } : {}), ...(m.synonyms ? { synonyms: m.synonyms } : {}),
        }
        const origin = this.origins.get(m)
        if (origin) this.origins.set(metric, origin)
        this.manifest.metrics.push(metric)
        names.add(m.name)
      }
    }
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'object') return 'an object'
  if (typeof v === 'string') return `the string "${v.length > 40 ? `${v.slice(0, 40)}...` : v}"`
  return `${typeof v} ${String(v)}`
}

/**
 * Imports dbt's `semantic_manifest.json`, given as its text or as the parsed
 * object. `file` names it in problems. Every problem is reported at once.
 */
export function importDbtManifest(input: string | unknown, opts: { file?: string } = {}): DbtManifestImportResult {
  const file = opts.file ?? 'semantic_manifest.json'
  const problems: ImportProblem[] = []
  const m = new Mapper(file, problems)
  const locate = (object: object, field?: string) => {
    const origin = m.origins.get(object)
    return origin === undefined ? undefined : { file, path: field ? at(origin, field) : origin }
  }
  let doc: unknown = input
  if (typeof input === 'string') {
    try { doc = JSON.parse(input) } catch (err) {
      problems.push({ file, path: '', message: `not valid JSON: ${(err as Error).message}` })
      return { manifest: m.manifest, problems, locate }
    }
  }
  if (!isObj(doc)) {
    problems.push({ file, path: '', message: `expected the object dbt writes to target/semantic_manifest.json, got ${describe(doc)}` })
    return { manifest: m.manifest, problems, locate }
  }
  if (!('semantic_models' in doc) && !('metrics' in doc)) {
    problems.push({ file, path: '', message: 'this is not a dbt semantic manifest (no "semantic_models" or "metrics"); `dbt parse` writes one to target/semantic_manifest.json' })
    return { manifest: m.manifest, problems, locate }
  }
  m.projectConfiguration(doc.project_configuration, 'project_configuration')
  m.list(doc.semantic_models, 'semantic_models').forEach((x, i) => m.semanticModel(x, at('semantic_models', i)))
  m.list(doc.metrics, 'metrics').forEach((x, i) => m.metric(x, at('metrics', i)))
  m.list(doc.saved_queries, 'saved_queries').forEach((x, i) => m.savedQuery(x, at('saved_queries', i)))
  m.finish()
  for (const p of validateManifest(m.manifest)) {
    const origin = p.at ? m.origins.get(p.at.object) : undefined
    const path = origin ? (p.at?.field ? at(origin, p.at.field) : origin) : p.path
    problems.push({ file, path, message: p.message })
  }
  return { manifest: m.manifest, problems, locate }
}

/**
 * The API's and CLI's entry: exactly one file, dbt's `semantic_manifest.json`
 * (its path is only used to name it in problems).
 */
export function importDbtManifestFiles(files: Array<{ path: string; content: string }>): DbtManifestImportResult {
  if (files.length !== 1) {
    const r = importDbtManifest({ semantic_models: [], metrics: [] })
    r.problems.push({ file: '', path: 'files', message: `format "${DBT_MANIFEST_FORMAT}" takes exactly one file, target/semantic_manifest.json (got ${files.length})` })
    return r
  }
  return importDbtManifest(files[0].content, { file: files[0].path })
}
