// Connections: CRUD (tenant-scoped), credentials sealed at rest, host policy,
// and one live connector (with its pool) per connection, reused across queries.
import { and, desc, eq, ne, sql } from 'drizzle-orm'
import type { Db } from '../store/db'
import { connections } from '../store/schema'
import type { SecretBox } from '../security/secret-box'
import { newId } from '../ids'
import { AppError, notFound } from '../errors'
import { decodeCursor, encodeCursor, type Page } from '../store/pagination'
import { LoginChecks, type PrivilegeReport } from './login-check'
import type { PoolSample } from '../ops/metrics'
import type { Connector, ConnectorConfig, ConnectorOptions, ConnectionType, HostResolver, SchemaInfo } from '../../connectors/connector'
import { CONNECTION_REGISTRY, validateConnectionConfig } from '../../connectors/registry'
import { assertHostAllowed, hostResolver, type HostPolicyOptions } from '../security/host-policy'
import { assertNoTransaction } from '../audit/ambient-tx'
import type { ChangeFeed } from '../store/change-feed'
import { ReadThroughCache } from '../store/read-through-cache'
import { deepFreeze } from '../store/deep-freeze'

export type ConnectionRow = typeof connections.$inferSelect

export interface ConnectionOptions extends ConnectorOptions {
  allow_raw_sql?: boolean
  allow_elevated_login?: boolean
  /** Result cache TTL in seconds (0: off); see src/query/result-cache.ts. */
  cache_ttl_s?: number
}

export interface ConnectionView {
  id: string
  name: string
  type: string
  config: Record<string, unknown>
  options: ConnectionOptions
  is_default: boolean
  has_credentials: boolean
  created_at: string
  updated_at: string
}

export function viewConnection(r: ConnectionRow): ConnectionView {
  return {
    id: r.id, name: r.name, type: r.type, config: r.config, options: r.options as ConnectionOptions,
    is_default: r.isDefault, has_credentials: !!r.credentialsEnc,
    created_at: r.createdAt.toISOString(), updated_at: r.updatedAt.toISOString(),
  }
}

/** Validates type-specific config/credentials; throws AppError 422 naming fields. */
export type ConfigValidator = (type: ConnectionType, config: unknown, credentials: unknown) => { config: Record<string, unknown>; credentials: Record<string, unknown> }

/** The registry's validation (connectors/registry.ts) as the domain's error: 422 invalid_config, one detail per field. */
export const validateConnectionInput: ConfigValidator = (type, config, credentials) => {
  const r = validateConnectionConfig(type, { config, credentials })
  if (r.ok) return { config: r.config, credentials: r.credentials }
  throw new AppError('invalid_config', `${r.issues[0].path}: ${r.issues[0].message}`, r.issues.map((i) => ({ ...i })))
}
export type ConnectorFactory = (cfg: ConnectorConfig, row: ConnectionRow) => Connector | Promise<Connector>

export interface ConnectionServiceDeps {
  db: Db
  box: SecretBox
  /** Defaults to validateConnectionInput. */
  validate?: ConfigValidator
  createConnector: ConnectorFactory
  hostPolicy: HostPolicyOptions
  /** Config keys holding host names that the host policy must check. */
  hostFields?: string[]
  /** Told when a connection is deleted, so caches keyed by it (its semantic layer) let it go. */
  onDeleted?: (tenantId: string, connectionId: string) => void
  /** The store's change notices: given, rows every question reads are kept until the connections table changes. */
  cache?: { changes: ChangeFeed; bypass?: () => boolean }
}

const aad = (tenantId: string, id: string) => `connection:${tenantId}:${id}`

/**
 * Config fields that do not change where (or how safely) the stored
 * credentials are sent. A change to any other field (host, port, user,
 * database, ssl, CA, instance, account, endpoint URL, ...) re-points the
 * connection, so it must come with the credentials again: otherwise anyone who
 * may edit a connection could send its saved password to a server of theirs.
 */
const CREDENTIAL_NEUTRAL_FIELDS = new Set(['schemas', 'datasets', 'query_tag', 'maximum_bytes_billed', 'location', 'read_only_intent', 'rollback_only', 'warehouse', 'role', 'schema'])

/** Config fields whose value differs between the stored and the new config, other than the neutral ones. */
export function credentialMovingChanges(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)])
  return [...keys].filter((k) => !CREDENTIAL_NEUTRAL_FIELDS.has(k) && JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort()
}

export class ConnectionService {
  private readonly live = new Map<string, { connector: Connector; version: number; tenantId: string; type: string }>()
  /** What each connection's login may do (see login-check.ts). */
  private readonly logins = new LoginChecks()

  /** Connectors resolve hosts through this on every new connection (the network policy, re-checked). */
  private readonly resolveHost: HostResolver

  private readonly validate: ConfigValidator

  /** Connection rows by tenant and id (or the tenant's default), while the change feed vouches for them. */
  private readonly rows?: ReadThroughCache<ConnectionRow | undefined>

  constructor(private readonly deps: ConnectionServiceDeps) {
    this.resolveHost = hostResolver(deps.hostPolicy)
    this.validate = deps.validate ?? validateConnectionInput
    // The layer_version a question reads with its connection is renewed by a write to the connections table: a notice.
    if (deps.cache) this.rows = new ReadThroughCache({ feed: deps.cache.changes, tables: ['connections', 'tenants'], bypass: deps.cache.bypass })
  }

  /**
   * A read of one connection row, kept when it may be (frozen: every question using it shares it).
   * Kept without its cached schema, as large as the warehouse is wide (megabytes a row, times every
   * row kept): schema() reads that from the store.
   */
  private keptRow(key: string, read: () => Promise<ConnectionRow | undefined>): Promise<ConnectionRow | undefined> {
    if (!this.rows) return read()
    return this.rows.get(key, async () => {
      const row = await read()
      return row && deepFreeze({ ...row, schemaCache: null, schemaCachedAt: null })
    })
  }

  private get db() { return this.deps.db }

  async list(tenantId: string, opts: { limit: number; cursor?: string }): Promise<Page<ConnectionView>> {
    const c = opts.cursor ? decodeCursor(opts.cursor) : undefined
    const rows = await this.db.select().from(connections)
      .where(and(eq(connections.tenantId, tenantId), c ? sql`(${connections.createdAt}, ${connections.id}) < (${c.t}, ${c.id})` : undefined))
      .orderBy(desc(connections.createdAt), desc(connections.id)).limit(opts.limit + 1)
    const page = rows.slice(0, opts.limit)
    const last = page[page.length - 1]
    return { data: page.map(viewConnection), next_cursor: rows.length > opts.limit && last ? encodeCursor(last.createdAt, last.id) : null }
  }

  async get(tenantId: string, id: string): Promise<ConnectionRow> {
    const row = await this.keptRow(`${tenantId}\0${id}`, async () =>
      (await this.db.select().from(connections).where(and(eq(connections.tenantId, tenantId), eq(connections.id, id))).limit(1))[0])
    if (!row) throw notFound('connection')
    return row
  }

  async byName(tenantId: string, name: string): Promise<ConnectionRow | undefined> {
    const [row] = await this.db.select().from(connections).where(and(eq(connections.tenantId, tenantId), eq(connections.name, name))).limit(1)
    return row
  }

  /** The connection named by id, or the tenant's default one. */
  async resolve(tenantId: string, id?: string | null): Promise<ConnectionRow> {
    if (id) return this.get(tenantId, id)
    const any = await this.keptRow(`${tenantId}\0`, async () => {
      const [row] = await this.db.select().from(connections)
        .where(and(eq(connections.tenantId, tenantId), eq(connections.isDefault, true))).limit(1)
      return row ?? (await this.db.select().from(connections).where(eq(connections.tenantId, tenantId)).orderBy(connections.createdAt).limit(1))[0]
    })
    if (!any) throw new AppError('unprocessable', 'no connection_id given and the tenant has no connection; create one first', [{ path: 'connection_id', issue: 'required' }])
    return any
  }

  private async checkHosts(config: Record<string, unknown>): Promise<void> {
    assertNoTransaction('a name server')
    // A Snowflake account without an explicit URL lives at <account>.snowflakecomputing.com.
    if (typeof config.account === 'string' && !config.access_url) {
      await assertHostAllowed(`${config.account}.snowflakecomputing.com`, this.deps.hostPolicy, 'config.account')
    }
    for (const f of this.deps.hostFields ?? ['host', 'server', 'url', 'access_url', 'api_endpoint']) {
      const v = config[f]
      if (typeof v !== 'string' || !v) continue
      let host = v
      if (/^[a-z]+:\/\//i.test(v)) {
        try { host = new URL(v).hostname } catch { continue }
      }
      await assertHostAllowed(host, this.deps.hostPolicy, `config.${f}`)
    }
  }

  async create(tenantId: string, input: { name: string; type: ConnectionType; config: unknown; credentials?: unknown; options?: ConnectionOptions; is_default?: boolean }): Promise<ConnectionRow> {
    const { config, credentials } = this.validate(input.type, input.config ?? {}, input.credentials ?? {})
    await this.checkHosts(config)
    if (await this.byName(tenantId, input.name)) {
      throw new AppError('conflict', `a connection named "${input.name}" already exists`, [{ path: 'name', issue: 'duplicate' }])
    }
    // The demo warehouse is shared by every tenant: one connection each is all anyone needs.
    // (An embedded type is only ever the demo warehouse through the API: see connectors/registry.ts.)
    if (CONNECTION_REGISTRY[input.type].capabilities.embedded) {
      const [demo] = await this.db.select({ name: connections.name }).from(connections)
        .where(and(eq(connections.tenantId, tenantId), eq(connections.type, input.type))).limit(1)
      if (demo) throw new AppError('conflict', `this tenant already has the demo warehouse as connection "${demo.name}"`, [{ path: 'type', issue: 'duplicate' }])
    }
    const id = newId('conn')
    const hasDefault = await this.db.select({ id: connections.id }).from(connections)
      .where(and(eq(connections.tenantId, tenantId), eq(connections.isDefault, true))).limit(1)
    const isDefault = input.is_default ?? hasDefault.length === 0
    // A login that can do more than read is refused here (422 elevated_login) unless the options allow it.
    const privileges = await this.vetLogin(tenantId, { name: input.name, type: input.type, config, credentials, options: input.options ?? {} })
    const created = await this.db.transaction(async (tx) => {
      if (isDefault) await tx.update(connections).set({ isDefault: false }).where(eq(connections.tenantId, tenantId))
      const [row] = await tx.insert(connections).values({
        id, tenantId, name: input.name, type: input.type, config, options: input.options ?? {}, isDefault,
        credentialsEnc: Object.keys(credentials).length ? this.deps.box.sealJson(credentials, aad(tenantId, id)) : null,
      }).returning()
      return row
    })
    if (privileges) this.logins.remember(created, privileges)
    return created
  }

  /**
   * The create-time login check, on a throwaway connector built the usual way
   * for a draft of the row (its own id, so it never meets the stored row's).
   * Unreachable or slow databases are checked later: on /test and first use.
   */
  private async vetLogin(tenantId: string, d: { name: string; type: ConnectionType; config: Record<string, unknown>; credentials: Record<string, unknown>; options: ConnectionOptions }): Promise<PrivilegeReport | undefined> {
    const probeId = newId('conn')
    const now = new Date()
    const probe: ConnectionRow = {
      id: probeId, tenantId, name: d.name, type: d.type, config: d.config, options: d.options, isDefault: false,
      credentialsEnc: Object.keys(d.credentials).length ? this.deps.box.sealJson(d.credentials, aad(tenantId, probeId)) : null,
      schemaCache: null, schemaCachedAt: null, layerVersion: 0, createdAt: now, updatedAt: now,
    }
    return this.logins.vet(probe, () => this.connector(probe), async () => { this.evict(probeId); this.logins.forget(probeId) })
  }

  /** Connectivity and a fresh look at the login (422 elevated_login when it can do more than read and that is not allowed). */
  async test(row: ConnectionRow): Promise<{ ok: true; version: string; latency_ms: number; privileges: PrivilegeReport }> {
    this.logins.forget(row.id)
    const connector = await this.connector(row)
    const res = await connector.test()
    return { ok: true, version: res.version, latency_ms: res.latency_ms, privileges: await this.logins.report(row, connector) }
  }

  /** The login report for this version of the connection, when this process has made one. */
  privileges(row: ConnectionRow): PrivilegeReport | undefined {
    return this.logins.known(row)
  }

  async update(tenantId: string, id: string, patch: { name?: string; config?: unknown; credentials?: unknown; options?: { [K in keyof ConnectionOptions]?: ConnectionOptions[K] | null }; is_default?: boolean }): Promise<ConnectionRow> {
    const row = await this.get(tenantId, id)
    const type = row.type as ConnectionType
    const currentCreds = this.credentials(row)
    // Credentials are write-only: an absent field keeps the stored ones.
    // config is merged like a JSON merge patch (RFC 7396): fields not sent are
    // kept, a field sent as null is removed, so a form that edits one field
    // never wipes the others.
    const config = patch.config === undefined ? row.config : mergeConfig(row.config, patch.config)
    const merged = this.validate(type, config, patch.credentials ?? currentCreds)
    if (patch.config && patch.credentials === undefined && row.credentialsEnc) {
      const moved = credentialMovingChanges(row.config, merged.config)
      if (moved.length) {
        const fields = moved.map((f) => `config.${f}`)
        throw new AppError('invalid_config',
          `credentials: changing ${fields.join(', ')} changes where the stored credentials are sent; send the credentials again with this change`,
          [{ path: 'credentials', issue: 'required', fields }])
      }
    }
    if (patch.config) await this.checkHosts(merged.config)
    if (patch.name && patch.name !== row.name) {
      const clash = await this.db.select({ id: connections.id }).from(connections)
        .where(and(eq(connections.tenantId, tenantId), eq(connections.name, patch.name), ne(connections.id, id))).limit(1)
      if (clash.length) throw new AppError('conflict', `a connection named "${patch.name}" already exists`, [{ path: 'name', issue: 'duplicate' }])
    }
    const updated = await this.db.transaction(async (tx) => {
      if (patch.is_default) await tx.update(connections).set({ isDefault: false }).where(eq(connections.tenantId, tenantId))
      const [u] = await tx.update(connections).set({
        name: patch.name ?? row.name,
        config: merged.config,
        credentialsEnc: Object.keys(merged.credentials).length ? this.deps.box.sealJson(merged.credentials, aad(tenantId, id)) : null,
        options: patch.options ? mergeConfig(row.options, patch.options) as ConnectionOptions : row.options,
        isDefault: patch.is_default ?? row.isDefault,
        // A changed target invalidates the cached schema; else the stored one stays (a kept row has none to write back).
        ...(patch.config || patch.credentials ? { schemaCache: null } : {}),
        updatedAt: new Date(),
      }).where(and(eq(connections.tenantId, tenantId), eq(connections.id, id))).returning()
      return u
    })
    this.evict(id)
    return updated
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const res = await this.db.delete(connections).where(and(eq(connections.tenantId, tenantId), eq(connections.id, id))).returning({ id: connections.id })
    if (!res.length) throw notFound('connection')
    this.evict(id)
    this.logins.forget(id)
    this.deps.onDeleted?.(tenantId, id)
  }

  credentials(row: ConnectionRow): Record<string, unknown> {
    return row.credentialsEnc ? this.deps.box.openJson(row.credentialsEnc, aad(row.tenantId, row.id)) : {}
  }

  options(row: ConnectionRow): ConnectionOptions {
    return row.options as ConnectionOptions
  }

  /**
   * The live connector for a connection (created on first use, rebuilt after an update).
   * Refused with 422 elevated_login while its login can do more than read and the connection does not allow that.
   */
  async connector(row: ConnectionRow): Promise<Connector> {
    // Every use of a warehouse comes through here: never with the store held (src/audit/ambient-tx.ts).
    assertNoTransaction('a warehouse')
    const version = row.updatedAt.getTime()
    const cached = this.live.get(row.id)
    if (cached && cached.version === version) return this.logins.admit(row, cached.connector)
    if (cached) await cached.connector.close().catch(() => {})
    await this.checkHosts(row.config)
    const { allow_raw_sql: _raw, allow_elevated_login: _elevated, cache_ttl_s: _ttl, ...options } = row.options as ConnectionOptions
    const connector = await this.deps.createConnector({
      type: row.type as ConnectionType, config: row.config, credentials: this.credentials(row), options, resolveHost: this.resolveHost,
    }, row)
    this.live.set(row.id, { connector, version, tenantId: row.tenantId, type: row.type })
    return this.logins.admit(row, connector)
  }

  async schema(row: ConnectionRow, refresh: boolean): Promise<{ schema: SchemaInfo; cached_at: string }> {
    if (!refresh) {
      // From the store: a row kept in memory carries no cached schema (keptRow).
      const [stored] = await this.db.select({ schema: connections.schemaCache, at: connections.schemaCachedAt }).from(connections)
        .where(and(eq(connections.tenantId, row.tenantId), eq(connections.id, row.id))).limit(1)
      if (stored?.schema && stored.at) return { schema: stored.schema as SchemaInfo, cached_at: stored.at.toISOString() }
    }
    const schema = await this.introspect(row)
    return { schema, cached_at: (await this.cacheSchema(row, schema)).toISOString() }
  }

  /** A fresh look at the database's relations, not cached (see cacheSchema). */
  async introspect(row: ConnectionRow): Promise<SchemaInfo> {
    return (await this.connector(row)).introspect()
  }

  /** Stores `schema` as the connection's cached schema; answers when it was cached. */
  async cacheSchema(row: ConnectionRow, schema: SchemaInfo): Promise<Date> {
    const now = new Date()
    await this.db.update(connections).set({ schemaCache: schema, schemaCachedAt: now })
      .where(and(eq(connections.tenantId, row.tenantId), eq(connections.id, row.id)))
    return now
  }

  /** Re-seals every credential with the current key (after a key rotation). */
  async rotateSecrets(): Promise<number> {
    const rows = await this.db.select().from(connections)
    let n = 0
    for (const row of rows) {
      if (!row.credentialsEnc || !this.deps.box.needsRotation(row.credentialsEnc)) continue
      const creds = this.credentials(row)
      await this.db.update(connections).set({ credentialsEnc: this.deps.box.sealJson(creds, aad(row.tenantId, row.id)) }).where(eq(connections.id, row.id))
      n++
    }
    return n
  }

  /**
   * Forgets the live connector; it closes in the background. Closing a pool
   * waits for its sessions, and an update or delete (their store transaction
   * open) must not wait on a warehouse that never answers.
   */
  private evict(id: string): void {
    const cached = this.live.get(id)
    this.live.delete(id)
    if (cached) void cached.connector.close().catch(() => {})
  }

  /** The session pools of the live connectors, for /metrics (connectors without a pool are left out). */
  poolStats(): PoolSample[] {
    return [...this.live].flatMap(([id, l]) => (l.connector.pool ? [{
      connectionId: id, tenantId: l.tenantId, engine: l.type, size: l.connector.pool.size, inUse: l.connector.pool.inUse,
      waiting: l.connector.pool.queued, waitsTotal: l.connector.pool.waitsTotal, timeoutsTotal: l.connector.pool.timeoutsTotal,
    }] : []))
  }

  async closeAll(): Promise<void> {
    const all = [...this.live.values()]
    this.live.clear()
    await Promise.all(all.map((c) => c.connector.close().catch(() => {})))
  }
}

/** Top-level JSON merge patch of a connection's config or options; anything but an object replaces it (and fails validation there). */
function mergeConfig(current: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch) || !isPlainObject(current)) return patch
  const out: Record<string, unknown> = { ...current }
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]
    else out[k] = v
  }
  return out
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
