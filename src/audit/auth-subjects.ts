// Who a login or refresh attempt was about. These requests carry no
// credential, so the tenant comes from the account (by email) or from the
// presented refresh token's session.
import { createHash } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import type { Db } from '../store/db'
import { apiKeys, sessions, users } from '../store/schema'

export interface RefreshSubject { tenantId: string; userId: string; familyId: string; spent: boolean }

/** Same digest as identity/sessions.ts stores for refresh tokens. */
const hashToken = (t: string) => createHash('sha256').update(t).digest('hex')

export async function refreshTokenSubject(db: Db, token: string): Promise<RefreshSubject | null> {
  if (!/^nxr_[A-Za-z0-9]{43}$/.test(token)) return null
  const [s] = await db.select({ tenantId: sessions.tenantId, userId: sessions.userId, familyId: sessions.familyId, spentAt: sessions.spentAt })
    .from(sessions).where(eq(sessions.refreshHash, hashToken(token))).limit(1)
  return s ? { tenantId: s.tenantId, userId: s.userId, familyId: s.familyId, spent: s.spentAt !== null } : null
}

export interface ApiKeySubject { tenantId: string; keyId: string; name: string }

/** The tenant of a presented API key that was refused (revoked or expired): proven by its hash, so a 401 can be recorded. */
export async function refusedApiKeySubject(db: Db, token: string): Promise<ApiKeySubject | null> {
  if (!/^nxa_[A-Za-z0-9]{20,128}$/.test(token)) return null
  const [k] = await db.select({ tenantId: apiKeys.tenantId, keyId: apiKeys.id, name: apiKeys.name })
    .from(apiKeys).where(eq(apiKeys.keyHash, hashToken(token))).limit(1)
  return k ?? null
}

/** A readable name for an actor, as it was when the record was written: a user's email, an API key's name. */
export async function actorDisplay(db: Db, tenantId: string, id: string): Promise<string | null> {
  if (id.startsWith('usr_')) {
    const [u] = await db.select({ email: users.email }).from(users).where(and(eq(users.tenantId, tenantId), eq(users.id, id))).limit(1)
    return u?.email ?? null
  }
  if (id.startsWith('key_')) {
    const [k] = await db.select({ name: apiKeys.name }).from(apiKeys).where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id))).limit(1)
    return k?.name ?? null
  }
  if (id.startsWith('scim_')) return 'SCIM provisioning'
  return null
}
