// A tenant's single sign-on settings: issuer, client, scopes, the claim that
// carries groups and its mapping to roles, allowed email domains, and whether
// password login stays open. The client secret is write-only: sealed with the
// secret box the way connection credentials are (bound to the tenant, so a
// blob copied onto another tenant fails to open) and never answered.
import { and, eq, isNull } from 'drizzle-orm'
import type { Db } from '../../store/db'
import { sessions, ssoSettings } from '../../store/schema'
import { AppError } from '../../errors'
import type { SecretBox } from '../../security/secret-box'
import { resolveAndCheck, type HostPolicyOptions } from '../../security/host-policy'
import { hostGrammarError } from '../../../connectors/shared/config-fields'
import type { PasswordLoginPolicy } from '../sessions'
import { ROLES, type Role } from '../scopes'
import { isLoopbackHost } from './oidc-client'

export type SsoSettingsRow = typeof ssoSettings.$inferSelect

export const DEFAULT_SCOPES = ['openid', 'email', 'profile']
export const DEFAULT_BUTTON_LABEL = 'Sign in with SSO'

export interface SsoSettingsInput {
  enabled?: boolean
  issuer: string
  client_id: string
  /** Required the first time, and whenever issuer or client_id change; kept as it is when left out otherwise. */
  client_secret?: string
  scopes?: string[]
  groups_claim?: string | null
  role_mapping?: Record<string, Role>
  allowed_email_domains?: string[]
  password_login?: boolean
  button_label?: string | null
}

export interface SsoSettingsView {
  enabled: boolean
  issuer: string
  client_id: string
  client_secret_set: true
  scopes: string[]
  groups_claim: string | null
  role_mapping: Record<string, Role>
  allowed_email_domains: string[]
  password_login: boolean
  button_label: string
  /** What to register at the identity provider as the redirect (sign-in) URI. */
  redirect_uri: string
  created_at: string
  updated_at: string
}

/** The settings a sign-in uses, secret opened. */
export interface ActiveSsoSettings {
  row: SsoSettingsRow
  clientSecret: string
}

const aad = (tenantId: string) => `sso:${tenantId}`
const invalid = (path: string, issue: string, message: string) => new AppError('validation_error', message, [{ path, issue }])

/** Why `issuer` cannot be an OpenID issuer, or null. */
export function issuerError(issuer: string): string | null {
  let url: URL
  try {
    url = new URL(issuer)
  } catch {
    return 'issuer must be an absolute URL'
  }
  if (url.username || url.password) return 'issuer must not carry a user or password'
  if (url.search || url.hash || issuer.includes('#')) return 'issuer must not have a query or fragment (OpenID Connect Discovery 1.0)'
  const why = hostGrammarError(url.hostname)
  if (why) return `issuer host: ${why}`
  if (url.protocol === 'https:') return null
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return null
  return 'issuer must be an https URL (http is accepted only for a loopback address, for development)'
}

export class SsoSettingsService implements PasswordLoginPolicy {
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
    private readonly hostPolicy: HostPolicyOptions,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async row(tenantId: string): Promise<SsoSettingsRow | undefined> {
    const [row] = await this.db.select().from(ssoSettings).where(eq(ssoSettings.tenantId, tenantId)).limit(1)
    return row
  }

  /** `redirectUri`: this server's callback URL, to register at the provider. */
  view(row: SsoSettingsRow, redirectUri: string): SsoSettingsView {
    return {
      enabled: row.enabled, issuer: row.issuer, client_id: row.clientId, client_secret_set: true, scopes: row.scopes,
      groups_claim: row.groupsClaim, role_mapping: row.roleMapping as Record<string, Role>, allowed_email_domains: row.allowedDomains,
      password_login: row.passwordLogin, button_label: row.buttonLabel ?? DEFAULT_BUTTON_LABEL, redirect_uri: redirectUri,
      created_at: row.createdAt.toISOString(), updated_at: row.updatedAt.toISOString(),
    }
  }

  async get(tenantId: string, redirectUri: string): Promise<SsoSettingsView> {
    const row = await this.row(tenantId)
    if (!row) throw new AppError('sso_not_configured', 'single sign-on is not configured for this tenant (PUT /api/v1/sso/settings)')
    return this.view(row, redirectUri)
  }

  /** Creates or replaces the tenant's settings. */
  async put(tenantId: string, input: SsoSettingsInput, redirectUri: string): Promise<SsoSettingsView> {
    const issuer = input.issuer.trim()
    const why = issuerError(issuer)
    if (why) throw invalid('issuer', 'invalid_issuer', why)
    const scopes = [...new Set(input.scopes ?? DEFAULT_SCOPES)]
    if (!scopes.includes('openid')) throw invalid('scopes', 'openid_required', 'scopes must include "openid"')
    for (const [group, role] of Object.entries(input.role_mapping ?? {})) {
      if (!(ROLES as readonly string[]).includes(role)) throw invalid(`role_mapping.${group}`, 'invalid_role', `roles are ${ROLES.join(', ')}`)
    }
    const enabled = input.enabled ?? true
    if (input.password_login === false && !enabled) {
      throw invalid('password_login', 'sso_disabled', 'password login can only be turned off while single sign-on is enabled (users would have no way in)')
    }
    const current = await this.row(tenantId)
    // A stored secret only ever goes to the provider it was given for: re-pointing needs it again.
    const repointed = current && (current.issuer !== issuer || current.clientId !== input.client_id)
    if (input.client_secret === undefined && (!current || repointed)) {
      throw invalid('client_secret', 'required', current
        ? 'client_secret is required when issuer or client_id change (the stored one is only sent to the provider it was given for)'
        : 'client_secret is required when single sign-on is first configured')
    }
    // The provider must be somewhere the network policy lets us go (SSRF): refused now, not at the first sign-in.
    await resolveAndCheck(new URL(issuer).hostname, this.hostPolicy, 'issuer')
    const values = {
      enabled, issuer, clientId: input.client_id, scopes, groupsClaim: input.groups_claim ?? null,
      roleMapping: input.role_mapping ?? {},
      allowedDomains: [...new Set((input.allowed_email_domains ?? []).map((d) => d.trim().toLowerCase()))],
      passwordLogin: input.password_login ?? true,
      buttonLabel: input.button_label ?? null,
      clientSecretEnc: input.client_secret !== undefined ? this.box.seal(input.client_secret, aad(tenantId)) : current!.clientSecretEnc,
      updatedAt: this.now(),
    }
    const row = await this.db.transaction(async (tx) => {
      const [stored] = await tx.insert(ssoSettings).values({ tenantId, ...values })
        .onConflictDoUpdate({ target: ssoSettings.tenantId, set: values }).returning()
      // Password login off means off now: the password sessions already open end here, not at their
      // refresh TTL (single sign-on sessions go on). Turning it on again does not bring them back.
      if (stored.enabled && !stored.passwordLogin) {
        await tx.update(sessions).set({ revokedAt: this.now() })
          .where(and(eq(sessions.tenantId, tenantId), eq(sessions.method, 'password'), isNull(sessions.revokedAt)))
      }
      return stored
    })
    return this.view(row, redirectUri)
  }

  /** Removes single sign-on; password login is open again. */
  async delete(tenantId: string): Promise<void> {
    const gone = await this.db.delete(ssoSettings).where(eq(ssoSettings.tenantId, tenantId)).returning({ t: ssoSettings.tenantId })
    if (!gone.length) throw new AppError('sso_not_configured', 'single sign-on is not configured for this tenant')
  }

  /** The enabled settings with the secret opened, or undefined when the tenant has no (enabled) SSO. */
  async active(tenantId: string): Promise<ActiveSsoSettings | undefined> {
    const row = await this.row(tenantId)
    if (!row || !row.enabled) return undefined
    return { row, clientSecret: this.box.open(row.clientSecretEnc, aad(tenantId)) }
  }

  /** Re-seals every client secret sealed with an older key (`npx nexatron secrets rotate`, after a key rotation). */
  async rotateSecrets(): Promise<number> {
    let n = 0
    for (const row of await this.db.select().from(ssoSettings)) {
      if (!this.box.needsRotation(row.clientSecretEnc)) continue
      const sealed = this.box.seal(this.box.open(row.clientSecretEnc, aad(row.tenantId)), aad(row.tenantId))
      await this.db.update(ssoSettings).set({ clientSecretEnc: sealed }).where(eq(ssoSettings.tenantId, row.tenantId))
      n++
    }
    return n
  }

  async assertPasswordLogin(tenantId: string): Promise<void> {
    const row = await this.row(tenantId)
    if (row && row.enabled && !row.passwordLogin) {
      throw new AppError('password_login_disabled', 'password login is disabled for this tenant: sign in with single sign-on', [{ issue: 'sso_required' }])
    }
  }
}
