// Persists a connection's semantic layer (models, dimensions, metrics, time
// spines, saved queries) and assembles it back into a SemanticManifest.
// Dimensions get their own rows so the /semantic/dimensions API can address
// them by id and keep a sample-value index each.
import { and, eq, sql } from 'drizzle-orm'
import type { Db } from '../store/db'
import { connections, semanticDimensions, semanticMetrics, semanticModels, semanticProjects } from '../store/schema'
import { newId } from '../ids'
import { SemanticPages } from './semantic-pages'
import type { Dimension, Metric, SavedQuery, SemanticManifest, SemanticModel, TimeSpine } from '../../semantic/types'

export type ModelRow = typeof semanticModels.$inferSelect
export type DimensionRow = typeof semanticDimensions.$inferSelect
export type MetricRow = typeof semanticMetrics.$inferSelect

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

export interface LoadedLayer {
  manifest: SemanticManifest
  models: ModelRow[]
  dimensions: DimensionRow[]
  metrics: MetricRow[]
  /** The connection's layer_version the layer was loaded at (its rows are at least that new). */
  version: number
  /** Changes whenever any definition of the connection (or its access policies) changes. */
  fingerprint: string
}

/** A model definition without its dimensions (those live in their own rows). */
export function modelDefinition(m: SemanticModel): Record<string, unknown> {
  const { dimensions: _d, name: _n, ...rest } = m
  return rest as Record<string, unknown>
}

/**
 * Layers kept in memory at once, least recently used out first. Every
 * connection a question, listing or import reads adds one, across tenants and
 * for the life of the process: without a bound, connections created and
 * deleted in a loop (each with a layer of up to a request body) grew the heap
 * for good. Same bound as the runner's catalogs (query-runner.ts).
 */
export const MAX_CACHED_LAYERS = 500

export class SemanticStore {
  private readonly cache = new Map<string, LoadedLayer>()
  /** Work on a connection's layer that questions wait for (settle()), by tenant/connection. */
  private readonly settling = new Map<string, Promise<void>>()
  /** Keyset pages read from the store (the listings), not sliced from the whole layer. */
  readonly pages: SemanticPages

  constructor(private readonly db: Db, private readonly maxLayers = MAX_CACHED_LAYERS) {
    this.pages = new SemanticPages(db)
  }

  /** Layers held in memory now (at most `maxLayers`). */
  get cachedLayers(): number { return this.cache.size }

  /** Drops a connection's layer (the connection was deleted: nobody reads it again). */
  forget(tenantId: string, connectionId: string): void {
    this.cache.delete(`${tenantId}/${connectionId}`)
  }

  /**
   * Runs `work` on the connection's layer (the demo's sample values, read
   * after start-up instead of before it) while questions on that connection
   * wait for it through settled(): a question asked meanwhile is planned on
   * the finished layer, never on one without its values. A failure of the
   * work releases the waiters as well (they then see the layer as it is).
   */
  settle(tenantId: string, connectionId: string, work: () => Promise<unknown>): Promise<void> {
    const key = `${tenantId}/${connectionId}`
    const done: Promise<void> = work().then(() => {}, () => {}).finally(() => { if (this.settling.get(key) === done) this.settling.delete(key) })
    this.settling.set(key, done)
    return done
  }

  /** Waits for settle() work on the connection's layer; true when there was some (the layer may have changed since the caller read its version). */
  async settled(tenantId: string, connectionId: string): Promise<boolean> {
    const pending = this.settling.get(`${tenantId}/${connectionId}`)
    if (!pending) return false
    await pending
    return true
  }

  /** The connection's layer version (renewed by a store trigger on every layer or policy write); -1 when it is gone. */
  private async version(tenantId: string, connectionId: string): Promise<number> {
    const [row] = await this.db.select({ v: connections.layerVersion }).from(connections)
      .where(and(eq(connections.tenantId, tenantId), eq(connections.id, connectionId))).limit(1)
    return row?.v ?? -1
  }

  /**
   * The connection's layer; cached in memory while nothing changed in the store.
   * `version`: the connection row's `layerVersion` when the caller has just read
   * it (a question does), which saves asking the store again.
   */
  async load(tenantId: string, connectionId: string, version?: number): Promise<LoadedLayer> {
    const v = version ?? await this.version(tenantId, connectionId)
    const key = `${tenantId}/${connectionId}`
    const hit = this.cache.get(key)
    // Equal, not "at least": a layer read inside a transaction that rolled back has a version no
    // committed write will have (a sequence's), so it is never taken for a committed one.
    if (hit && hit.version === v) {
      // Most recently used last: a Map iterates in insertion order, so the first key is the one to evict.
      this.cache.delete(key)
      this.cache.set(key, hit)
      return hit
    }
    const [models, dimensions, metrics, projects] = await Promise.all([
      this.db.select().from(semanticModels).where(and(eq(semanticModels.tenantId, tenantId), eq(semanticModels.connectionId, connectionId))).orderBy(semanticModels.name),
      this.db.select().from(semanticDimensions).where(and(eq(semanticDimensions.tenantId, tenantId), eq(semanticDimensions.connectionId, connectionId))).orderBy(semanticDimensions.createdAt, semanticDimensions.id),
      this.db.select().from(semanticMetrics).where(and(eq(semanticMetrics.tenantId, tenantId), eq(semanticMetrics.connectionId, connectionId))).orderBy(semanticMetrics.name),
      this.db.select().from(semanticProjects).where(and(eq(semanticProjects.tenantId, tenantId), eq(semanticProjects.connectionId, connectionId))),
    ])
    const dimsByModel = new Map<string, Dimension[]>()
    for (const d of dimensions) {
      const def = { ...(d.definition as unknown as Dimension), name: d.name }
      if (d.sampleValues) def.sample_values = d.sampleValues as Dimension['sample_values']
      dimsByModel.set(d.modelId, [...(dimsByModel.get(d.modelId) ?? []), def])
    }
    const manifest: SemanticManifest = {
      semantic_models: models.map((m) => ({ ...(m.definition as unknown as SemanticModel), name: m.name, dimensions: dimsByModel.get(m.id) ?? [] })),
      metrics: metrics.map((m) => ({ ...(m.definition as unknown as Metric), name: m.name })),
      time_spines: (projects[0]?.timeSpines ?? []) as TimeSpine[],
      saved_queries: (projects[0]?.savedQueries ?? []) as SavedQuery[],
    }
    // read after the version, so the rows are at least as new as it says
    const layer = { manifest, models, dimensions, metrics, version: v, fingerprint: `v${v}` }
    this.cache.delete(key)
    while (this.cache.size >= this.maxLayers) this.cache.delete(this.cache.keys().next().value!)
    this.cache.set(key, layer)
    return layer
  }

  /**
   * Writes a manifest. `replace` drops everything of the connection first;
   * `merge` upserts by name (models, their dimensions, metrics) and keeps the rest.
   * Sample values of surviving dimensions are kept.
   */
  async write(tenantId: string, connectionId: string, manifest: SemanticManifest, mode: 'merge' | 'replace'): Promise<{ models: number; metrics: number; dimensions: number }> {
    return this.db.transaction(async (tx) => {
      if (mode === 'replace') {
        await tx.delete(semanticMetrics).where(and(eq(semanticMetrics.tenantId, tenantId), eq(semanticMetrics.connectionId, connectionId)))
        await tx.delete(semanticModels).where(and(eq(semanticModels.tenantId, tenantId), eq(semanticModels.connectionId, connectionId)))
      }
      let dims = 0
      for (const m of manifest.semantic_models) {
        const modelId = await this.upsertModel(tx, tenantId, connectionId, m)
        dims += m.dimensions.length
        await this.replaceModelDimensions(tx, tenantId, connectionId, modelId, m.dimensions)
      }
      for (const metric of manifest.metrics) await this.upsertMetric(tx, tenantId, connectionId, metric)
      const [proj] = await tx.select().from(semanticProjects).where(and(eq(semanticProjects.tenantId, tenantId), eq(semanticProjects.connectionId, connectionId)))
      const timeSpines = mode === 'replace' || manifest.time_spines.length ? manifest.time_spines : proj?.timeSpines ?? []
      const savedQueries = mode === 'replace' ? manifest.saved_queries : mergeByName((proj?.savedQueries ?? []) as SavedQuery[], manifest.saved_queries)
      await tx.insert(semanticProjects).values({ connectionId, tenantId, timeSpines, savedQueries, updatedAt: new Date() })
        .onConflictDoUpdate({ target: semanticProjects.connectionId, set: { timeSpines, savedQueries, updatedAt: new Date() } })
      return { models: manifest.semantic_models.length, metrics: manifest.metrics.length, dimensions: dims }
    })
  }

  async upsertModel(tx: Tx | Db, tenantId: string, connectionId: string, m: SemanticModel): Promise<string> {
    const [existing] = await tx.select({ id: semanticModels.id }).from(semanticModels)
      .where(and(eq(semanticModels.tenantId, tenantId), eq(semanticModels.connectionId, connectionId), eq(semanticModels.name, m.name)))
    if (existing) {
      await tx.update(semanticModels).set({ definition: modelDefinition(m), updatedAt: new Date() }).where(eq(semanticModels.id, existing.id))
      return existing.id
    }
    const id = newId('sm')
    await tx.insert(semanticModels).values({ id, tenantId, connectionId, name: m.name, definition: modelDefinition(m) })
    return id
  }

  private async replaceModelDimensions(tx: Tx, tenantId: string, connectionId: string, modelId: string, dims: Dimension[]): Promise<void> {
    const existing = await tx.select().from(semanticDimensions).where(and(eq(semanticDimensions.tenantId, tenantId), eq(semanticDimensions.modelId, modelId)))
    const byName = new Map(existing.map((d) => [d.name, d]))
    const keep = new Set(dims.map((d) => d.name))
    for (const d of existing) if (!keep.has(d.name)) await tx.delete(semanticDimensions).where(eq(semanticDimensions.id, d.id))
    for (const d of dims) {
      const { name, sample_values, ...def } = d
      const prev = byName.get(name)
      if (prev) {
        await tx.update(semanticDimensions).set({ definition: def, updatedAt: new Date(), ...(sample_values ? { sampleValues: sample_values } : {}) }).where(eq(semanticDimensions.id, prev.id))
      } else {
        await tx.insert(semanticDimensions).values({ id: newId('dim'), tenantId, connectionId, modelId, name, definition: def, sampleValues: sample_values ?? null })
      }
    }
  }

  async upsertMetric(tx: Tx | Db, tenantId: string, connectionId: string, metric: Metric): Promise<string> {
    const { name, ...def } = metric
    const [existing] = await tx.select({ id: semanticMetrics.id }).from(semanticMetrics)
      .where(and(eq(semanticMetrics.tenantId, tenantId), eq(semanticMetrics.connectionId, connectionId), eq(semanticMetrics.name, name)))
    if (existing) {
      await tx.update(semanticMetrics).set({ definition: def as Record<string, unknown>, updatedAt: new Date() }).where(eq(semanticMetrics.id, existing.id))
      return existing.id
    }
    const id = newId('met')
    await tx.insert(semanticMetrics).values({ id, tenantId, connectionId, name, definition: def as Record<string, unknown> })
    return id
  }

  async setSampleValues(tenantId: string, dimensionId: string, values: unknown[]): Promise<void> {
    await this.db.update(semanticDimensions).set({ sampleValues: values, sampleValuesAt: new Date(), updatedAt: new Date() })
      .where(and(eq(semanticDimensions.tenantId, tenantId), eq(semanticDimensions.id, dimensionId)))
  }
}

function mergeByName<T extends { name: string }>(a: T[], b: T[]): T[] {
  const m = new Map(a.map((x) => [x.name, x]))
  for (const x of b) m.set(x.name, x)
  return [...m.values()]
}
