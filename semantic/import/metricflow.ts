// dbt MetricFlow YAML -> SemanticManifest. Reads `semantic_model(s)`, `metric(s)`,
// `saved_query`/`saved_queries`, `project_configuration` (time spines) and dbt
// `models:` blocks that declare a `time_spine`; everything else in dbt files
// (sources, seeds, tests...) is ignored. Every problem is collected with its
// file, YAML path and line; nothing throws on bad input.
import {
  TIME_GRAINS,
  type AggregationType, type Dimension, type Entity, type EntityType, type Measure, type MeasureInput,
  type Metric, type MetricInput, type MetricType, type NodeRelation, type SavedQuery, type SemanticManifest,
  type SemanticModel, type TimeGrain, type TimeSpine, type ValueFormat,
} from '../types'
import { parseWindow } from '../names'
import { parseWhereFilter } from '../where-filter'
import { validateManifest } from '../validate'
import { Reader, isObj, lineFor, type Obj } from './reader'
import { childPath, readYamlFiles, type ImportProblem, type YamlDocument } from './yaml-source'

export type { ImportProblem } from './yaml-source'

export interface ImportOptions {
  /** Replaces `$source_schema` in node relations and time spine locations. */
  source_schema?: string
  /** dbt ref name -> physical relation (`table`, `schema.table` or `database.schema.table`). */
  relation_map?: Record<string, string>
  /** Where `ref('x')` lands when neither relation_map nor source_schema says: the connection's default schema/dataset/database. */
  default_schema?: string
  /** Database (catalog/project) of refs, where the engine has one above the schema (Snowflake). */
  default_database?: string
}

export interface ImportResult {
  manifest: SemanticManifest
  problems: ImportProblem[]
  /** Where a manifest object (and one of its fields) was written: file, YAML path, line. */
  locate(object: object, field?: string): { file: string; path: string; line?: number } | undefined
}

const ENTITY_TYPES: readonly EntityType[] = ['primary', 'unique', 'foreign', 'natural']
const DIMENSION_TYPES = ['categorical', 'time'] as const
const AGGREGATIONS: readonly AggregationType[] = ['sum', 'count', 'count_distinct', 'average', 'min', 'max', 'sum_boolean', 'median', 'percentile']
const METRIC_TYPES: readonly MetricType[] = ['simple', 'ratio', 'derived', 'cumulative', 'conversion']
/** dbt top-level keys that are legitimately present in YAML files and not ours to read. */
const IGNORED_TOP_LEVEL = new Set([
  'version', 'sources', 'seeds', 'snapshots', 'analyses', 'macros', 'exposures', 'groups', 'unit_tests',
  'data_tests', 'tests', 'semantic_layer', 'config', 'vars',
  // Nexatron's own: read by access/import-policies.ts.
  'access_policies',
])

interface Origin { file: string; path: string; lines: Map<string, number> }

class ManifestBuilder {
  readonly manifest: SemanticManifest = { semantic_models: [], metrics: [], saved_queries: [], time_spines: [] }
  /** Where each manifest object came from, to locate validation problems. */
  readonly origins = new WeakMap<object, Origin>()
  private readonly customGrainNames = new Set<string>()

  constructor(private readonly opts: ImportOptions, private readonly problems: ImportProblem[]) {}

  readDocument(doc: YamlDocument): void {
    const r = new Reader(doc, this.problems)
    if (!isObj(doc.value)) {
      r.problem('', 'a MetricFlow YAML document must be a mapping (semantic_model:, metrics:, ...)')
      return
    }
    for (const [key, value] of Object.entries(doc.value)) {
      switch (key) {
        case 'semantic_model': this.semanticModel(r, value, key); break
        case 'semantic_models': r.list(value, key).forEach((v, i) => this.semanticModel(r, v, childPath(key, i))); break
        case 'metric': this.metric(r, value, key); break
        case 'metrics': r.list(value, key).forEach((v, i) => this.metric(r, v, childPath(key, i))); break
        case 'saved_query': this.savedQuery(r, value, key); break
        case 'saved_queries': r.list(value, key).forEach((v, i) => this.savedQuery(r, v, childPath(key, i))); break
        case 'project_configuration': this.projectConfiguration(r, value, key); break
        case 'models': r.list(value, key).forEach((v, i) => this.dbtModel(r, v, childPath(key, i))); break
        default:
          if (!IGNORED_TOP_LEVEL.has(key)) {
            r.problem(key, `unknown top-level key "${key}" (expected semantic_model(s), metric(s), saved_query/saved_queries, project_configuration or dbt models)`)
          }
      }
    }
  }

  private track<T extends object>(obj: T, r: Reader, path: string): T {
    this.origins.set(obj, { file: r.file, path, lines: r.lines })
    return obj
  }

  // ---------------------------------------------------------------- relations

  private resolveSchema(r: Reader, schema: string | undefined, path: string): string | undefined {
    if (schema === undefined || !schema.includes('$source_schema')) return schema
    if (this.opts.source_schema === undefined) {
      r.problem(path, '"$source_schema" is used but no source_schema option was given')
      return schema
    }
    return schema.split('$source_schema').join(this.opts.source_schema)
  }

  /** Splits `db.schema.table` into a node relation. */
  private relationFromDotted(dotted: string): NodeRelation {
    const parts = dotted.split('.').map((p) => p.trim().replace(/^["`[]|["`\]]$/g, ''))
    const rel: NodeRelation = { alias: parts.pop() ?? dotted }
    if (parts.length > 0) rel.schema_name = parts.pop()
    if (parts.length > 0) rel.database = parts.join('.')
    return rel
  }

  /** `ref('name')` / `ref("pkg", "name")` -> relation through relation_map, else the ref name in source_schema. */
  private relationFromRef(r: Reader, text: string, path: string): NodeRelation | undefined {
    const src = /^\s*source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)\s*$/.exec(text)
    if (src) {
      const mapped = this.mappedRelation(`${src[1]}.${src[2]}`) ?? this.mappedRelation(src[2])
      if (mapped !== undefined) return this.relationFromDotted(mapped)
      return { alias: src[2], schema_name: src[1], ...(this.opts.default_database ? { database: this.opts.default_database } : {}) }
    }
    const m = /^\s*ref\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]+)['"]\s*)?(?:,\s*v(?:ersion)?\s*=\s*[^)]*)?\)\s*$/.exec(text)
    if (!m) {
      r.problem(path, `expected ref('model_name') or source('source_name', 'table_name'), found "${text}"`)
      return undefined
    }
    const refName = m[2] ?? m[1]
    return this.relationForModelName(refName)
  }

  /**
   * The relation_map entry for a dbt name: own entries only. A plain object
   * also answers inherited names (`constructor`, `toString`, `__proto__`), and
   * a model named so then read a function as its table (a 500 at import).
   */
  private mappedRelation(name: string): string | undefined {
    const map = this.opts.relation_map
    return map && Object.hasOwn(map, name) && typeof map[name] === 'string' ? map[name] : undefined
  }

  private relationForModelName(name: string): NodeRelation {
    const mapped = this.mappedRelation(name)
    if (mapped !== undefined) return this.relationFromDotted(mapped)
    const rel: NodeRelation = { alias: name }
    const schema = this.opts.source_schema ?? this.opts.default_schema
    if (schema !== undefined) rel.schema_name = schema
    if (schema !== undefined && this.opts.default_database !== undefined) rel.database = this.opts.default_database
    return rel
  }

  private nodeRelation(r: Reader, v: unknown, path: string): NodeRelation | undefined {
    const o = r.obj(v, path)
    if (!o) return undefined
    const alias = r.str(o, 'alias', path)
    const relationName = r.str(o, 'relation_name', path)
    if (alias === undefined && relationName === undefined) {
      r.problem(childPath(path, 'alias'), '"alias" is required')
      return undefined
    }
    const rel: NodeRelation = relationName !== undefined && alias === undefined
      ? this.relationFromDotted(relationName)
      : { alias: alias! }
    const schema = this.resolveSchema(r, r.str(o, 'schema_name', path), childPath(path, 'schema_name'))
    if (schema !== undefined) rel.schema_name = schema
    const database = r.str(o, 'database', path)
    if (database !== undefined) rel.database = database
    if (relationName !== undefined) rel.relation_name = relationName
    return rel
  }

  // ---------------------------------------------------------------- semantic models

  /** dbt `meta:` and `config: {meta:}` of an element, with their YAML paths (config.meta wins, as dbt merges them). */
  private metas(r: Reader, o: Obj, path: string): Array<{ meta: Obj; path: string }> {
    const out: Array<{ meta: Obj; path: string }> = []
    if (o.meta !== undefined && o.meta !== null) {
      const m = r.obj(o.meta, childPath(path, 'meta'))
      if (m) out.push({ meta: m, path: childPath(path, 'meta') })
    }
    if (isObj(o.config) && o.config.meta !== undefined && o.config.meta !== null) {
      const cp = childPath(childPath(path, 'config'), 'meta')
      const m = r.obj(o.config.meta, cp)
      if (m) out.push({ meta: m, path: cp })
    }
    return out
  }

  /** label / description / synonyms: the element's own keys first, then config.meta, then meta. */
  private plannerFields(r: Reader, o: Obj, path: string): { label?: string; description?: string; synonyms?: string[] } {
    const out: { label?: string; description?: string; synonyms?: string[] } = {}
    const sources = [{ meta: o, path }, ...this.metas(r, o, path).reverse()]
    for (const src of sources) {
      if (out.label === undefined) { const label = r.str(src.meta, 'label', src.path); if (label !== undefined) out.label = label }
      if (out.description === undefined) { const d = r.str(src.meta, 'description', src.path); if (d !== undefined) out.description = d.trim() }
      if (out.synonyms === undefined) { const syn = r.strings(src.meta, 'synonyms', src.path); if (syn !== undefined) out.synonyms = syn }
    }
    return out
  }

  /** A `format` from the element or its meta. */
  private metaFormat(r: Reader, o: Obj, path: string): ValueFormat | undefined {
    if (o.format !== undefined) return this.format(r, o.format, childPath(path, 'format'))
    for (const src of this.metas(r, o, path).reverse()) {
      if (src.meta.format !== undefined) return this.format(r, src.meta.format, childPath(src.path, 'format'))
    }
    return undefined
  }

  private semanticModel(r: Reader, v: unknown, path: string): void {
    const o = r.obj(v, path)
    if (!o) return
    const name = r.name(o, 'name', path)
    let relation: NodeRelation | undefined
    if (o.node_relation !== undefined) relation = this.nodeRelation(r, o.node_relation, childPath(path, 'node_relation'))
    else if (o.model !== undefined) {
      const model = r.str(o, 'model', path)
      if (model !== undefined) relation = this.relationFromRef(r, model, childPath(path, 'model'))
    } else r.problem(childPath(path, 'node_relation'), 'a semantic model needs "node_relation" or "model: ref(...)"')

    const sm: SemanticModel = {
      name: name ?? '',
      node_relation: relation ?? { alias: '' },
      entities: [],
      dimensions: [],
      measures: [],
      ...this.plannerFields(r, o, path),
    }
    if (o.defaults !== undefined) {
      const d = r.obj(o.defaults, childPath(path, 'defaults'))
      const agg = d ? r.str(d, 'agg_time_dimension', childPath(path, 'defaults')) : undefined
      if (agg !== undefined) sm.defaults = { agg_time_dimension: agg }
    }
    const primary = r.str(o, 'primary_entity', path)
    if (primary !== undefined) sm.primary_entity = primary
    r.list(o.entities, childPath(path, 'entities'), { allowMissing: true })
      .forEach((e, i) => { const x = this.entity(r, e, childPath(childPath(path, 'entities'), i)); if (x) sm.entities.push(x) })
    r.list(o.dimensions, childPath(path, 'dimensions'), { allowMissing: true })
      .forEach((e, i) => { const x = this.dimension(r, e, childPath(childPath(path, 'dimensions'), i)); if (x) sm.dimensions.push(x) })
    r.list(o.measures, childPath(path, 'measures'), { allowMissing: true })
      .forEach((e, i) => { const x = this.measure(r, e, childPath(childPath(path, 'measures'), i)); if (x) sm.measures.push(x) })
    if (name === undefined || relation === undefined) return
    this.manifest.semantic_models.push(this.track(sm, r, path))
  }

  private expr(r: Reader, o: Obj, path: string): string | undefined {
    const e = r.str(o, 'expr', path, { coerce: true })
    if (e !== undefined && e.trim() === '') {
      r.problem(childPath(path, 'expr'), '"expr" must not be empty')
      return undefined
    }
    return e
  }

  private entity(r: Reader, v: unknown, path: string): Entity | undefined {
    const o = r.obj(v, path)
    if (!o) return undefined
    const name = r.name(o, 'name', path)
    const type = r.oneOf(o, 'type', path, ENTITY_TYPES, { required: true })
    const e: Entity = { name: name ?? '', type: type ?? 'foreign', ...this.plannerFields(r, o, path) }
    const expr = this.expr(r, o, path)
    if (expr !== undefined) e.expr = expr
    const role = r.str(o, 'role', path)
    if (role !== undefined) e.role = role
    if (name === undefined || type === undefined) return undefined
    return this.track(e, r, path)
  }

  private grain(r: Reader, o: Obj, key: string, path: string, opts: { required?: boolean } = {}): TimeGrain | undefined {
    return r.oneOf(o, key, path, TIME_GRAINS, opts)
  }

  private dimension(r: Reader, v: unknown, path: string): Dimension | undefined {
    const o = r.obj(v, path)
    if (!o) return undefined
    const name = r.name(o, 'name', path)
    const type = r.oneOf(o, 'type', path, DIMENSION_TYPES, { required: true })
    const d: Dimension = { name: name ?? '', type: type ?? 'categorical', ...this.plannerFields(r, o, path) }
    const dimFormat = this.metaFormat(r, o, path)
    if (dimFormat) d.format = dimFormat
    const expr = this.expr(r, o, path)
    if (expr !== undefined) d.expr = expr
    const isPartition = r.bool(o, 'is_partition', path)
    if (isPartition !== undefined) d.is_partition = isPartition
    const tpPath = childPath(path, 'type_params')
    const tp = o.type_params !== undefined && o.type_params !== null ? r.obj(o.type_params, tpPath) : undefined
    if (type === 'time') {
      const grain = tp ? this.grain(r, tp, 'time_granularity', tpPath, { required: true }) : undefined
      if (!tp) r.problem(childPath(tpPath, 'time_granularity'), 'a time dimension needs type_params.time_granularity')
      d.type_params = { time_granularity: grain ?? 'day' }
      if (tp?.validity_params !== undefined) {
        const vpPath = childPath(tpPath, 'validity_params')
        const vp = r.obj(tp.validity_params, vpPath)
        if (vp) {
          const isStart = r.bool(vp, 'is_start', vpPath)
          const isEnd = r.bool(vp, 'is_end', vpPath)
          d.type_params.validity_params = { ...(isStart !== undefined ? { is_start: isStart } : {}), ...(isEnd !== undefined ? { is_end: isEnd } : {}) }
        }
      }
    } else if (tp && tp.time_granularity !== undefined) {
      r.problem(childPath(tpPath, 'time_granularity'), 'only time dimensions have a time_granularity')
    }
    const samples = o.sample_values
    if (samples === false || this.metas(r, o, path).some((m) => m.meta.sample_values === false)) d.sample_values_enabled = false
    if (Array.isArray(samples)) {
      d.sample_values = samples.filter((x): x is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof x))
    }
    if (name === undefined || type === undefined) return undefined
    return this.track(d, r, path)
  }

  private measure(r: Reader, v: unknown, path: string): Measure | undefined {
    const o = r.obj(v, path)
    if (!o) return undefined
    const name = r.name(o, 'name', path)
    const agg = r.oneOf(o, 'agg', path, AGGREGATIONS, { required: true })
    const m: Measure = { name: name ?? '', agg: agg ?? 'sum', ...this.plannerFields(r, o, path) }
    const measureFormat = this.metaFormat(r, o, path)
    if (measureFormat) m.format = measureFormat
    const expr = this.expr(r, o, path)
    if (expr !== undefined) m.expr = expr
    const createMetric = r.bool(o, 'create_metric', path)
    if (createMetric !== undefined) m.create_metric = createMetric
    const aggTime = r.str(o, 'agg_time_dimension', path)
    if (aggTime !== undefined) m.agg_time_dimension = aggTime
    if (o.agg_params !== undefined && o.agg_params !== null) {
      const apPath = childPath(path, 'agg_params')
      const ap = r.obj(o.agg_params, apPath)
      if (ap) {
        const percentile = r.num(ap, 'percentile', apPath, (n) => (n >= 0 && n <= 1 ? undefined : `percentile must be between 0 and 1, found ${n}`))
        const discrete = r.bool(ap, 'use_discrete_percentile', apPath)
        const approximate = r.bool(ap, 'use_approximate_percentile', apPath)
        m.agg_params = {
          ...(percentile !== undefined ? { percentile } : {}),
          ...(discrete !== undefined ? { use_discrete_percentile: discrete } : {}),
          ...(approximate !== undefined ? { use_approximate_percentile: approximate } : {}),
        }
      }
    }
    if (agg === 'percentile' && m.agg_params?.percentile === undefined) {
      r.problem(childPath(childPath(path, 'agg_params'), 'percentile'), 'a percentile measure needs agg_params.percentile')
    }
    if (o.non_additive_dimension !== undefined && o.non_additive_dimension !== null) {
      const nPath = childPath(path, 'non_additive_dimension')
      const n = r.obj(o.non_additive_dimension, nPath)
      if (n) {
        const nName = r.str(n, 'name', nPath, { required: true })
        const choice = r.oneOf(n, 'window_choice', nPath, ['min', 'max'] as const)
        const groupings = r.strings(n, 'window_groupings', nPath)
        if (nName !== undefined) {
          m.non_additive_dimension = { name: nName, ...(choice ? { window_choice: choice } : {}), ...(groupings ? { window_groupings: groupings } : {}) }
        }
      }
    }
    if (name === undefined || agg === undefined) return undefined
    return this.track(m, r, path)
  }

  // ---------------------------------------------------------------- metrics

  private filters(r: Reader, o: Obj, path: string): string | string[] | undefined {
    const list = r.strings(o, 'filter', path)
    if (list === undefined) return undefined
    list.forEach((f, i) => {
      try {
        parseWhereFilter(f)
      } catch (err) {
        r.problem(Array.isArray(o.filter) ? childPath(childPath(path, 'filter'), i) : childPath(path, 'filter'), (err as Error).message)
      }
    })
    return typeof o.filter === 'string' ? list[0] : list
  }

  private window(r: Reader, o: Obj, key: string, path: string): string | undefined {
    const w = r.str(o, key, path, { coerce: true })
    if (w === undefined) return undefined
    if (!parseWindow(w, this.customGrainNames)) {
      // Custom granularities may be declared in a later file: re-checked in validateManifest.
      if (!/^\s*\d+\s+[A-Za-z_]+\s*$/.test(w)) {
        r.problem(childPath(path, key), `"${w}" is not a time window like "7 days" or "1 month"`)
        return undefined
      }
    }
    return w.trim()
  }

  private measureInput(r: Reader, v: unknown, path: string): string | MeasureInput | undefined {
    if (typeof v === 'string') return v
    const o = r.obj(v, path)
    if (!o) return undefined
    const name = r.str(o, 'name', path, { required: true })
    if (name === undefined) return undefined
    const mi: MeasureInput = { name }
    const filter = this.filters(r, o, path)
    if (filter !== undefined) mi.filter = filter
    const alias = r.str(o, 'alias', path)
    if (alias !== undefined) mi.alias = alias
    const jts = r.bool(o, 'join_to_timespine', path)
    if (jts !== undefined) mi.join_to_timespine = jts
    const fill = r.num(o, 'fill_nulls_with', path)
    if (fill !== undefined) mi.fill_nulls_with = fill
    return this.track(mi, r, path)
  }

  private metricInput(r: Reader, v: unknown, path: string): MetricInput | undefined {
    if (typeof v === 'string') return { name: v }
    const o = r.obj(v, path)
    if (!o) return undefined
    const name = r.str(o, 'name', path, { required: true })
    if (name === undefined) return undefined
    const mi: MetricInput = { name }
    const filter = this.filters(r, o, path)
    if (filter !== undefined) mi.filter = filter
    const alias = r.str(o, 'alias', path)
    if (alias !== undefined) mi.alias = alias
    const offsetWindow = this.window(r, o, 'offset_window', path)
    if (offsetWindow !== undefined) mi.offset_window = offsetWindow
    const offsetToGrain = this.grain(r, o, 'offset_to_grain', path)
    if (offsetToGrain !== undefined) mi.offset_to_grain = offsetToGrain
    if (offsetWindow !== undefined && offsetToGrain !== undefined) {
      r.problem(path, 'a metric input takes offset_window or offset_to_grain, not both')
    }
    return this.track(mi, r, path)
  }

  private format(r: Reader, v: unknown, path: string): ValueFormat | undefined {
    const o = r.obj(v, path)
    if (!o) return undefined
    const type = r.oneOf(o, 'type', path, ['number', 'currency', 'percent'] as const, { required: true })
    const decimals = r.num(o, 'decimals', path, (n) => (Number.isInteger(n) && n >= 0 && n <= 12 ? undefined : 'decimals must be an integer from 0 to 12'))
    if (type === 'currency') {
      const currency = r.str(o, 'currency', path, { required: true })
      if (currency === undefined) return undefined
      return { type, currency, ...(decimals !== undefined ? { decimals } : {}) }
    }
    if (type === undefined) return undefined
    return { type, ...(decimals !== undefined ? { decimals } : {}) }
  }

  private metric(r: Reader, v: unknown, path: string): void {
    const o = r.obj(v, path)
    if (!o) return
    const name = r.name(o, 'name', path)
    const type = r.oneOf(o, 'type', path, METRIC_TYPES, { required: true })
    const tpPath = childPath(path, 'type_params')
    const tp = o.type_params === undefined || o.type_params === null ? {} : r.obj(o.type_params, tpPath) ?? {}
    const metric: Metric = { name: name ?? '', type: type ?? 'simple', type_params: {}, ...this.plannerFields(r, o, path) }
    const filter = this.filters(r, o, path)
    if (filter !== undefined) metric.filter = filter
    const grain = this.grain(r, o, 'time_granularity', path)
    if (grain !== undefined) metric.time_granularity = grain
    const f = this.metaFormat(r, o, path)
    if (f) metric.format = f
    const p = metric.type_params
    if (tp.measure !== undefined) {
      const m = this.measureInput(r, tp.measure, childPath(tpPath, 'measure'))
      if (m !== undefined) p.measure = m
    }
    if (tp.numerator !== undefined) p.numerator = this.metricInput(r, tp.numerator, childPath(tpPath, 'numerator'))
    if (tp.denominator !== undefined) p.denominator = this.metricInput(r, tp.denominator, childPath(tpPath, 'denominator'))
    if (p.numerator === undefined) delete p.numerator
    if (p.denominator === undefined) delete p.denominator
    const expr = r.str(tp, 'expr', tpPath, { coerce: true })
    if (expr !== undefined) p.expr = expr
    if (tp.metrics !== undefined) {
      p.metrics = []
      r.list(tp.metrics, childPath(tpPath, 'metrics')).forEach((x, i) => {
        const mi = this.metricInput(r, x, childPath(childPath(tpPath, 'metrics'), i))
        if (mi) p.metrics!.push(mi)
      })
    }
    const window = this.window(r, tp, 'window', tpPath)
    if (window !== undefined) p.window = window
    const gtd = this.grain(r, tp, 'grain_to_date', tpPath)
    if (gtd !== undefined) p.grain_to_date = gtd
    if (tp.cumulative_type_params !== undefined && tp.cumulative_type_params !== null) {
      const cPath = childPath(tpPath, 'cumulative_type_params')
      const c = r.obj(tp.cumulative_type_params, cPath)
      if (c) {
        const cw = this.window(r, c, 'window', cPath)
        const cg = this.grain(r, c, 'grain_to_date', cPath)
        const pa = r.oneOf(c, 'period_agg', cPath, ['first', 'last', 'average'] as const)
        p.cumulative_type_params = { ...(cw ? { window: cw } : {}), ...(cg ? { grain_to_date: cg } : {}), ...(pa ? { period_agg: pa } : {}) }
        if (cw && cg) r.problem(cPath, 'a cumulative metric takes window or grain_to_date, not both')
      }
    }
    if (tp.conversion_type_params !== undefined && tp.conversion_type_params !== null) {
      const cPath = childPath(tpPath, 'conversion_type_params')
      const c = r.obj(tp.conversion_type_params, cPath)
      if (c) {
        const base = c.base_measure !== undefined ? this.measureInput(r, c.base_measure, childPath(cPath, 'base_measure')) : undefined
        const conv = c.conversion_measure !== undefined ? this.measureInput(r, c.conversion_measure, childPath(cPath, 'conversion_measure')) : undefined
        if (c.base_measure === undefined) r.problem(childPath(cPath, 'base_measure'), '"base_measure" is required')
        if (c.conversion_measure === undefined) r.problem(childPath(cPath, 'conversion_measure'), '"conversion_measure" is required')
        const entity = r.str(c, 'entity', cPath, { required: true })
        const calculation = r.oneOf(c, 'calculation', cPath, ['conversions', 'conversion_rate'] as const)
        const cw = this.window(r, c, 'window', cPath)
        const props: Array<{ base_property: string; conversion_property: string }> = []
        r.list(c.constant_properties, childPath(cPath, 'constant_properties'), { allowMissing: true }).forEach((x, i) => {
          const pp = childPath(childPath(cPath, 'constant_properties'), i)
          const po = r.obj(x, pp)
          if (!po) return
          const b = r.str(po, 'base_property', pp, { required: true })
          const cp = r.str(po, 'conversion_property', pp, { required: true })
          if (b !== undefined && cp !== undefined) props.push({ base_property: b, conversion_property: cp })
        })
        if (base !== undefined && conv !== undefined && entity !== undefined) {
          p.conversion_type_params = {
            base_measure: base, conversion_measure: conv, entity,
            ...(calculation ? { calculation } : {}), ...(cw ? { window: cw } : {}),
            ...(props.length > 0 ? { constant_properties: props } : {}),
          }
        }
      }
    }
    const jts = r.bool(tp, 'join_to_timespine', tpPath)
    if (jts !== undefined) p.join_to_timespine = jts
    const fill = r.num(tp, 'fill_nulls_with', tpPath)
    if (fill !== undefined) p.fill_nulls_with = fill

    // Shape rules per metric type.
    if (type === 'simple' || type === 'cumulative') {
      if (tp.measure === undefined) r.problem(childPath(tpPath, 'measure'), `a ${type} metric needs type_params.measure`)
    }
    if (type === 'ratio') {
      if (tp.numerator === undefined) r.problem(childPath(tpPath, 'numerator'), 'a ratio metric needs type_params.numerator')
      if (tp.denominator === undefined) r.problem(childPath(tpPath, 'denominator'), 'a ratio metric needs type_params.denominator')
    }
    if (type === 'derived') {
      if (p.expr === undefined) r.problem(childPath(tpPath, 'expr'), 'a derived metric needs type_params.expr')
      if (tp.metrics === undefined) r.problem(childPath(tpPath, 'metrics'), 'a derived metric needs type_params.metrics')
    }
    if (type === 'conversion' && (tp.conversion_type_params === undefined || tp.conversion_type_params === null)) {
      r.problem(childPath(tpPath, 'conversion_type_params'), 'a conversion metric needs type_params.conversion_type_params')
    }
    if (name === undefined || type === undefined) return
    this.manifest.metrics.push(this.track(metric, r, path))
  }

  // ---------------------------------------------------------------- saved queries

  private savedQuery(r: Reader, v: unknown, path: string): void {
    const o = r.obj(v, path)
    if (!o) return
    const name = r.name(o, 'name', path)
    const qpPath = childPath(path, 'query_params')
    const qp = o.query_params === undefined ? undefined : r.obj(o.query_params, qpPath)
    if (o.query_params === undefined) r.problem(qpPath, '"query_params" is required')
    const sq: SavedQuery = { name: name ?? '', query_params: { metrics: [] }, ...this.plannerFields(r, o, path) }
    if (qp) {
      sq.query_params.metrics = r.strings(qp, 'metrics', qpPath) ?? []
      const groupBy = r.strings(qp, 'group_by', qpPath)
      if (groupBy) sq.query_params.group_by = groupBy
      const where = r.strings(qp, 'where', qpPath)
      if (where) {
        where.forEach((w, i) => {
          try { parseWhereFilter(w) } catch (err) { r.problem(childPath(childPath(qpPath, 'where'), i), (err as Error).message) }
        })
        sq.query_params.where = where
      }
      const orderBy = r.strings(qp, 'order_by', qpPath)
      if (orderBy) sq.query_params.order_by = orderBy
      const limit = r.num(qp, 'limit', qpPath, (n) => (Number.isInteger(n) && n >= 0 ? undefined : 'limit must be a non-negative integer'))
      if (limit !== undefined) sq.query_params.limit = limit
    }
    if (name === undefined) return
    this.manifest.saved_queries.push(this.track(sq, r, path))
  }

  // ---------------------------------------------------------------- time spines

  private addSpine(spine: TimeSpine, r: Reader, path: string): void {
    const key = (s: TimeSpine) => `${s.node_relation.database ?? ''}.${s.node_relation.schema_name ?? ''}.${s.node_relation.alias}`
    const existing = this.manifest.time_spines.find((s) => key(s) === key(spine) && s.primary_column.name === spine.primary_column.name)
    if (existing) {
      // The legacy table configuration and `time_spines` often describe the same table.
      if (spine.custom_granularities) existing.custom_granularities = [...(existing.custom_granularities ?? []), ...spine.custom_granularities]
      return
    }
    for (const cg of spine.custom_granularities ?? []) this.customGrainNames.add(cg.name)
    this.manifest.time_spines.push(this.track(spine, r, path))
  }

  private customGranularities(r: Reader, v: unknown, path: string): Array<{ name: string; column_name?: string }> {
    const out: Array<{ name: string; column_name?: string }> = []
    r.list(v, path, { allowMissing: true }).forEach((x, i) => {
      const p = childPath(path, i)
      const o = r.obj(x, p)
      if (!o) return
      const name = r.name(o, 'name', p)
      const column = r.str(o, 'column_name', p)
      if (name === undefined) return
      if ((TIME_GRAINS as readonly string[]).includes(name)) {
        r.problem(childPath(p, 'name'), `custom granularity "${name}" clashes with a standard time granularity`)
        return
      }
      out.push({ name, ...(column !== undefined ? { column_name: column } : {}) })
    })
    return out
  }

  private projectConfiguration(r: Reader, v: unknown, path: string): void {
    const o = r.obj(v, path)
    if (!o) return
    const legacyPath = childPath(path, 'time_spine_table_configurations')
    r.list(o.time_spine_table_configurations, legacyPath, { allowMissing: true }).forEach((x, i) => {
      const p = childPath(legacyPath, i)
      const c = r.obj(x, p)
      if (!c) return
      const location = this.resolveSchema(r, r.str(c, 'location', p, { required: true }), childPath(p, 'location'))
      const column = r.str(c, 'column_name', p, { required: true })
      const grain = this.grain(r, c, 'grain', p, { required: true })
      if (location === undefined || column === undefined || grain === undefined) return
      this.addSpine({ node_relation: this.relationFromDotted(location), primary_column: { name: column, time_granularity: grain } }, r, p)
    })
    const spinesPath = childPath(path, 'time_spines')
    r.list(o.time_spines, spinesPath, { allowMissing: true }).forEach((x, i) => {
      const p = childPath(spinesPath, i)
      const s = r.obj(x, p)
      if (!s) return
      const rel = s.node_relation !== undefined ? this.nodeRelation(r, s.node_relation, childPath(p, 'node_relation')) : undefined
      if (s.node_relation === undefined) r.problem(childPath(p, 'node_relation'), '"node_relation" is required')
      const pcPath = childPath(p, 'primary_column')
      const pc = s.primary_column !== undefined ? r.obj(s.primary_column, pcPath) : undefined
      if (s.primary_column === undefined) r.problem(pcPath, '"primary_column" is required')
      const column = pc ? r.str(pc, 'name', pcPath, { required: true }) : undefined
      const grain = pc ? this.grain(r, pc, 'time_granularity', pcPath, { required: true }) : undefined
      const custom = this.customGranularities(r, s.custom_granularities, childPath(p, 'custom_granularities'))
      if (!rel || column === undefined || grain === undefined) return
      this.addSpine({ node_relation: rel, primary_column: { name: column, time_granularity: grain }, ...(custom.length > 0 ? { custom_granularities: custom } : {}) }, r, p)
    })
    const known = ['time_spine_table_configurations', 'time_spines', 'dsi_package_version', 'metadata']
    for (const k of Object.keys(o)) if (!known.includes(k)) r.problem(childPath(path, k), `unknown field "${k}"`)
  }

  /** dbt >= 1.9 declares time spines on models: `models: [{name, time_spine: {...}, columns: [...]}]`. */
  private dbtModel(r: Reader, v: unknown, path: string): void {
    if (isObj(v) && v.time_spine === undefined && v.name === 'metricflow_time_spine') {
      // dbt < 1.9: a model named metricflow_time_spine with a daily `date_day` column.
      this.addSpine({ node_relation: this.relationForModelName('metricflow_time_spine'), primary_column: { name: 'date_day', time_granularity: 'day' } }, r, path)
      return
    }
    if (!isObj(v) || v.time_spine === undefined) return
    const name = r.str(v, 'name', path, { required: true })
    const tsPath = childPath(path, 'time_spine')
    const ts = r.obj(v.time_spine, tsPath)
    if (!ts || name === undefined) return
    const column = r.str(ts, 'standard_granularity_column', tsPath, { required: true })
    if (column === undefined) return
    let grain: TimeGrain | undefined
    r.list(v.columns, childPath(path, 'columns'), { allowMissing: true }).forEach((c, i) => {
      if (isObj(c) && c.name === column) grain = this.grain(r, c, 'granularity', childPath(childPath(path, 'columns'), i))
    })
    if (grain === undefined) {
      r.problem(childPath(path, 'columns'), `dbt model "${name}" declares time_spine.standard_granularity_column "${column}" but has no column "${column}" with "granularity" (add columns: [{name: ${column}, granularity: day}])`)
      return
    }
    const custom = this.customGranularities(r, ts.custom_granularities, childPath(tsPath, 'custom_granularities'))
    this.addSpine({
      node_relation: this.relationForModelName(name),
      primary_column: { name: column, time_granularity: grain },
      ...(custom.length > 0 ? { custom_granularities: custom } : {}),
    }, r, tsPath)
  }

  /** Measures with `create_metric: true` get a simple metric of the same name. */
  finish(): void {
    const names = new Set(this.manifest.metrics.map((m) => m.name))
    for (const sm of this.manifest.semantic_models) {
      for (const m of sm.measures) {
        if (!m.create_metric || names.has(m.name)) continue
        const metric: Metric = {
          name: m.name, type: 'simple', type_params: { measure: m.name },
          ...(m.label ? { label: m.label } : {}), ...(m.description ? { description: m.description } : {}),
          ...(m.synonyms ? { synonyms: m.synonyms } : {}),
        }
        const origin = this.origins.get(m)
        if (origin) this.origins.set(metric, origin)
        this.manifest.metrics.push(metric)
        names.add(m.name)
      }
    }
  }
}

/** Imports dbt MetricFlow YAML files. Problems hold every issue found, located by file and YAML path. */
export function importMetricFlow(files: Array<{ path: string; content: string }>, opts: ImportOptions = {}): ImportResult {
  const problems: ImportProblem[] = []
  const docs = readYamlFiles(files, problems)
  const builder = new ManifestBuilder(opts, problems)
  for (const doc of docs) builder.readDocument(doc)
  builder.finish()
  for (const p of validateManifest(builder.manifest)) {
    const origin = p.at ? builder.origins.get(p.at.object) : undefined
    if (origin) {
      const path = p.at?.field ? childPath(origin.path, p.at.field) : origin.path
      const line = lineFor(origin.lines, path)
      problems.push({ file: origin.file, path, message: p.message, ...(line !== undefined ? { line } : {}) })
    } else {
      problems.push({ file: '', path: p.path, message: p.message })
    }
  }
  const locate = (object: object, field?: string) => {
    const origin = builder.origins.get(object)
    if (!origin) return undefined
    // `a|b`: the first field written in the file (node_relation|model).
    const fields = field?.split('|') ?? []
    const written = fields.find((f) => origin.lines.has(childPath(origin.path, f))) ?? fields[0]
    const path = written ? childPath(origin.path, written) : origin.path
    const line = lineFor(origin.lines, path)
    return { file: origin.file, path, ...(line !== undefined ? { line } : {}) }
  }
  return { manifest: builder.manifest, problems, locate }
}
