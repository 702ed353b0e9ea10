// Who a login or refresh attempt was about. These requests carry no
// credential, so the tenant comes from the account (by email) or from the
// presented refresh token's session.
import { createHash } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Db } from '../store/db'
import { sessions } from '../store/schema'

export interface RefreshSubject { tenantId: string; userId: string; familyId: string; spent: boolean }

/** Same digest as identity/sessions.ts stores for refresh tokens. */
const hashToken = (t: string) => createHash('sha256').update(t).digest('hex')

export async function refreshTokenSubject(db: Db, token: string): Promise<RefreshSubject | null> {
  if (!/^nxr_[A-Za-z0-9]{43}$/.test(token)) return null
  const [s] = await db.select({ tenantId: sessions.tenantId, userId: sessions.userId, familyId: sessions.familyId, spentAt: sessions.spentAt })
    .from(sessions).where(eq(sessions.refreshHash, hashToken(token))).limit(1)
  return s ? { tenantId: s.tenantId, userId: s.userId, familyId: s.familyId, spent: s.spentAt !== null } : null
}
