// Login sessions: a short-lived JWT access token plus an opaque refresh token
// stored hashed. Refreshing spends the token and issues the next one in the
// same family; presenting a spent token again means it was stolen, so the
// whole family is revoked. Logout revokes the family and, because access
// tokens are checked against their session, the access token stops working too.
import { createHash } from 'node:crypto'
import { and, eq, isNull, sql } from 'drizzle-orm'
import { SignJWT, jwtVerify, type JWTPayload } from 'jose'
import type { Db } from '../store/db'
import { sessions, users } from '../store/schema'
import { newId, randomBase62 } from '../ids'
import { AppError } from '../errors'
import type { Principal } from './principal'
import { groupsAndAttributes, memberGroupsColumn } from './member-groups'
import { ROLE_SCOPES, type Role } from './scopes'
import { dummyHash, verifyPassword } from './passwords'
import type { UserService } from './users'
import type { AccessTokenVerifier } from './auth-service'
import type { AccountLoginBudget } from './account-login-budget'

const ISSUER = 'nexatron'
const AUDIENCE = 'nexatron-api'
const hashToken = (t: string) => createHash('sha256').update(t).digest('hex')

export interface TokenKeys {
  /** kid -> HMAC key; `current` signs, all verify (rotation). */
  keys: Map<string, Uint8Array>
  current: string
}

/** Signing keys: NEXATRON_JWT_SECRET, or derived from the credential key so no extra setup is needed. */
export function tokenKeys(opts: { jwtSecret?: string; kid: string; fallbackKey: Buffer; previous?: Array<{ kid: string; secret: string }> }): TokenKeys {
  const current = new Uint8Array(opts.jwtSecret ? Buffer.from(opts.jwtSecret, 'utf8') : opts.fallbackKey)
  const keys = new Map<string, Uint8Array>([[opts.kid, current]])
  for (const p of opts.previous ?? []) keys.set(p.kid, new Uint8Array(Buffer.from(p.secret, 'utf8')))
  return { keys, current: opts.kid }
}

/** How a login was proved; a refreshed session keeps its login's. */
export type SessionMethod = 'password' | 'sso'

export interface TokenPair { access_token: string; refresh_token: string; expires_in: number; token_type: 'Bearer' }

/** Whether a tenant lets its users log in with a password (SSO can turn it off): throws when it does not. */
export interface PasswordLoginPolicy {
  assertPasswordLogin(tenantId: string): Promise<void>
}

export class SessionService implements AccessTokenVerifier {
  constructor(
    private readonly db: Db,
    private readonly users: UserService,
    private readonly keys: TokenKeys,
    private readonly ttl: { accessS: number; refreshS: number },
    private readonly now: () => Date = () => new Date(),
    private readonly policy?: PasswordLoginPolicy,
    private readonly accountBudget?: Pick<AccountLoginBudget, 'assertOpen' | 'failed' | 'succeeded'>,
  ) {}

  /**
   * `expiresAt`: a refreshed token keeps the expiry of the login it descends
   * from, so a login lasts the refresh TTL at most however often it is
   * refreshed (a stolen refresh token, or a password session after password
   * login was turned off, is not good for ever).
   */
  private async issue(user: typeof users.$inferSelect, familyId: string, method: SessionMethod, expiresAt = new Date(this.now().getTime() + this.ttl.refreshS * 1000)): Promise<TokenPair> {
    const refresh = `nxr_${randomBase62(43)}`
    const sessionId = newId('ses')
    await this.db.insert(sessions).values({
      id: sessionId, tenantId: user.tenantId, userId: user.id, familyId, refreshHash: hashToken(refresh), method, expiresAt,
    })
    const iat = Math.floor(this.now().getTime() / 1000)
    const access = await new SignJWT({ tid: user.tenantId, sid: familyId, role: user.role })
      .setProtectedHeader({ alg: 'HS256', kid: this.keys.current, typ: 'JWT' })
      .setSubject(user.id).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt(iat).setExpirationTime(iat + this.ttl.accessS)
      .setJti(newId('ses'))
      .sign(this.keys.keys.get(this.keys.current)!)
    return { access_token: access, refresh_token: refresh, expires_in: this.ttl.accessS, token_type: 'Bearer' }
  }

  /**
   * `tenant` (name or id) picks the account when the email exists in several
   * tenants; without it such an email matches nobody (see UserService.forLogin).
   */
  async login(email: string, password: string, tenant?: string): Promise<TokenPair> {
    // Before any lookup: a spent account answers the same whether the email exists or the password is right.
    await this.accountBudget?.assertOpen(email)
    const user = await this.users.forLogin(email, tenant)
    // Same work and same answer whether the email exists (once, several times, in that tenant) or not.
    const ok = user ? await verifyPassword(password, user.passwordHash) : (await verifyPassword(password, await dummyHash()), false)
    if (!user || !ok || user.disabled) {
      await this.accountBudget?.failed(email)
      throw new AppError('unauthorized', 'invalid email or password (if your email belongs to several tenants, also give "tenant")')
    }
    // The failures are the email's, shared by every tenant's account of it (assertOpen runs before any lookup):
    // only when this is the one account of the address may its right password forget them. Else an account
    // of the same email made in another tenant (any admin can) would reset a victim's budget at will.
    if (this.accountBudget && (await this.users.accountsWithEmail(email)) === 1) await this.accountBudget.succeeded(email)
    // Only after the password proved right, so the answer says nothing about the email to anyone else.
    await this.policy?.assertPasswordLogin(user.tenantId)
    return this.issue(user, newId('fam'), 'password')
  }

  /** A new session for a user the caller has authenticated by other means (single sign-on). */
  async startSession(user: typeof users.$inferSelect): Promise<TokenPair> {
    if (user.disabled) throw new AppError('unauthorized', 'this user is deactivated')
    return this.issue(user, newId('fam'), 'sso')
  }

  async refresh(token: string): Promise<TokenPair> {
    const invalid = () => new AppError('unauthorized', 'invalid or expired refresh token')
    if (!/^nxr_[A-Za-z0-9]{43}$/.test(token)) throw invalid()
    const [s] = await this.db.select().from(sessions).where(eq(sessions.refreshHash, hashToken(token))).limit(1)
    if (!s) throw invalid()
    if (s.spentAt) {
      await this.revokeFamily(s.familyId)
      throw new AppError('unauthorized', 'refresh token reuse detected; the session has been revoked')
    }
    if (s.revokedAt || s.expiresAt <= this.now()) throw invalid()
    // Spend atomically: of two concurrent refreshes with the same token only one wins.
    // Unrevoked too: a revocation (logout, password login turned off) that commits after the read above wins.
    const spent = await this.db.update(sessions).set({ spentAt: this.now() })
      .where(and(eq(sessions.id, s.id), isNull(sessions.spentAt), isNull(sessions.revokedAt))).returning({ id: sessions.id })
    if (!spent.length) {
      await this.revokeFamily(s.familyId)
      throw new AppError('unauthorized', 'refresh token reuse detected; the session has been revoked')
    }
    const [user] = await this.db.select().from(users).where(eq(users.id, s.userId)).limit(1)
    if (!user || user.disabled) throw invalid()
    const pair = await this.issue(user, s.familyId, s.method as SessionMethod, s.expiresAt)
    // Password login turned off while this refresh ran: its transaction revoked the rows it saw, not the
    // one just written. Checked after the write, so either the setting's revocation covers that row or
    // this check sees the setting and ends the family.
    if (s.method === 'password' && this.policy) {
      const allowed = await this.policy.assertPasswordLogin(user.tenantId).then(() => true, (e: unknown) => {
        if (e instanceof AppError) return false
        throw e
      })
      if (!allowed) {
        await this.revokeFamily(s.familyId)
        throw invalid()
      }
    }
    return pair
  }

  async logout(principal: Principal): Promise<void> {
    if (principal.kind !== 'user' || !principal.sessionId) {
      throw new AppError('unprocessable', 'logout applies to login sessions; revoke API keys with DELETE /api/v1/api-keys/{id}')
    }
    await this.revokeFamily(principal.sessionId)
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.db.update(sessions).set({ revokedAt: this.now() }).where(and(eq(sessions.familyId, familyId), isNull(sessions.revokedAt)))
  }

  async verify(token: string): Promise<Principal | null> {
    let payload: JWTPayload
    try {
      const res = await jwtVerify(token, async (header) => {
        const k = header.kid ? this.keys.keys.get(header.kid) : undefined
        if (!k) throw new Error('unknown kid')
        return k
      }, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], currentDate: this.now() })
      payload = res.payload
    } catch {
      return null
    }
    const familyId = payload.sid as string | undefined
    if (!payload.sub || !familyId) return null
    // The family must still be live (logout, reuse detection) and the user active.
    const [row] = await this.db.select({ role: users.role, disabled: users.disabled, tenantId: users.tenantId, attributes: users.attributes, groups: memberGroupsColumn() }).from(users)
      .where(and(eq(users.id, payload.sub), sql`EXISTS (SELECT 1 FROM ${sessions} WHERE ${sessions.familyId} = ${familyId} AND ${sessions.revokedAt} IS NULL)`)).limit(1)
    if (!row || row.disabled || row.tenantId !== payload.tid) return null
    return { tenantId: row.tenantId, kind: 'user', id: payload.sub, role: row.role, scopes: ROLE_SCOPES[row.role as Role] ?? [], sessionId: familyId, ...groupsAndAttributes(row.attributes, row.groups) }
  }
}
