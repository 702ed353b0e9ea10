// The SCIM bearer token of a tenant: `nxs_` + 43 base62 characters, shown once
// when created or rotated, stored as its SHA-256 only. A tenant has at most
// one; rotating replaces it, so the previous token stops working at once.
// The token keeps the scopes its creator held when it was made: SCIM may only
// grant roles, and change users, within them (admin only from a `*` creator).
// Replacing or deleting the token needs its scopes too: otherwise a
// users:manage key could swap the IdP's admin-made token for a weaker one it
// holds (provisioning breaks, or is taken over within that key's scopes).
// Like a user-owned API key, the token never outlives its creator's rights:
// it acts within the scopes both it and its creator hold now, and not at all
// once the creator is disabled, deleted, revoked or no longer holds
// users:manage (else an admin who made it, once disabled, could re-activate
// themselves through SCIM). A token with no recorded creator (the operator's)
// keeps its own scopes.
import { createHash } from 'node:crypto'
import { and, eq, isNull, lt } from 'drizzle-orm'
import type { Db } from '../store/db'
import { scimTokens, tenants } from '../store/schema'
import { randomBase62 } from '../ids'
import { AppError, notFound } from '../errors'
import { coversScopes, hasScope, intersectScopes } from '../identity/scopes'
import type { PrincipalLookup } from '../identity/auth-service'

export const SCIM_TOKEN_PATTERN = /^nxs_[A-Za-z0-9]{43}$/
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]
const hash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex')

export interface ScimTokenView {
  id: string
  prefix: string
  last4: string
  /** The creator's scopes: what SCIM may grant and change. */
  scopes: string[]
  created_at: string
  last_used_at: string | null
}

type Row = typeof scimTokens.$inferSelect
const view = (r: Row): ScimTokenView => ({
  id: r.id, prefix: r.prefix, last4: r.last4, scopes: r.scopes, created_at: r.createdAt.toISOString(), last_used_at: r.lastUsedAt?.toISOString() ?? null,
})

const LAST_USED_RESOLUTION_MS = 60_000

export class ScimTokenService {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
    /** Who a token's creator is now (its rights bound the token's). */
    private readonly creators?: PrincipalLookup,
  ) {}

  /** Creates the tenant's token, replacing any previous one whose scopes the creator holds. */
  async rotate(tenantId: string, creator: { id: string | null; scopes: readonly string[] }): Promise<{ token: string; view: ScimTokenView }> {
    const token = `nxs_${randomBase62(43)}`
    const row = await this.db.transaction(async (tx) => {
      await this.deleteHeld(tx, tenantId, creator)
      const [r] = await tx.insert(scimTokens).values({
        id: `scim_${randomBase62(20)}`, tenantId, tokenHash: hash(token), prefix: token.slice(0, 8), last4: token.slice(-4), createdBy: creator.id, scopes: [...creator.scopes], createdAt: this.now(),
      }).returning()
      return r
    })
    return { token, view: view(row) }
  }

  async get(tenantId: string): Promise<ScimTokenView | null> {
    const [r] = await this.db.select().from(scimTokens).where(eq(scimTokens.tenantId, tenantId)).limit(1)
    return r ? view(r) : null
  }

  async revoke(tenantId: string, actor: { scopes: readonly string[] }): Promise<void> {
    const gone = await this.db.transaction((tx) => this.deleteHeld(tx, tenantId, actor))
    if (!gone) throw notFound('SCIM token')
  }

  /** Deletes the tenant's token if `actor` holds every scope it grants; false when there was none. */
  private async deleteHeld(tx: Tx, tenantId: string, actor: { scopes: readonly string[] }): Promise<boolean> {
    // Rotations and deletions of one tenant's token take turns on the tenant's row: with no token
    // yet there is no token row to lock, and two rotations (an admin's, a weaker key's) both inserted,
    // the loser hitting the unique index (a 500, and the admin's rotation lost to the weaker token).
    // NO KEY UPDATE: inserts elsewhere that reference the tenant are not held up.
    await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId)).for('no key update')
    // locked, so a concurrent rotation by a stronger credential cannot slip in between check and delete
    const [current] = await tx.select({ scopes: scimTokens.scopes }).from(scimTokens).where(eq(scimTokens.tenantId, tenantId)).for('update')
    if (!current) return false
    if (!coversScopes(actor.scopes, current.scopes)) {
      throw new AppError('forbidden', 'the SCIM token grants scopes this credential does not hold: only a credential holding them may replace or delete it',
        [{ path: 'scim_token', issue: 'scim_token_scopes', missing: current.scopes.filter((s) => !coversScopes(actor.scopes, [s])) }])
    }
    await tx.delete(scimTokens).where(eq(scimTokens.tenantId, tenantId))
    return true
  }

  /** The tenant, token id and creator's scopes behind a presented token, or null. */
  async authenticate(token: string): Promise<{ tenantId: string; id: string; scopes: string[] } | null> {
    if (!SCIM_TOKEN_PATTERN.test(token)) return null
    const [r] = await this.db.select().from(scimTokens).where(eq(scimTokens.tokenHash, hash(token))).limit(1)
    if (!r) return null
    let scopes = r.scopes
    if (r.createdBy && this.creators) {
      const creator = await this.creators.principalById(r.tenantId, r.createdBy)
      if (!creator || !hasScope(creator.scopes, 'users:manage')) return null
      scopes = intersectScopes(r.scopes, creator.scopes)
    }
    const now = this.now()
    if (!r.lastUsedAt || now.getTime() - r.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.db.update(scimTokens).set({ lastUsedAt: now }).where(and(eq(scimTokens.id, r.id),
        r.lastUsedAt ? lt(scimTokens.lastUsedAt, new Date(now.getTime() - LAST_USED_RESOLUTION_MS)) : isNull(scimTokens.lastUsedAt)))
    }
    return { tenantId: r.tenantId, id: r.id, scopes }
  }
}
