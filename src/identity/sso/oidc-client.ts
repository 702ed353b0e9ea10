// The OpenID Connect relying party, on openid-client: discovery (cached per
// tenant and settings version), the authorization URL with state, nonce and
// PKCE S256, and the code exchange, which checks state, issuer (also the
// RFC 9207 `iss` parameter), audience, nonce, signature and expiry. Every
// request to the provider goes through the pinned fetch (network policy).
import * as oidc from 'openid-client'
import type { HostPolicyOptions } from '../../security/host-policy'
import { pinnedFetch } from '../../security/pinned-http'
import { SsoFailure } from './sso-failure'

/** What the relying party needs of a tenant's settings. */
export interface OidcClientSettings {
  tenantId: string
  issuer: string
  clientId: string
  clientSecret: string
  scopes: string[]
  /** Changes whenever the settings do (their updated_at): a cached discovery is then not reused. */
  version: number
}

export interface AuthorizationRequest {
  url: string
  state: string
  nonce: string
  codeVerifier: string
}

export interface CodeExchangeResult {
  /** The validated ID token's claims, merged with userinfo's when the token lacked the email. */
  claims: Record<string, unknown>
}

const DISCOVERY_TTL_MS = 10 * 60_000
const TIMEOUT_S = 10

/** http:// issuers are for loopback only (development, tests); anything reachable over a network must be https. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '')
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h)
}

export class OidcRelyingParty {
  private readonly cache = new Map<string, { key: string; config: Promise<oidc.Configuration>; at: number }>()
  private readonly fetch: ReturnType<typeof pinnedFetch>

  constructor(policy: HostPolicyOptions, private readonly now: () => Date = () => new Date()) {
    this.fetch = pinnedFetch(policy, 'issuer')
  }

  private configuration(s: OidcClientSettings): Promise<oidc.Configuration> {
    const key = `${s.issuer}\n${s.clientId}\n${s.version}`
    const hit = this.cache.get(s.tenantId)
    if (hit && hit.key === key && this.now().getTime() - hit.at < DISCOVERY_TTL_MS) return hit.config
    const issuer = new URL(s.issuer)
    const config = oidc.discovery(issuer, s.clientId, undefined, oidc.ClientSecretBasic(s.clientSecret), {
      [oidc.customFetch]: this.fetch as oidc.CustomFetch,
      timeout: TIMEOUT_S,
      // The ID token's signature is checked against the provider's JWKS too, not only trusted for arriving over TLS.
      execute: [oidc.enableNonRepudiationChecks, ...(issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname) ? [oidc.allowInsecureRequests] : [])],
    })
    // A failed discovery is not remembered: the next sign-in tries again.
    config.catch(() => { if (this.cache.get(s.tenantId)?.config === config) this.cache.delete(s.tenantId) })
    this.cache.set(s.tenantId, { key, config, at: this.now().getTime() })
    return config
  }

  private async discovered(s: OidcClientSettings): Promise<oidc.Configuration> {
    try {
      return await this.configuration(s)
    } catch (err) {
      throw new SsoFailure('idp_unreachable', `discovery of ${s.issuer} failed: ${(err as Error).message}`, err)
    }
  }

  async authorizationRequest(s: OidcClientSettings, redirectUri: string): Promise<AuthorizationRequest> {
    const config = await this.discovered(s)
    const state = oidc.randomState()
    const nonce = oidc.randomNonce()
    const codeVerifier = oidc.randomPKCECodeVerifier()
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: s.scopes.join(' '),
      response_type: 'code',
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    })
    return { url: url.href, state, nonce, codeVerifier }
  }

  /**
   * Exchanges the code in `callbackUrl` (which must carry `state`) and
   * validates the answer. Throws SsoFailure: `idp_error` when the provider
   * answered the authorization with an error, `code_rejected` when the code
   * exchange or the ID token's checks fail.
   */
  async exchange(s: OidcClientSettings, callbackUrl: URL, expected: { state: string; nonce: string; codeVerifier: string; redirectUri: string }): Promise<CodeExchangeResult> {
    const config = await this.discovered(s)
    // The provider compares redirect_uri with the one of the authorization request: give the one we sent.
    const current = new URL(expected.redirectUri)
    current.search = callbackUrl.search
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>
    try {
      tokens = await oidc.authorizationCodeGrant(config, current, {
        expectedState: expected.state, expectedNonce: expected.nonce, pkceCodeVerifier: expected.codeVerifier, idTokenExpected: true,
      })
    } catch (err) {
      if (err instanceof oidc.AuthorizationResponseError) throw new SsoFailure('idp_error', `the identity provider answered ${err.error}`, err)
      throw new SsoFailure('code_rejected', `the code exchange failed: ${(err as Error).message}`, err)
    }
    const claims = { ...(tokens.claims() ?? {}) } as Record<string, unknown>
    if (typeof claims.email !== 'string' && tokens.access_token) {
      // Some providers keep the ID token small and give the email on userinfo only.
      try {
        const info = await oidc.fetchUserInfo(config, tokens.access_token, String(claims.sub))
        for (const [k, v] of Object.entries(info)) if (!(k in claims)) claims[k] = v
      } catch (err) {
        throw new SsoFailure('code_rejected', `userinfo failed: ${(err as Error).message}`, err)
      }
    }
    return { claims }
  }
}
