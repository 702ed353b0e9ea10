// The pages of GET /semantic/models, /metrics, /dimensions and /saved-queries
// as a principal may see them. Models, metrics and dimensions are read page by
// page from the store (keysetPage keeps reading while the access policies hide
// rows, so a page is never short while more visible rows exist). Saved queries
// live in one JSON column of the layer's project row: they are paginated in
// memory, from the layer the store already caches.
import type { Principal } from '../identity/principal'
import type { ConnectionRow } from '../connections/connection-service'
import type { SemanticService } from '../semantic-layer/semantic-service'
import type { DimensionRow, MetricRow, ModelRow } from '../semantic-layer/semantic-store'
import { dimensionKey } from '../semantic-layer/semantic-pages'
import { keysetPage, paginateByKey, type Page } from '../store/pagination'
import { notFound } from '../errors'
import type { AccessPolicyService } from './access-policy-service'
import { memberFilter, type MemberFilter } from './visible-members'
import type { SavedQuery, SemanticModel } from '../../semantic/types'

export interface ListingDeps { access: AccessPolicyService; semantic: SemanticService }
export interface PageRequest { connection_id?: string; limit: number; cursor?: string }
export type Listing<T> = Page<T> & { conn: ConnectionRow }

async function scope(deps: ListingDeps, principal: Principal, connectionId: string | undefined): Promise<{ conn: ConnectionRow; visible: MemberFilter }> {
  const conn = await deps.semantic.connection(principal.tenantId, connectionId)
  return { conn, visible: await memberFilter({ access: deps.access, semantic: deps.semantic.store }, principal, conn) }
}

/** Models by name, each as the principal sees it (hidden members and unseen sample values gone). */
export async function visibleModels(deps: ListingDeps, principal: Principal, q: PageRequest): Promise<Listing<{ row: ModelRow; model: SemanticModel }>> {
  const { conn, visible } = await scope(deps, principal, q.connection_id)
  const page = await keysetPage((after, n) => deps.semantic.store.pages.models(conn.tenantId, conn.id, after, n), (r) => r.row.name, q)
  return { conn, next_cursor: page.next_cursor, data: page.data.map((r) => ({ row: r.row, model: visible.model(r.model) })) }
}

/** Metrics by name; hidden ones are not listed. */
export async function visibleMetrics(deps: ListingDeps, principal: Principal, q: PageRequest): Promise<Listing<MetricRow>> {
  const { conn, visible } = await scope(deps, principal, q.connection_id)
  const page = await keysetPage((after, n) => deps.semantic.store.pages.metrics(conn.tenantId, conn.id, after, n), (r) => r.name, q, (r) => visible.metric(r.name))
  return { conn, ...page }
}

/**
 * Dimensions by model name then name; hidden ones are not listed, and
 * `sampleValues` says whether their sample values (read from every row) may be shown.
 */
export async function visibleDimensions(deps: ListingDeps, principal: Principal, q: PageRequest): Promise<Listing<{ row: DimensionRow; model: ModelRow; sampleValues: boolean }>> {
  const { conn, visible } = await scope(deps, principal, q.connection_id)
  const page = await keysetPage((after, n) => deps.semantic.store.pages.dimensions(conn.tenantId, conn.id, after, n),
    (r) => dimensionKey(r.model.name, r.row.name), q, (r) => visible.dimension(r.model.name, r.row.name))
  return { conn, next_cursor: page.next_cursor, data: page.data.map((r) => ({ ...r, sampleValues: visible.sampleValues(r.model.name, r.row.name) })) }
}

/** Saved queries by name; those over hidden members are not listed. */
export async function visibleSavedQueries(deps: ListingDeps, principal: Principal, q: PageRequest): Promise<Listing<SavedQuery>> {
  const { conn, visible } = await scope(deps, principal, q.connection_id)
  const { manifest } = await deps.semantic.store.load(conn.tenantId, conn.id)
  return { conn, ...paginateByKey(manifest.saved_queries.filter((r) => visible.savedQuery(r.name)), (r) => r.name, q) }
}

// The same rules for one object read by id (GET /semantic/metrics/{id},
// /dimensions/{id}, /models/{id}): its id is in the listings, so reading it
// must show no more than the listing does. A hidden member is as unknown as a
// made-up id (404).

/** A metric by id; 404 when the principal's policies hide it. */
export async function visibleMetric(deps: ListingDeps, principal: Principal, id: string): Promise<MetricRow> {
  const row = await deps.semantic.getMetric(principal.tenantId, id)
  const visible = await memberFilter({ access: deps.access, semantic: deps.semantic.store }, principal, { id: row.connectionId, tenantId: principal.tenantId })
  if (!visible.metric(row.name)) throw notFound('metric')
  return row
}

/** A dimension by id; 404 when hidden, and `sampleValues` false when they were read from rows the principal may not see. */
export async function visibleDimension(deps: ListingDeps, principal: Principal, id: string): Promise<{ row: DimensionRow; model: ModelRow; sampleValues: boolean }> {
  const { row, model } = await deps.semantic.getDimension(principal.tenantId, id)
  const visible = await memberFilter({ access: deps.access, semantic: deps.semantic.store }, principal, { id: row.connectionId, tenantId: principal.tenantId })
  if (!model || !visible.dimension(model.name, row.name)) throw notFound('dimension')
  return { row, model, sampleValues: visible.sampleValues(model.name, row.name) }
}

/** A model by id as the principal sees it (hidden members and unseen sample values gone). */
export async function visibleModel(deps: ListingDeps, principal: Principal, id: string): Promise<{ row: ModelRow; model: SemanticModel }> {
  const { row, model } = await deps.semantic.getModel(principal.tenantId, id)
  const visible = await memberFilter({ access: deps.access, semantic: deps.semantic.store }, principal, { id: row.connectionId, tenantId: principal.tenantId })
  return { row, model: visible.model(model) }
}
