// Access policies of a connection's semantic layer: stored per connection
// (tenant-scoped), validated against the layer when replaced, and turned into
// each principal's restricted view of the layer (cached by the layer's
// fingerprint, which a policy write renews too, and the principal's access context key).
import { and, eq } from 'drizzle-orm'
import type { Db } from '../store/db'
import { accessPolicies } from '../store/schema'
import { AppError } from '../errors'
import type { ConnectionRow, ConnectionService } from '../connections/connection-service'
import type { LoadedLayer, SemanticStore } from '../semantic-layer/semantic-store'
import { hideMaskKeys, maskKeysOf, restrictManifest, validateAccessPolicies, type AccessContext, type AccessPolicy, type RestrictedManifest } from '../../semantic/access'
import { accessContextKey } from './access-context'
import { compile, getDialect, inlineParams, type DialectName, type SemanticQuery } from '../../semantic'
import { dialectOf } from '../../connectors/registry'

export interface PolicySet {
  connection_id: string
  policies: AccessPolicy[]
  updated_at: string | null
}

const MAX_CACHED_VIEWS = 500

export class AccessPolicyService {
  private readonly views = new Map<string, RestrictedManifest>()
  /** Policy sets by connection, with the layer fingerprint they were read at (a policy write renews it: see LoadedLayer). */
  private readonly sets = new Map<string, { fingerprint: string; set: PolicySet }>()

  /**
   * `maskKeyOf`: the secret a tenant's `hash` masks are keyed with (derived from the server's
   * key, so never stored; a key rotation changes the digests).
   */
  constructor(private readonly db: Db, private readonly semantic: SemanticStore, private readonly connections: ConnectionService,
    private readonly maskKeyOf?: (tenantId: string) => string) {}

  async list(tenantId: string, connectionId?: string): Promise<PolicySet> {
    const conn = await this.connections.resolve(tenantId, connectionId)
    return this.forConnection(conn)
  }

  async forConnection(conn: Pick<ConnectionRow, 'id' | 'tenantId'>): Promise<PolicySet> {
    const [row] = await this.db.select().from(accessPolicies)
      .where(and(eq(accessPolicies.tenantId, conn.tenantId), eq(accessPolicies.connectionId, conn.id))).limit(1)
    return { connection_id: conn.id, policies: (row?.policies ?? []) as AccessPolicy[], updated_at: row?.updatedAt.toISOString() ?? null }
  }

  /**
   * The connection's policies as of `layer`: a write to them renews the layer's version
   * (a store trigger), so while the fingerprint is the same the set read with it still holds.
   */
  private async currentSet(conn: Pick<ConnectionRow, 'id' | 'tenantId'>, layer: LoadedLayer): Promise<PolicySet> {
    const key = `${conn.tenantId}/${conn.id}`
    const hit = this.sets.get(key)
    if (hit && hit.fingerprint === layer.fingerprint) return hit.set
    const set = await this.forConnection(conn)
    this.sets.delete(key)
    if (this.sets.size >= MAX_CACHED_VIEWS) this.sets.delete(this.sets.keys().next().value!)
    this.sets.set(key, { fingerprint: layer.fingerprint, set })
    return set
  }

  /** Lower-cased names of the groups any policy of the tenant names (applies_to.groups, bypass_groups). */
  async groupNames(tenantId: string): Promise<ReadonlySet<string>> {
    const rows = await this.db.select({ policies: accessPolicies.policies }).from(accessPolicies).where(eq(accessPolicies.tenantId, tenantId))
    const names = new Set<string>()
    for (const r of rows) {
      for (const p of (r.policies ?? []) as AccessPolicy[]) for (const g of [...(p.applies_to?.groups ?? []), ...(p.bypass_groups ?? [])]) names.add(g.toLowerCase())
    }
    return names
  }

  /** Replaces every policy of the connection's layer; refused (422, every problem with its path) when one does not fit the layer. */
  async replace(tenantId: string, connectionId: string | undefined, policies: AccessPolicy[]): Promise<PolicySet> {
    const conn = await this.connections.resolve(tenantId, connectionId)
    const { manifest } = await this.semantic.load(tenantId, conn.id)
    const problems = validateAccessPolicies(manifest, policies)
    if (problems.length) {
      throw new AppError('invalid_model', `the access policies are not valid: ${problems[0].message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
        problems.map((p) => ({ path: p.path, issue: p.message })))
    }
    const now = new Date()
    await this.db.insert(accessPolicies).values({ connectionId: conn.id, tenantId, policies, updatedAt: now })
      .onConflictDoUpdate({ target: accessPolicies.connectionId, set: { policies, updatedAt: now } })
    return this.forConnection(conn)
  }

  /** A principal's view of the layer. Pure over (layer, policies, context), so cached by their versions. */
  async restrict(conn: Pick<ConnectionRow, 'id' | 'tenantId'>, layer: LoadedLayer, ctx: AccessContext): Promise<RestrictedManifest & { context_key: string; layer_policies: string[]; access_stamp: string }> {
    const set = await this.currentSet(conn, layer)
    const contextKey = accessContextKey(ctx, set.policies)
    const layerPolicies = set.policies.map((p) => p.name)
    // the access rules an answer was computed under: the policies as last written, and what of the principal they read
    const stamp = `${set.updated_at ?? 'none'}/${contextKey}`
    if (!set.policies.length) return { manifest: layer.manifest, applied: [], row_policies: [], context_key: contextKey, layer_policies: [], access_stamp: stamp }
    const key = `${conn.tenantId}/${conn.id}/${layer.fingerprint}/${set.updated_at}/${contextKey}`
    const hit = this.views.get(key)
    if (hit) return { ...hit, context_key: contextKey, layer_policies: layerPolicies, access_stamp: stamp }
    const view = restrictManifest(layer.manifest, set.policies, ctx, { maskKey: this.maskKeyOf?.(conn.tenantId) })
    if (this.views.size >= MAX_CACHED_VIEWS) this.views.delete(this.views.keys().next().value!)
    this.views.set(key, view)
    return { ...view, context_key: contextKey, layer_policies: layerPolicies, access_stamp: stamp }
  }
}

export interface AccessPreview {
  connection_id: string
  sql: string
  params: unknown[]
  sql_inline: string
  applied: RestrictedManifest['applied']
  access_context_key: string
  /** Metrics the principal can see (hidden ones are absent). */
  visible_metrics: string[]
}

/** The SQL `ctx` would run for `query` (nothing is run): for admins checking a policy. */
export async function previewAccess(service: AccessPolicyService, semantic: SemanticStore, conn: ConnectionRow, ctx: AccessContext, query: SemanticQuery): Promise<AccessPreview> {
  const layer = await semantic.load(conn.tenantId, conn.id)
  const view = await service.restrict(conn, layer, ctx)
  const dialect = dialectOf(conn.type)
  const compiled = compile(query, view.manifest, dialect)
  return {
    // even an admin's preview never shows a mask key: with it anyone could hash guesses and compare
    connection_id: conn.id, ...shown(compiled, maskKeysOf(view.manifest), dialect),
    applied: view.applied, access_context_key: view.context_key, visible_metrics: view.manifest.metrics.map((m) => m.name),
  }
}

/** `sql` and `sql_inline` as a caller may see them: mask keys hidden (what runs holds them). */
export function shown(compiled: { sql: string; params: unknown[] }, maskKeys: ReadonlySet<string>, dialect: DialectName): { sql: string; params: unknown[]; sql_inline: string } {
  return {
    sql: hideMaskKeys(compiled.sql, maskKeys), params: compiled.params,
    sql_inline: hideMaskKeys(inlineParams(compiled.sql, compiled.params, getDialect(dialect)), maskKeys),
  }
}

/** The note an answer carries when policies shaped it: which models, never which values. */
export function accessNote(view: Pick<RestrictedManifest, 'applied'>): string | undefined {
  const filtered = [...new Set(view.applied.filter((a) => a.row_filter).map((a) => a.model))]
  const masked = [...new Set(view.applied.filter((a) => a.masked.length).map((a) => a.model))]
  const parts: string[] = []
  if (filtered.length) parts.push(`filtered by your access policy on ${filtered.join(', ')}`)
  if (masked.length) parts.push(`some values of ${masked.join(', ')} are masked by your access policy`)
  return parts.length ? `${parts.join('; ')}.`.replace(/^./, (c) => c.toUpperCase()) : undefined
}
