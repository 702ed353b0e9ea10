// One entry point for "who is this bearer token": API keys (nxa_...) or
// access tokens (JWT) issued by /auth/login.
import type { Principal } from './principal'
import type { ApiKeyService } from './api-keys'

export interface AccessTokenVerifier {
  verify(token: string): Promise<Principal | null>
}

export class AuthService {
  constructor(private readonly apiKeys: ApiKeyService, private readonly tokens?: AccessTokenVerifier) {}

  async authenticate(token: string): Promise<Principal | null> {
    if (token.startsWith('nxa_')) return this.apiKeys.authenticate(token)
    return this.tokens ? this.tokens.verify(token) : null
  }
}
