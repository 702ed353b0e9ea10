// Pending sign-ins, kept server-side: the state names a record holding the
// nonce, the PKCE verifier and where to return. The callback deletes the
// record as it reads it (one statement), so a state, and with it a code,
// serves exactly once, also across instances sharing the store.
import { createHash } from 'node:crypto'
import { and, eq, lt } from 'drizzle-orm'
import type { Db } from '../../store/db'
import { ssoLoginStates } from '../../store/schema'

/** How long a sign-in may take at the identity provider. */
export const LOGIN_STATE_TTL_S = 600

const stateKey = (state: string) => createHash('sha256').update(state).digest('hex')

export interface PendingLogin {
  tenantId: string
  nonce: string
  codeVerifier: string
  returnTo: string
}

export class LoginStates {
  constructor(private readonly db: Db, private readonly now: () => Date = () => new Date()) {}

  async save(state: string, p: PendingLogin): Promise<void> {
    const now = this.now()
    // Abandoned sign-ins of this tenant go as new ones come.
    await this.db.delete(ssoLoginStates).where(and(eq(ssoLoginStates.tenantId, p.tenantId), lt(ssoLoginStates.expiresAt, now)))
    await this.db.insert(ssoLoginStates).values({
      id: stateKey(state), tenantId: p.tenantId, nonce: p.nonce, codeVerifier: p.codeVerifier, returnTo: p.returnTo,
      expiresAt: new Date(now.getTime() + LOGIN_STATE_TTL_S * 1000),
    })
  }

  /**
   * The pending sign-in `state` names, removed as it is read; undefined when
   * unknown, used or expired. The tenant is not known before this (it is in
   * the record): the key is the hash of a random 256-bit state, not guessable.
   */
  async take(state: string): Promise<PendingLogin | undefined> {
    const [row] = await this.db.delete(ssoLoginStates)
      .where(eq(ssoLoginStates.id, stateKey(state))).returning()
    if (!row || row.expiresAt.getTime() <= this.now().getTime()) return undefined
    return { tenantId: row.tenantId, nonce: row.nonce, codeVerifier: row.codeVerifier, returnTo: row.returnTo }
  }
}
