// A single sign-on, start to finish. Start: the tenant's settings, a pending
// sign-in (state, nonce, PKCE verifier, where to return) kept server-side, and
// the provider's authorization URL. Callback: the state must equal the one in
// the browser's cookie and name a pending sign-in (taken once), the code is
// exchanged and the ID token validated (openid-client), then the user is found
// by their IdP subject or email, or created just in time with the role their
// groups map to (the SCIM rules), and given a session exactly like a password
// login. Every outcome with a known tenant is audited as `auth.sso_login`.
import { timingSafeEqual } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import type { Db } from '../../store/db'
import { ssoIdentities } from '../../store/schema'
import { AppError } from '../../errors'
import { randomBase62 } from '../../ids'
import type { TenantService } from '../tenants'
import type { UserRow, UserService } from '../users'
import type { SessionService, TokenPair } from '../sessions'
import type { Actor, Role } from '../scopes'
import type { BillingService } from '../../billing/billing-service'
import { DEFAULT_BUTTON_LABEL, type SsoSettingsService, type SsoSettingsRow } from './sso-settings'
import type { OidcClientSettings, OidcRelyingParty } from './oidc-client'
import type { LoginStates } from './login-states'
import { SsoFailure, type SsoFailureCode } from './sso-failure'
import { safeReturnTo } from './return-to'
import { groupsFromClaims, roleFromGroups } from './role-mapping'

/** Who changes users on a sign-in: the tenant's own identity provider, as configured by an admin. */
const SSO_ACTOR: Actor = { id: null, scopes: ['*'] }

export interface SsoAuditEvent {
  tenantId: string
  userId: string | null
  /** The user's email, once known (shown as the actor). */
  email?: string | null
  outcome: 'success' | 'failure' | 'denied'
  reason?: SsoFailureCode
  ip?: string | null
  requestId?: string | null
  userAgent?: string | null
}

export interface RequestInfo {
  ip?: string | null
  requestId?: string | null
  userAgent?: string | null
}

export interface SsoLoginDeps {
  db: Db
  tenants: Pick<TenantService, 'byName' | 'get'>
  users: UserService
  sessions: Pick<SessionService, 'startSession'>
  settings: SsoSettingsService
  relyingParty: OidcRelyingParty
  states: LoginStates
  /** The role of a user whose groups match nothing (NEXATRON_SCIM_DEFAULT_ROLE, as SCIM gives). */
  defaultRole: Role
  audit?: (e: SsoAuditEvent) => Promise<void>
  /** The plan's seats: a user created on a first sign-in takes one, like one created over the API or SCIM (unset: no limit). */
  seats?: Pick<BillingService, 'assertCapacity'>
  now?: () => Date
}

export interface SsoLoginResult {
  user: UserRow
  tokens: TokenPair
  returnTo: string
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

const clientSettings = (row: SsoSettingsRow, clientSecret: string): OidcClientSettings => ({
  tenantId: row.tenantId, issuer: row.issuer, clientId: row.clientId, clientSecret, scopes: row.scopes, version: row.updatedAt.getTime(),
})

function displayName(claims: Record<string, unknown>): string | null {
  if (typeof claims.name === 'string' && claims.name.trim()) return claims.name.trim().slice(0, 200)
  const parts = [claims.given_name, claims.family_name].filter((p): p is string => typeof p === 'string' && p.trim() !== '')
  return parts.length ? parts.join(' ').slice(0, 200) : null
}

export class SsoLoginService {
  private readonly now: () => Date

  constructor(private readonly d: SsoLoginDeps) {
    this.now = d.now ?? (() => new Date())
  }

  /** The tenant (by name or id) with enabled SSO, or undefined. */
  private async tenantWithSso(tenantRef: string) {
    const tenant = (await this.d.tenants.byName(tenantRef)) ?? (await this.d.tenants.get(tenantRef))
    if (!tenant) return undefined
    const active = await this.d.settings.active(tenant.id)
    return active ? { tenant, ...active } : undefined
  }

  /** What the console's sign-in page shows: nothing tells whether a tenant without SSO exists. */
  async publicConfig(tenantRef: string): Promise<{ enabled: boolean; button_label: string | null; password_login: boolean }> {
    const found = await this.tenantWithSso(tenantRef)
    if (!found) return { enabled: false, button_label: null, password_login: true }
    return { enabled: true, button_label: found.row.buttonLabel ?? DEFAULT_BUTTON_LABEL, password_login: found.row.passwordLogin }
  }

  async start(tenantRef: string, returnTo: string | undefined, redirectUri: string): Promise<{ url: string; state: string }> {
    const target = safeReturnTo(returnTo)
    if (target === null) {
      throw new AppError('validation_error', 'return_to must be a path on this server (starting with a single "/")', [{ path: 'return_to', issue: 'not_same_origin' }])
    }
    const found = await this.tenantWithSso(tenantRef)
    if (!found) throw new AppError('sso_not_configured', 'single sign-on is not configured for this tenant', [{ path: 'tenant', issue: 'sso_not_configured' }])
    let request
    try {
      request = await this.d.relyingParty.authorizationRequest(clientSettings(found.row, found.clientSecret), redirectUri)
    } catch (err) {
      if (err instanceof SsoFailure) throw new AppError('unreachable', 'the identity provider could not be reached; try again later', [{ issue: err.reason }])
      throw err
    }
    await this.d.states.save(request.state, { tenantId: found.tenant.id, nonce: request.nonce, codeVerifier: request.codeVerifier, returnTo: target })
    return { url: request.url, state: request.state }
  }

  /**
   * Completes a sign-in from the provider's redirect to `callbackUrl`.
   * `cookieState` is the state the browser kept since start. Throws SsoFailure.
   */
  async callback(callbackUrl: URL, cookieState: string | undefined, redirectUri: string, req: RequestInfo = {}): Promise<SsoLoginResult> {
    const state = callbackUrl.searchParams.get('state')
    // Login CSRF: the answer must come back to the browser that started the sign-in.
    if (!state || !cookieState || !sameSecret(state, cookieState)) throw new SsoFailure('state_mismatch')
    const pending = await this.d.states.take(state)
    if (!pending) throw new SsoFailure('state_expired')
    let userId: string | null = null
    try {
      const active = await this.d.settings.active(pending.tenantId)
      if (!active) throw new SsoFailure('sso_not_configured')
      const { claims } = await this.d.relyingParty.exchange(clientSettings(active.row, active.clientSecret), callbackUrl, {
        state, nonce: pending.nonce, codeVerifier: pending.codeVerifier, redirectUri,
      })
      const user = await this.userFor(active.row, claims)
      userId = user.id
      const tokens = await this.d.sessions.startSession(user)
      await this.d.audit?.({ tenantId: pending.tenantId, userId: user.id, email: user.email, outcome: 'success', ...req })
      return { user, tokens, returnTo: safeReturnTo(pending.returnTo) ?? '/' }
    } catch (err) {
      const failure = err instanceof SsoFailure ? err : undefined
      userId ??= failure?.userId ?? null
      const denied = failure && ['user_disabled', 'domain_not_allowed', 'email_not_verified', 'identity_conflict', 'plan_limit_reached'].includes(failure.reason)
      await this.d.audit?.({ tenantId: pending.tenantId, userId, outcome: denied ? 'denied' : 'failure', reason: failure?.reason, ...req })
      if (failure) failure.tenantId = pending.tenantId
      throw err
    }
  }

  /** The user these claims name: linked by subject, else by email (then linked), else created. */
  private async userFor(settings: SsoSettingsRow, claims: Record<string, unknown>): Promise<UserRow> {
    const tenantId = settings.tenantId
    const subject = typeof claims.sub === 'string' ? claims.sub : undefined
    if (!subject) throw new SsoFailure('code_rejected', 'the ID token has no subject')
    const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : ''
    if (!email || !email.includes('@')) throw new SsoFailure('email_missing')
    // Providers that say so are believed; those that never send the claim (Entra) are trusted for their own tenants' emails.
    if (claims.email_verified === false || claims.email_verified === 'false') throw new SsoFailure('email_not_verified')
    const domain = email.slice(email.lastIndexOf('@') + 1)
    if (settings.allowedDomains.length && !settings.allowedDomains.includes(domain)) {
      throw new SsoFailure('domain_not_allowed', `the email domain ${domain} is not allowed for this tenant`)
    }
    const role = roleFromGroups(groupsFromClaims(claims, settings.groupsClaim), settings.roleMapping as Record<string, Role>, this.d.defaultRole)
    const name = displayName(claims)

    const [link] = await this.d.db.select().from(ssoIdentities)
      .where(and(eq(ssoIdentities.tenantId, tenantId), eq(ssoIdentities.issuer, settings.issuer), eq(ssoIdentities.subject, subject))).limit(1)
    let user = link ? await this.d.users.get(tenantId, link.userId).catch(() => undefined) : undefined
    if (!user) {
      user = await this.d.users.byEmail(tenantId, email)
      // Before anything about the user changes: the email must not belong to another account at this provider.
      if (user) await this.assertLinkable(user, settings.issuer, subject)
    }
    if (!user) {
      await this.takeSeat(tenantId)
      user = await this.d.users.create(tenantId, { email, name, role: role ?? this.d.defaultRole, password: randomBase62(48) }, SSO_ACTOR)
        .catch(async (err: unknown) => {
          // Two first sign-ins at once: the other one created the user.
          const existing = err instanceof AppError && err.code === 'conflict' ? await this.d.users.byEmail(tenantId, email) : undefined
          if (!existing) throw err
          return existing
        })
    } else if (user.disabled) {
      const refused = new SsoFailure('user_disabled')
      refused.userId = user.id
      throw refused
    } else {
      user = await this.update(user, { role, name })
    }
    await this.link(user, settings.issuer, subject)
    return user
  }

  /** Refuses a new user the tenant's plan has no seat for (an SSO failure: the browser is mid-redirect). */
  private async takeSeat(tenantId: string): Promise<void> {
    try {
      await this.d.seats?.assertCapacity(tenantId, 'seats')
    } catch (err) {
      if (err instanceof AppError && err.code === 'plan_limit_reached') throw new SsoFailure('plan_limit_reached', err.message, err)
      throw err
    }
  }

  /** Brings role and name in line with the provider; the tenant's last active admin keeps the role. */
  private async update(user: UserRow, want: { role?: Role; name: string | null }): Promise<UserRow> {
    const patch: { role?: Role; name?: string } = {}
    if (want.role && want.role !== user.role) patch.role = want.role
    if (want.name && want.name !== user.name) patch.name = want.name
    if (!Object.keys(patch).length) return user
    try {
      return await this.d.users.update(user.tenantId, user.id, patch, SSO_ACTOR)
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'conflict') || !patch.role) throw err
      // Demoting the last active admin would lock the tenant out: keep the role, still take the name.
      return patch.name ? this.d.users.update(user.tenantId, user.id, { name: patch.name }, SSO_ACTOR) : user
    }
  }

  private async identityOf(user: UserRow) {
    const [current] = await this.d.db.select().from(ssoIdentities)
      .where(and(eq(ssoIdentities.tenantId, user.tenantId), eq(ssoIdentities.userId, user.id))).limit(1)
    return current
  }

  /** Refuses when `user` is linked to another subject of the same provider: that account is someone else. */
  private async assertLinkable(user: UserRow, issuer: string, subject: string) {
    const current = await this.identityOf(user)
    if (current && current.issuer === issuer && current.subject !== subject) throw new SsoFailure('identity_conflict')
    return current
  }

  private async link(user: UserRow, issuer: string, subject: string): Promise<void> {
    const now = this.now()
    const current = await this.assertLinkable(user, issuer, subject)
    if (current) {
      await this.d.db.update(ssoIdentities).set({ issuer, subject, lastLoginAt: now })
        .where(and(eq(ssoIdentities.tenantId, user.tenantId), eq(ssoIdentities.userId, user.id)))
      return
    }
    // No error on a conflict (it would abort an enclosing transaction): read back who holds the link instead.
    await this.d.db.insert(ssoIdentities).values({ userId: user.id, tenantId: user.tenantId, issuer, subject, lastLoginAt: now }).onConflictDoNothing()
    const [linked] = await this.d.db.select().from(ssoIdentities)
      .where(and(eq(ssoIdentities.tenantId, user.tenantId), eq(ssoIdentities.userId, user.id))).limit(1)
    // Another user of this tenant holds this subject (its email changed at the provider), or a concurrent sign-in linked another.
    if (!linked || linked.issuer !== issuer || linked.subject !== subject) throw new SsoFailure('identity_conflict')
  }
}
