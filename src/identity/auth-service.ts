// One entry point for "who is this bearer token": API keys (nxa_...) or
// access tokens (JWT) issued by /auth/login; and for "who is this principal
// now", asked of work that outlives its request (async jobs, webhooks).
import type { Principal } from './principal'
import type { ApiKeyService } from './api-keys'
import type { UserService } from './users'

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

  async authenticate(token: string): Promise<Principal | null> {
    if (token.startsWith('nxa_')) return this.apiKeys.authenticate(token)
    return this.tokens ? this.tokens.verify(token) : null
  }

  async principalById(tenantId: string, id: string): Promise<Principal | null> {
    if (id.startsWith('key_')) return this.apiKeys.principalById(tenantId, id)
    if (id.startsWith('usr_') && this.users) return this.users.principalById(tenantId, id)
    return null
  }
}
