// What of a layer's listing (GET /semantic/metrics, /dimensions, /saved-queries)
// a principal may see under the access policies: the same restricted view the
// planners and the compiler use, so a hidden member is not listed either, and
// sample values read from rows the principal may not see are not shown.
import type { Principal } from '../identity/principal'
import type { ConnectionRow } from '../connections/connection-service'
import type { SemanticStore } from '../semantic-layer/semantic-store'
import type { AccessPolicyService } from './access-policy-service'
import { accessContextOf } from './access-context'
import type { Dimension, SemanticModel } from '../../semantic/types'

export interface MemberFilter {
  metric(name: string): boolean
  dimension(model: string, name: string): boolean
  /** Whether the dimension's sample values (read from every row) may be shown. */
  sampleValues(model: string, name: string): boolean
  savedQuery(name: string): boolean
  /** The model as the principal sees it (hidden members and unseen sample values gone; the relation as stored). */
  model(m: SemanticModel): SemanticModel
}

const ALL: MemberFilter = { metric: () => true, dimension: () => true, sampleValues: () => true, savedQuery: () => true, model: (m) => m }

export async function memberFilter(deps: { access: AccessPolicyService; semantic: SemanticStore }, principal: Principal, conn: Pick<ConnectionRow, 'id' | 'tenantId'>): Promise<MemberFilter> {
  // An ungoverned layer shows everything: skip loading the whole layer, so its listings read only their page from the store.
  if (!(await deps.access.forConnection(conn)).policies.length) return ALL
  const layer = await deps.semantic.load(conn.tenantId, conn.id)
  const view = await deps.access.restrict(conn, layer, accessContextOf(principal))
  if (view.manifest === layer.manifest) return ALL
  const metrics = new Set(view.manifest.metrics.map((m) => m.name))
  const dims = new Map(view.manifest.semantic_models.flatMap((m) => m.dimensions.map((d) => [`${m.name}\u0000${d.name}`, d] as const)))
  const original = new Map(layer.manifest.semantic_models.flatMap((m) => m.dimensions.map((d) => [`${m.name}\u0000${d.name}`, d] as const)))
  const saved = new Set(view.manifest.saved_queries.map((q) => q.name))
  const models = new Map(view.manifest.semantic_models.map((m) => [m.name, m]))
  return {
    metric: (n) => metrics.has(n),
    dimension: (m, n) => dims.has(`${m}\u0000${n}`),
    // restrictManifest drops sample values it must not show; an unchanged dimension keeps them.
    sampleValues: (m, n) => { const d = dims.get(`${m}\u0000${n}`); return !!d && d === original.get(`${m}\u0000${n}`) },
    savedQuery: (n) => saved.has(n),
    model: (m) => {
      const r = models.get(m.name)
      return r ? { ...r, node_relation: m.node_relation, dimensions: r.dimensions.map(withoutMaskKey) } : m
    },
  }
}

/**
 * A dimension as a listing shows it: the restricted view carries the tenant's
 * hash-mask key for the compiler (Dimension.mask_key), and with it anyone could
 * hash guesses and compare. `mask` stays: it says the values are masked, not what they are.
 */
function withoutMaskKey(d: Dimension): Dimension {
  if (d.mask_key === undefined) return d
  const { mask_key: _key, ...rest } = d
  return rest
}
