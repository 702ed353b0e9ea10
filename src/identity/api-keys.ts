// API keys: `nxa_` + 43 base62 characters (~256 bits). Only the SHA-256 of the
// key is stored, looked up through a unique index; a listing shows the prefix
// and the last four characters. Revocation and expiry are checked on every
// request, so they take effect on the very next one. A key owned by a user
// never exceeds that user: its scopes are intersected with the owner's current
// ones on every request, and a disabled or deleted owner's keys are revoked.
import { createHash } from 'node:crypto'
import { and, desc, eq, isNull, lt, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../store/db'
import { apiKeys, users } from '../store/schema'
import { newId, randomBase62 } from '../ids'
import type { Principal } from './principal'
import type { Attributes } from '../../semantic/access/types'
import { assertMaySetAttributes } from './attributes'
import { AppError, notFound } from '../errors'
import { decodeCursor, encodeCursor, type Page } from '../store/pagination'
import { coversScopes, intersectScopes, ROLE_SCOPES, type Actor, type Role } from './scopes'
import type { OnCredentialsRevoked } from './revocation'
import { groupsAndAttributes, memberGroupsColumn } from './member-groups'
import type { ChangeFeed } from '../store/change-feed'
import { ReadThroughCache } from '../store/read-through-cache'
import { deepFreeze } from '../store/deep-freeze'

export const API_KEY_PATTERN = /^nxa_[A-Za-z0-9]{32,}$/

export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex')
export const generateApiKey = () => `nxa_${randomBase62(43)}`

export interface ApiKeyView {
  id: string
  name: string
  prefix: string
  last4: string
  scopes: string[]
  /** What access policies read about the key (src/governance). */
  /** Null: a user's key reading with its owner's attributes as they stand. */
  attributes: Attributes | null
  owner: { type: string; user_id: string | null }
  created_at: string
  expires_at: string | null
  last_used_at: string | null
  revoked_at: string | null
}

type Row = typeof apiKeys.$inferSelect
/** A key with its owner's role and state (null: no owner, or the owner is gone). */
type LiveRow = { key: Row; owner: { role: string; disabled: boolean; attributes: unknown; groups: unknown } | null }
const iso = (d: Date | null) => (d ? d.toISOString() : null)

// The tables a key's lookup reads (liveQuery): a notice from any of them makes every kept key stale.
const KEY_TABLES = ['api_keys', 'users', 'groups', 'group_members', 'tenants'] as const

/** A kept row is shared by every request using the key: what a principal takes from it by reference must not change. */
function frozen(r: LiveRow | undefined): LiveRow | undefined {
  if (!r) return r
  deepFreeze(r.key.scopes); deepFreeze(r.key.attributes)
  if (r.owner) { deepFreeze(r.owner.attributes); deepFreeze(r.owner.groups) }
  return r
}

export function viewApiKey(r: Row): ApiKeyView {
  return {
    id: r.id, name: r.name, prefix: r.prefix, last4: r.last4, scopes: r.scopes, attributes: r.attributes as Attributes | null,
    owner: { type: r.ownerType, user_id: r.ownerUserId },
    created_at: r.createdAt.toISOString(), expires_at: iso(r.expiresAt), last_used_at: iso(r.lastUsedAt), revoked_at: iso(r.revokedAt),
  }
}

// last_used_at is advisory: write it at most once a minute per key, not on every request.
const LAST_USED_RESOLUTION_MS = 60_000

export class ApiKeyService {
  /**
   * The lookup of a key, as a prepared statement: built once (no query
   * building per request), one read of the key and its owner as they are now.
   * Kept in memory (cache below) only while the store's change notices vouch for
   * it, so a revocation, an owner's change or a group's holds from the next
   * request on, on every instance; an expiry is checked at each use. Built outside any request, so it
   * always runs on the store itself (authentication precedes any request's transaction).
   */
  private readonly byHash: { execute(values: { hash: string }): Promise<LiveRow[]> }

  /** Keys as last read, while the store's change feed vouches for them (one store round trip less per request). */
  private readonly cache?: ReadThroughCache<LiveRow | undefined>

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
    /** Told after a revocation, so queued work of the key is cancelled. */
    private readonly onRevoked?: OnCredentialsRevoked,
    /** The store's change notices: given, a key and its owner are read once and kept until any of their tables changes. */
    cache?: { changes: ChangeFeed; bypass?: () => boolean },
  ) {
    this.byHash = this.liveQuery(eq(apiKeys.keyHash, sql.placeholder('hash'))).prepare('nexatron_api_key_by_hash')
    if (cache) this.cache = new ReadThroughCache<LiveRow | undefined>({ feed: cache.changes, tables: KEY_TABLES, bypass: cache.bypass })
  }

  async create(tenantId: string, input: {
    name: string; scopes: string[]; expiresInDays?: number | null; key?: string
    ownerType?: 'service' | 'user'; ownerUserId?: string | null; createdBy?: string | null
    /** Set only by admins (checked by the caller); absent: a user's key follows its owner, a service key has none. */
    attributes?: Attributes
    /** The key making this one: absent `attributes`, it takes that key's (pinned, or following the same owner). */
    madeByKey?: string
  }): Promise<{ key: string; view: ApiKeyView }> {
    const key = input.key ?? generateApiKey()
    const now = this.now()
    // Null: the owner's attributes and groups as they stand at each request (principalOf), never a copy
    // that an admin's later change to the owner would leave behind.
    let attributes: Attributes | null = input.attributes ?? (input.ownerUserId ? null : {})
    if (input.attributes === undefined && input.madeByKey) {
      const [maker] = await this.db.select({ attributes: apiKeys.attributes }).from(apiKeys)
        .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, input.madeByKey))).limit(1)
      attributes = maker ? maker.attributes as Attributes | null : {}
    }
    const [row] = await this.db.insert(apiKeys).values({
      id: newId('key'), tenantId, name: input.name, keyHash: hashApiKey(key),
      prefix: key.slice(0, 8), last4: key.slice(-4), scopes: input.scopes,
      ownerType: input.ownerType ?? 'service', ownerUserId: input.ownerUserId ?? null, createdBy: input.createdBy ?? null, attributes,
      expiresAt: input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000) : null,
      createdAt: now,
    }).returning()
    return { key, view: viewApiKey(row) }
  }

  async list(tenantId: string, opts: { limit: number; cursor?: string }): Promise<Page<ApiKeyView>> {
    const c = opts.cursor ? decodeCursor(opts.cursor) : undefined
    const rows = await this.db.select().from(apiKeys)
      .where(and(eq(apiKeys.tenantId, tenantId), isNull(apiKeys.revokedAt),
        c ? sql`(${apiKeys.createdAt}, ${apiKeys.id}) < (${c.t}, ${c.id})` : undefined))
      .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
      .limit(opts.limit + 1)
    const page = rows.slice(0, opts.limit)
    const last = page[page.length - 1]
    return { data: page.map(viewApiKey), next_cursor: rows.length > opts.limit && last ? encodeCursor(last.createdAt, last.id) : null }
  }

  /** One key of the tenant, revoked or not (its row: the caller picks what to show), or undefined. */
  async find(tenantId: string, id: string): Promise<typeof apiKeys.$inferSelect | undefined> {
    const [k] = await this.db.select().from(apiKeys).where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id))).limit(1)
    return k
  }

  async count(tenantId: string): Promise<number> {
    const [r] = await this.db.select({ n: sql<number>`count(*)::int` }).from(apiKeys).where(eq(apiKeys.tenantId, tenantId))
    return r.n
  }

  /**
   * Revokes a key. Revoking needs at least the key's scopes: keys:manage alone
   * cannot take a `*` key (the bootstrap key included) away from its holder.
   */
  async revoke(tenantId: string, id: string, actor: Actor): Promise<void> {
    const [row] = await this.db.select({ scopes: apiKeys.scopes }).from(apiKeys)
      .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt))).limit(1)
    if (!row) throw notFound('API key')
    if (!coversScopes(actor.scopes, row.scopes)) {
      const missing = row.scopes.filter((s) => !coversScopes(actor.scopes, [s]))
      throw new AppError('forbidden', 'revoking a key needs every scope it holds', missing.map((s) => ({ path: 'id', issue: 'not_held', scope: s })))
    }
    const res = await this.db.update(apiKeys).set({ revokedAt: this.now() })
      .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt))).returning({ id: apiKeys.id })
    if (res.length === 0) throw notFound('API key')
    await this.onRevoked?.({ tenantId, principalIds: [id], cascadedKeyIds: [], actorId: actor.id })
  }

  /**
   * Replaces a live key's attributes (admins only: they decide which rows policies let through);
   * null returns a user's key to following its owner (a service key then has none).
   */
  async setAttributes(tenantId: string, id: string, attributes: Attributes | null, actor: Actor): Promise<ApiKeyView> {
    assertMaySetAttributes(actor)
    const [row] = await this.db.update(apiKeys).set({ attributes: attributes ?? sql`CASE WHEN ${apiKeys.ownerUserId} IS NULL THEN '{}'::jsonb END` })
      .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt))).returning()
    if (!row) throw notFound('API key')
    return viewApiKey(row)
  }

  /** Revokes every live key owned by a user (disabled or deleted); answers their ids. */
  async revokeOwnedBy(tenantId: string, userId: string): Promise<string[]> {
    const res = await this.db.update(apiKeys).set({ revokedAt: this.now() })
      .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.ownerUserId, userId), isNull(apiKeys.revokedAt))).returning({ id: apiKeys.id })
    return res.map((r) => r.id)
  }


  /** The principal behind a presented key, or null when unknown, revoked or expired. */
  async authenticate(key: string): Promise<Principal | null> {
    if (!API_KEY_PATTERN.test(key)) return null
    const hash = hashApiKey(key)
    const read = async () => frozen((await this.byHash.execute({ hash }))[0])
    const found = this.principalOf(this.cache ? await this.cache.get(hash, read) : await read())
    if (!found) return null
    const { row, principal } = found
    const now = this.now()
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.db.update(apiKeys).set({ lastUsedAt: now })
        .where(and(eq(apiKeys.id, row.id), row.lastUsedAt ? lt(apiKeys.lastUsedAt, new Date(now.getTime() - LAST_USED_RESOLUTION_MS)) : isNull(apiKeys.lastUsedAt)))
      // The kept row too (a write of last_used_at sends no change notice), so the next minute writes none.
      row.lastUsedAt = now
    }
    return principal
  }

  /** The key as it stands now (for queued work it submitted), or null when no longer valid. */
  async principalById(tenantId: string, id: string): Promise<Principal | null> {
    return (await this.live(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id))!))?.principal ?? null
  }

  /**
   * A key that is neither revoked nor expired, with its effective scopes: a
   * user-owned key holds only what both it and its (active) owner hold.
   */
  private async live(where: SQL): Promise<{ row: Row; principal: Principal } | null> {
    return this.principalOf((await this.liveQuery(where))[0])
  }

  private liveQuery(where: SQL) {
    return this.db.select({ key: apiKeys, owner: { role: users.role, disabled: users.disabled, attributes: users.attributes, groups: memberGroupsColumn() } }).from(apiKeys)
      .leftJoin(users, and(eq(users.id, apiKeys.ownerUserId), eq(users.tenantId, apiKeys.tenantId)))
      .where(where).limit(1)
  }

  private principalOf(r: LiveRow | undefined): { row: Row; principal: Principal } | null {
    if (!r) return null
    const row = r.key
    if (row.revokedAt || (row.expiresAt && row.expiresAt <= this.now())) return null
    let scopes = row.scopes
    let attributes = (row.attributes ?? {}) as Attributes
    let groups: string[] | undefined
    if (row.ownerUserId) {
      if (!r.owner || r.owner.disabled) return null
      scopes = intersectScopes(row.scopes, ROLE_SCOPES[r.owner.role as Role] ?? [])
      // A user's key is bound by what binds its owner now: their groups (a policy applying to a group
      // applies to its members' keys) and, unless an admin pinned the key's, their attributes.
      const owner = groupsAndAttributes(r.owner.attributes, r.owner.groups)
      groups = owner.groups
      if (row.attributes === null) attributes = owner.attributes
    }
    // Pinned attributes narrow the key: the owner's bypass_groups must not let it past the row filters they feed.
    const pinned = !!row.ownerUserId && row.attributes !== null && !!groups?.length
    return {
      row,
      principal: {
        tenantId: row.tenantId, kind: 'api_key', id: row.id, scopes, ownerUserId: row.ownerUserId, attributes,
        ...(groups?.length ? { groups } : {}), ...(pinned ? { groupsBypass: false as const } : {}), displayName: row.name,
      },
    }
  }

  assertGrantable(requested: string[], granted: string[]): void {
    if (granted.includes('*')) return
    const extra = requested.filter((s) => s === '*' || !granted.includes(s))
    if (extra.length) throw new AppError('forbidden', `cannot grant scopes you do not hold: ${extra.join(', ')}`, extra.map((s) => ({ path: 'scopes', issue: 'not_held', scope: s })))
  }
}
