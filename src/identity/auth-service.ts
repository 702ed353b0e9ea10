// One entry point for "who is this bearer token": API keys (nxa_...) or
// access tokens (JWT) issued by /auth/login; and for "who is this principal
// now", asked of work that outlives its request (async jobs, webhooks).
import type { Principal } from './principal'
import type { ApiKeyService } from './api-keys'
import type { UserService } from './users'
import { withSpan } from '../ops/spans'

export interface AccessTokenVerifier {
  verify(token: string): Promise<Principal | null>
}

/** The current rights of a principal by id: null once it is revoked, expired, disabled or deleted. */
export interface PrincipalLookup {
  principalById(tenantId: string, id: string): Promise<Principal | null>
}

export class AuthService implements PrincipalLookup {
  constructor(
    private readonly apiKeys: ApiKeyService,
    private readonly tokens?: AccessTokenVerifier,
    private readonly users?: Pick<UserService, 'principalById'>,
  ) {}

  /** Traced as the `auth` span: the credential kind and, when it is valid, whose (ids only). */
  async authenticate(token: string): Promise<Principal | null> {
    const kind = token.startsWith('nxa_') ? 'api_key' : 'access_token'
    return withSpan('auth', async (span) => {
      const principal = kind === 'api_key' ? await this.apiKeys.authenticate(token) : this.tokens ? await this.tokens.verify(token) : null
      span.setAttributes(principal
        ? { 'nexatron.auth.outcome': 'authenticated', 'nexatron.tenant_id': principal.tenantId, 'nexatron.principal_id': principal.id }
        : { 'nexatron.auth.outcome': 'refused' })
      return principal
    }, { attributes: { 'nexatron.auth.credential': kind } })
  }

  async principalById(tenantId: string, id: string): Promise<Principal | null> {
    if (id.startsWith('key_')) return this.apiKeys.principalById(tenantId, id)
    if (id.startsWith('usr_') && this.users) return this.users.principalById(tenantId, id)
    return null
  }
}
