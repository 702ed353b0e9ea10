// The semantic layer as the API sees it: metrics, dimensions and models of a
// connection, each change validated against the whole layer before it is
// stored, plus MetricFlow import and sample-value refresh.
import { and, eq } from 'drizzle-orm'
import type { Db } from '../store/db'
import { semanticDimensions, semanticMetrics, semanticModels } from '../store/schema'
import { importMetricFlow, validateManifest, compile, MAX_SAMPLE_VALUE_CHARS, type ManifestProblem } from '../../semantic'
import { importDbtManifestFiles } from '../../semantic/import/dbt-manifest'
import type { Dimension, Metric, SemanticManifest, SemanticModel } from '../../semantic/types'
import { AppError, notFound, type ErrorDetail } from '../errors'
import { SemanticStore, type DimensionRow, type MetricRow, type ModelRow, modelDefinition } from './semantic-store'
import type { ConnectionService, ConnectionRow } from '../connections/connection-service'
import type { SchemaInfo } from '../../connectors/connector'
import { dialectOf } from '../../connectors/registry'
import { newId } from '../ids'
import type { SqlExecutor } from '../query/executor'
import { SqlGuardError } from '../security/sql-guard'
import { expressionProbes } from './expression-probe'
import { ValidationService, type ValidationReport } from './validation-service'
import { discardedAnnotations, keepAnnotations, liveImportProblems, objectAt, refScope, type Located } from './dbt-project'

const SAMPLE_VALUES_LIMIT = 200
const SAMPLE_VALUES_TIMEOUT_MS = 30_000

function problemsError(problems: Array<{ path: string; message: string; file?: string; line?: number }>, message: string): AppError {
  return new AppError('invalid_model', `${message}: ${problems[0].message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
    problems.map((p) => ({ path: p.path, issue: p.message, ...(p.file ? { file: p.file } : {}), ...(p.line ? { line: p.line } : {}) })))
}

function assertValid(manifest: SemanticManifest, what: string): void {
  const problems: ManifestProblem[] = validateManifest(manifest)
  if (problems.length) throw problemsError(problems, `${what} is not valid`)
}

/** Refuses expressions the SQL guard would refuse on this connection (denied functions, tables outside the layer). */
function assertGuarded(executor: SqlExecutor, conn: ConnectionRow, manifest: SemanticManifest, what: string): void {
  const problems = guardProblems(executor, conn, manifest)
  if (problems.length) throw problemsError(problems, `${what} is not valid`)
}

function guardProblems(executor: SqlExecutor, conn: ConnectionRow, manifest: SemanticManifest): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = []
  // One guard for every probe of the layer: its allow list built once, not once per model.
  const guard = executor.guardFor(conn, manifest)
  const refusal = (sql: string) => {
    try { guard(sql); return null } catch (e) {
      if (e instanceof SqlGuardError) return e.reasons.join('; ')
      throw e
    }
  }
  for (const probe of expressionProbes(manifest, dialectOf(conn.type))) {
    if (refusal(probe.sql) === null) continue
    for (const part of probe.parts) {
      const why = refusal(part.sql)
      if (why !== null) problems.push({ path: part.path, message: `the expression is refused by the SQL guard: ${why}` })
    }
  }
  return problems
}

/** Names of measures each metric uses, directly or through its inputs' definitions. */
function measuresUsed(m: Metric): string[] {
  const tp = m.type_params
  const name = (x: unknown) => (typeof x === 'string' ? x : (x as { name?: string } | undefined)?.name)
  return [name(tp.measure), name(tp.conversion_type_params?.base_measure), name(tp.conversion_type_params?.conversion_measure)].filter((x): x is string => !!x)
}
function metricsUsed(m: Metric): string[] {
  const tp = m.type_params
  const name = (x: unknown) => (typeof x === 'string' ? x : (x as { name?: string } | undefined)?.name)
  return [name(tp.numerator), name(tp.denominator), ...(tp.metrics ?? []).map((x) => x.name)].filter((x): x is string => !!x)
}

export class SemanticService {
  constructor(readonly store: SemanticStore, private readonly db: Db, private readonly connections: ConnectionService, private readonly executor: SqlExecutor) {}

  /** A changed layer is stored only when it is valid and every expression passes the SQL guard. */
  private async assertStorable(tenantId: string, conn: ConnectionRow | string, manifest: SemanticManifest, what: string): Promise<void> {
    assertValid(manifest, what)
    const row = typeof conn === 'string' ? await this.connections.get(tenantId, conn) : conn
    assertGuarded(this.executor, row, manifest, what)
  }

  async connection(tenantId: string, connectionId?: string): Promise<ConnectionRow> {
    return this.connections.resolve(tenantId, connectionId)
  }

  // ------------------------------------------------------------ metrics

  async getMetric(tenantId: string, id: string): Promise<MetricRow> {
    const [row] = await this.db.select().from(semanticMetrics).where(and(eq(semanticMetrics.tenantId, tenantId), eq(semanticMetrics.id, id)))
    if (!row) throw notFound('metric')
    return row
  }

  async createMetric(tenantId: string, connectionId: string | undefined, metric: Metric): Promise<MetricRow> {
    const conn = await this.connection(tenantId, connectionId)
    const { manifest } = await this.store.load(tenantId, conn.id)
    if (manifest.metrics.some((m) => m.name === metric.name)) {
      throw new AppError('conflict', `a metric named "${metric.name}" already exists`, [{ path: 'name', issue: 'duplicate' }])
    }
    await this.assertStorable(tenantId, conn, { ...manifest, metrics: [...manifest.metrics, metric] }, `metric "${metric.name}"`)
    const id = await this.store.upsertMetric(this.db, tenantId, conn.id, metric)
    return this.getMetric(tenantId, id)
  }

  async updateMetric(tenantId: string, id: string, patch: Partial<Metric>): Promise<MetricRow> {
    const row = await this.getMetric(tenantId, id)
    const { manifest } = await this.store.load(tenantId, row.connectionId)
    const current = manifest.metrics.find((m) => m.name === row.name)!
    const next: Metric = { ...current, ...patch, type_params: patch.type_params ?? current.type_params }
    if (next.name !== row.name) {
      if (manifest.metrics.some((m) => m.name === next.name)) throw new AppError('conflict', `a metric named "${next.name}" already exists`, [{ path: 'name', issue: 'duplicate' }])
      const users = manifest.metrics.filter((m) => metricsUsed(m).includes(row.name))
      if (users.length) throw new AppError('in_use', `metric "${row.name}" is used by ${users.map((u) => u.name).join(', ')}; it cannot be renamed`, users.map((u) => ({ issue: 'used_by', metric: u.name })))
    }
    await this.assertStorable(tenantId, row.connectionId, { ...manifest, metrics: manifest.metrics.map((m) => (m.name === row.name ? next : m)) }, `metric "${next.name}"`)
    const { name, ...def } = next
    await this.db.update(semanticMetrics).set({ name, definition: def as Record<string, unknown>, updatedAt: new Date() })
      .where(and(eq(semanticMetrics.tenantId, tenantId), eq(semanticMetrics.id, id)))
    return this.getMetric(tenantId, id)
  }

  async deleteMetric(tenantId: string, id: string): Promise<void> {
    const row = await this.getMetric(tenantId, id)
    const { manifest } = await this.store.load(tenantId, row.connectionId)
    const users = manifest.metrics.filter((m) => m.name !== row.name && metricsUsed(m).includes(row.name))
    if (users.length) throw new AppError('in_use', `metric "${row.name}" is used by ${users.map((u) => u.name).join(', ')}`, users.map((u) => ({ issue: 'used_by', metric: u.name })))
    await this.db.delete(semanticMetrics).where(and(eq(semanticMetrics.tenantId, tenantId), eq(semanticMetrics.id, id)))
  }

  // ------------------------------------------------------------ dimensions

  async getDimension(tenantId: string, id: string): Promise<{ row: DimensionRow; model: ModelRow }> {
    const [row] = await this.db.select().from(semanticDimensions).where(and(eq(semanticDimensions.tenantId, tenantId), eq(semanticDimensions.id, id)))
    if (!row) throw notFound('dimension')
    const [model] = await this.db.select().from(semanticModels).where(and(eq(semanticModels.tenantId, tenantId), eq(semanticModels.id, row.modelId)))
    return { row, model }
  }

  private async modelByRef(tenantId: string, connectionId: string, ref: string): Promise<ModelRow> {
    const [m] = await this.db.select().from(semanticModels).where(and(eq(semanticModels.tenantId, tenantId), eq(semanticModels.connectionId, connectionId),
      ref.startsWith('sm_') ? eq(semanticModels.id, ref) : eq(semanticModels.name, ref)))
    if (!m) throw new AppError('unprocessable', `semantic model "${ref}" does not exist on this connection`, [{ path: 'semantic_model', issue: 'unknown' }])
    return m
  }

  async createDimension(tenantId: string, connectionId: string | undefined, modelRef: string, dim: Dimension): Promise<{ row: DimensionRow; model: ModelRow }> {
    const conn = await this.connection(tenantId, connectionId)
    const model = await this.modelByRef(tenantId, conn.id, modelRef)
    const { manifest } = await this.store.load(tenantId, conn.id)
    const sm = manifest.semantic_models.find((m) => m.name === model.name)!
    if (sm.dimensions.some((d) => d.name === dim.name)) throw new AppError('conflict', `model "${model.name}" already has a dimension "${dim.name}"`, [{ path: 'name', issue: 'duplicate' }])
    await this.assertStorable(tenantId, conn, { ...manifest, semantic_models: manifest.semantic_models.map((m) => (m === sm ? { ...m, dimensions: [...m.dimensions, dim] } : m)) }, `dimension "${dim.name}"`)
    const { name, sample_values, ...def } = dim
    const id = newId('dim')
    await this.db.insert(semanticDimensions).values({ id, tenantId, connectionId: conn.id, modelId: model.id, name, definition: def, sampleValues: sample_values ?? null })
    return this.getDimension(tenantId, id)
  }

  async updateDimension(tenantId: string, id: string, patch: Partial<Dimension>): Promise<{ row: DimensionRow; model: ModelRow }> {
    const { row, model } = await this.getDimension(tenantId, id)
    const { manifest } = await this.store.load(tenantId, row.connectionId)
    const sm = manifest.semantic_models.find((m) => m.name === model.name)!
    const current = sm.dimensions.find((d) => d.name === row.name)!
    const next: Dimension = { ...current, ...patch }
    await this.assertStorable(tenantId, row.connectionId, { ...manifest, semantic_models: manifest.semantic_models.map((m) => (m === sm ? { ...m, dimensions: m.dimensions.map((d) => (d.name === row.name ? next : d)) } : m)) }, `dimension "${next.name}"`)
    const { name, sample_values, ...def } = next
    await this.db.update(semanticDimensions).set({ name, definition: def, ...(patch.sample_values ? { sampleValues: sample_values } : {}), updatedAt: new Date() })
      .where(and(eq(semanticDimensions.tenantId, tenantId), eq(semanticDimensions.id, id)))
    return this.getDimension(tenantId, id)
  }

  async deleteDimension(tenantId: string, id: string): Promise<void> {
    const { row, model } = await this.getDimension(tenantId, id)
    const { manifest } = await this.store.load(tenantId, row.connectionId)
    const next = { ...manifest, semantic_models: manifest.semantic_models.map((m) => (m.name === model.name ? { ...m, dimensions: m.dimensions.filter((d) => d.name !== row.name) } : m)) }
    const problems = validateManifest(next)
    if (problems.length) throw new AppError('in_use', `dimension "${row.name}" is still referenced: ${problems[0].message}`, problems.map((p) => ({ path: p.path, issue: p.message })))
    await this.db.delete(semanticDimensions).where(and(eq(semanticDimensions.tenantId, tenantId), eq(semanticDimensions.id, id)))
  }

  /** Reads up to 200 distinct values of a categorical dimension from the database. */
  async refreshSampleValues(tenantId: string, id: string): Promise<{ row: DimensionRow; model: ModelRow }> {
    const { row, model } = await this.getDimension(tenantId, id)
    const conn = await this.connections.get(tenantId, row.connectionId)
    const { manifest } = await this.store.load(tenantId, conn.id)
    const values = await this.sampleValues(conn, manifest, model.name, row.name)
    await this.store.setSampleValues(tenantId, id, values)
    return this.getDimension(tenantId, id)
  }

  private async sampleValues(conn: ConnectionRow, manifest: SemanticManifest, modelName: string, dimName: string,
    layer: Pick<ReturnType<SqlExecutor['forLayer']>, 'prepare'> = this.executor.forLayer(conn, manifest)): Promise<unknown[]> {
    const model = manifest.semantic_models.find((m) => m.name === modelName)!
    const entity = model.primary_entity ?? model.entities.find((e) => e.type === 'primary' || e.type === 'unique' || e.type === 'natural')?.name
    if (!entity) return []
    // A dimension-only query compiles to SELECT DISTINCT: the compiler builds it, the executor guards and bounds it.
    const compiled = compile({ metrics: [], group_by: [`${entity}__${dimName}`], order_by: [`${entity}__${dimName}`], limit: SAMPLE_VALUES_LIMIT }, manifest, dialectOf(conn.type))
    const statement = layer.prepare(compiled, { maxRows: SAMPLE_VALUES_LIMIT, timeoutMs: SAMPLE_VALUES_TIMEOUT_MS })
    const out: unknown[] = []
    for await (const b of statement.rows(AbortSignal.timeout(SAMPLE_VALUES_TIMEOUT_MS + 1_000))) {
      // A value longer than a planner reads (MAX_SAMPLE_VALUE_CHARS) is not kept: 200 of them could be 200 MiB.
      for (const r of b.rows) if (r[0] !== null && r[0] !== undefined && r[0] !== '' && String(r[0]).length <= MAX_SAMPLE_VALUE_CHARS) out.push(r[0])
    }
    return out
  }

  /**
   * Reads the values of every categorical dimension of `manifest` (keyed
   * `model.dimension`), touching nothing in the store: an import reads them
   * before its first write (see import). Failures are reported, not thrown.
   */
  private async readAllSampleValues(conn: ConnectionRow, manifest: SemanticManifest): Promise<SampleValuesRead> {
    const values = new Map<string, unknown[]>()
    const failed: Array<{ dimension: string; reason: string }> = []
    // One guard for every dimension's statement: built per statement, it cost dimensions times models.
    const layer = this.executor.forLayer(conn, manifest)
    for (const m of manifest.semantic_models) {
      for (const d of m.dimensions) {
        if (d.type !== 'categorical' || (d as { sample_values_enabled?: boolean }).sample_values_enabled === false) continue
        try {
          values.set(`${m.name}.${d.name}`, await this.sampleValues(conn, manifest, m.name, d.name, layer))
        } catch (e) {
          failed.push({ dimension: `${m.name}.${d.name}`, reason: (e as Error).message })
        }
      }
    }
    return { values, failed }
  }

  /** Stores values read by readAllSampleValues on the stored dimensions they belong to. */
  private async storeSampleValues(tenantId: string, connectionId: string, read: SampleValuesRead): Promise<{ refreshed: number; failed: Array<{ dimension: string; reason: string }> }> {
    const layer = await this.store.load(tenantId, connectionId)
    const modelName = new Map(layer.models.map((m) => [m.id, m.name]))
    let refreshed = 0
    for (const d of layer.dimensions) {
      const values = read.values.get(`${modelName.get(d.modelId)}.${d.name}`)
      if (!values) continue
      await this.store.setSampleValues(tenantId, d.id, values)
      refreshed++
    }
    return { refreshed, failed: read.failed }
  }

  /** Refreshes every categorical dimension of a connection. Failures are reported, not thrown. */
  async refreshAllSampleValues(tenantId: string, connectionId: string): Promise<{ refreshed: number; failed: Array<{ dimension: string; reason: string }> }> {
    const conn = await this.connections.get(tenantId, connectionId)
    const read = await this.readAllSampleValues(conn, (await this.store.load(tenantId, connectionId)).manifest)
    return this.storeSampleValues(tenantId, connectionId, read)
  }

  // ------------------------------------------------------------ models

  async getModel(tenantId: string, id: string): Promise<{ row: ModelRow; model: SemanticModel }> {
    const [row] = await this.db.select().from(semanticModels).where(and(eq(semanticModels.tenantId, tenantId), eq(semanticModels.id, id)))
    if (!row) throw notFound('semantic model')
    const { manifest } = await this.store.load(tenantId, row.connectionId)
    return { row, model: manifest.semantic_models.find((m) => m.name === row.name)! }
  }

  async createModel(tenantId: string, connectionId: string | undefined, model: SemanticModel): Promise<{ row: ModelRow; model: SemanticModel }> {
    const conn = await this.connection(tenantId, connectionId)
    const { manifest } = await this.store.load(tenantId, conn.id)
    if (manifest.semantic_models.some((m) => m.name === model.name)) throw new AppError('conflict', `a semantic model named "${model.name}" already exists`, [{ path: 'name', issue: 'duplicate' }])
    const next = { ...manifest, semantic_models: [...manifest.semantic_models, model] }
    await this.assertStorable(tenantId, conn, next, `semantic model "${model.name}"`)
    await this.store.write(tenantId, conn.id, { semantic_models: [model], metrics: [], time_spines: [], saved_queries: [] }, 'merge')
    const [row] = await this.db.select({ id: semanticModels.id }).from(semanticModels)
      .where(and(eq(semanticModels.tenantId, tenantId), eq(semanticModels.connectionId, conn.id), eq(semanticModels.name, model.name)))
    return this.getModel(tenantId, row.id)
  }

  private assertMeasuresUnused(manifest: SemanticManifest, removed: string[], what: string): void {
    if (!removed.length) return
    const users = manifest.metrics.filter((m) => measuresUsed(m).some((x) => removed.includes(x)))
    if (users.length) {
      throw new AppError('in_use', `${what}: measure ${removed.filter((r) => users.some((u) => measuresUsed(u).includes(r))).join(', ')} is still used by ${users.map((u) => u.name).join(', ')}`,
        users.map((u) => ({ issue: 'used_by', metric: u.name })))
    }
  }

  async updateModel(tenantId: string, id: string, patch: Partial<SemanticModel>): Promise<{ row: ModelRow; model: SemanticModel }> {
    const { row, model } = await this.getModel(tenantId, id)
    const { manifest } = await this.store.load(tenantId, row.connectionId)
    // a field sent is replaced, a field not sent (absent or undefined) is kept
    const sent = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<SemanticModel>
    const next: SemanticModel = { ...model, ...sent, name: sent.name ?? model.name }
    const removed = model.measures.map((m) => m.name).filter((n) => !next.measures.some((m) => m.name === n))
    this.assertMeasuresUnused(manifest, removed, `cannot update semantic model "${model.name}"`)
    if (next.name !== model.name && manifest.semantic_models.some((m) => m.name === next.name)) {
      throw new AppError('conflict', `a semantic model named "${next.name}" already exists`, [{ path: 'name', issue: 'duplicate' }])
    }
    await this.assertStorable(tenantId, row.connectionId, { ...manifest, semantic_models: manifest.semantic_models.map((m) => (m.name === model.name ? next : m)) }, `semantic model "${next.name}"`)
    await this.db.update(semanticModels).set({ name: next.name, definition: modelDefinition(next), updatedAt: new Date() })
      .where(and(eq(semanticModels.tenantId, tenantId), eq(semanticModels.id, id)))
    if (patch.dimensions) {
      await this.store.write(tenantId, row.connectionId, { semantic_models: [next], metrics: [], time_spines: [], saved_queries: [] }, 'merge')
    }
    return this.getModel(tenantId, id)
  }

  async deleteModel(tenantId: string, id: string): Promise<void> {
    const { row, model } = await this.getModel(tenantId, id)
    const { manifest } = await this.store.load(tenantId, row.connectionId)
    this.assertMeasuresUnused(manifest, model.measures.map((m) => m.name), `cannot delete semantic model "${model.name}"`)
    const problems = validateManifest({ ...manifest, semantic_models: manifest.semantic_models.filter((m) => m.name !== model.name) })
    if (problems.length) throw new AppError('in_use', `semantic model "${model.name}" is still referenced: ${problems[0].message}`, problems.map((p) => ({ path: p.path, issue: p.message })))
    await this.db.delete(semanticModels).where(and(eq(semanticModels.tenantId, tenantId), eq(semanticModels.id, id)))
  }

  // ------------------------------------------------------------ validation

  /** Probes every model of the connection's layer in the live database (see validation-service.ts). */
  async validate(tenantId: string, connectionId?: string): Promise<ValidationReport> {
    const conn = await this.connection(tenantId, connectionId)
    return new ValidationService({ store: this.store, connections: this.connections, executor: this.executor }).validate(conn)
  }

  // ------------------------------------------------------------ import

  async import(tenantId: string, input: {
    connectionId?: string; files: Array<{ path: string; content: string }>; mode: 'merge' | 'replace'
    sourceSchema?: string; relationMap?: Record<string, string>; refreshSampleValues?: boolean; checkRelations?: boolean
    /** `dbt_semantic_manifest`: one file, dbt's target/semantic_manifest.json (relations already resolved by dbt). */
    format?: 'metricflow' | 'dbt_semantic_manifest'
  }): Promise<ImportOutcome> {
    const conn = await this.connection(tenantId, input.connectionId)
    const cfg = conn.config as Record<string, unknown>
    const sourceSchema = input.sourceSchema ?? (typeof cfg.schema === 'string' ? cfg.schema : typeof cfg.dataset === 'string' ? cfg.dataset : undefined)
    const scope = refScope(conn)
    const imported = input.format === 'dbt_semantic_manifest' ? importDbtManifestFiles(input.files) : importMetricFlow(input.files, {
      source_schema: sourceSchema, relation_map: input.relationMap, default_schema: scope.schema, default_database: scope.database,
    })
    const { manifest, locate } = imported
    const problems: Located[] = [...imported.problems]
    const warnings: Located[] = []
    // Every relation the project names must exist: the whole list of problems comes back at once.
    let introspected: SchemaInfo | undefined
    if (input.checkRelations !== false) {
      try {
        const schema = introspected = await this.connections.introspect(conn)
        const live = liveImportProblems(manifest, schema, locate)
        problems.push(...live.errors)
        warnings.push(...live.warnings)
      } catch (e) {
        warnings.push({ path: '', message: `relations were not checked: the database could not be introspected (${(e as Error).message})` })
      }
    }
    const current = (await this.store.load(tenantId, conn.id)).manifest
    const annotations = input.mode === 'replace'
      ? { discarded_annotations: discardedAnnotations(current, manifest) }
      : { kept_annotations: keepAnnotations(current, manifest) }
    const base = input.mode === 'replace' ? { semantic_models: [], metrics: [], time_spines: [], saved_queries: [] } : current
    const merged: SemanticManifest = {
      semantic_models: mergeByName(base.semantic_models, manifest.semantic_models),
      metrics: mergeByName(base.metrics, manifest.metrics),
      saved_queries: mergeByName(base.saved_queries, manifest.saved_queries),
      time_spines: manifest.time_spines.length ? manifest.time_spines : base.time_spines,
    }
    if (!imported.problems.length) {
      // Merged with what is stored, references may break (a metric of the layer using a measure now gone).
      for (const p of validateManifest(merged)) {
        const where = p.at ? locate(p.at.object, p.at.field) : undefined
        problems.push({ ...(where ?? { path: p.path }), message: p.message })
      }
      for (const p of guardProblems(this.executor, conn, merged)) {
        const at = objectAt(merged, p.path)
        const where = at ? locate(at.object, at.field) : undefined
        problems.push({ ...(where ?? { path: p.path }), message: p.message })
      }
    }
    // Everything read from the warehouse is read before the first write: the
    // request's store transaction opens there and must not wait on a warehouse
    // (src/audit/ambient-tx.ts). `merged` is the layer the write leaves.
    const read = problems.length || input.refreshSampleValues === false ? undefined : await this.readAllSampleValues(conn, merged)
    if (introspected) await this.connections.cacheSchema(conn, introspected)
    if (problems.length) throw problemsError(dedupe(problems), 'the dbt project has problems')
    const counts = await this.store.write(tenantId, conn.id, manifest, input.mode)
    const result: ImportOutcome = {
      connection_id: conn.id, mode: input.mode, ...counts, saved_queries: manifest.saved_queries.length, time_spines: manifest.time_spines.length,
      ...annotations, warnings,
    }
    if (!read) return result
    const sample = await this.storeSampleValues(tenantId, conn.id, read)
    for (const f of sample.failed) warnings.push({ path: `dimensions.${f.dimension}`, message: `sample values of ${f.dimension} could not be read: ${f.reason}` })
    return { ...result, sample_values: sample }
  }
}

/** Sample values read from the warehouse, by `model.dimension`, and the dimensions that could not be read. */
interface SampleValuesRead { values: Map<string, unknown[]>; failed: Array<{ dimension: string; reason: string }> }

export interface ImportOutcome {
  connection_id: string; mode: string; models: number; metrics: number; dimensions: number; saved_queries: number; time_spines: number
  sample_values?: { refreshed: number; failed: Array<{ dimension: string; reason: string }> }
  warnings: Located[]
  kept_annotations?: Array<{ object: string; fields: string[] }>
  discarded_annotations?: Array<{ object: string; fields: string[] }>
}

function dedupe(problems: Located[]): Located[] {
  const seen = new Set<string>()
  return problems.filter((p) => { const k = `${p.file}|${p.path}|${p.message}`; if (seen.has(k)) return false; seen.add(k); return true })
}

function mergeByName<T extends { name: string }>(a: T[], b: T[]): T[] {
  const m = new Map(a.map((x) => [x.name, x]))
  for (const x of b) m.set(x.name, x)
  return [...m.values()]
}

export type { ErrorDetail }
