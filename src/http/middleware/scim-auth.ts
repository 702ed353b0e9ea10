// Authentication for /scim/*: only the tenant's SCIM token is accepted there
// (API keys and access tokens are not, whatever their scopes), and it is
// accepted nowhere else. It runs before the rate limiter, so SCIM traffic is
// budgeted per token and per tenant like any credential. The principal it
// sets holds no Nexatron scope; SCIM routes check `isScimPrincipal`. Its
// `delegatedScopes` (the token creator's) bound what SCIM may grant.
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'
import { isScimPrincipal } from '../../scim/scim-auth'
import { ScimError } from '../../scim/scim-error'

export const scimAuthenticate = (): MiddlewareHandler<AppEnv> =>
  async function scimAuthenticateMiddleware(c, next) {
    c.set('principal', undefined)
    const m = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')
    const found = m ? await c.get('services').scimTokens.authenticate(m[1]) : null
    if (found) c.set('principal', { tenantId: found.tenantId, kind: 'api_key', id: found.id, scopes: [], delegatedScopes: found.scopes })
    await next()
  }

/** Route middleware: 401 (SCIM shape) without the tenant's SCIM token. */
export const requireScimToken = (): MiddlewareHandler<AppEnv> =>
  async function requireScimTokenMiddleware(c, next) {
    if (!isScimPrincipal(c.get('principal'))) {
      throw new ScimError(401, 'a valid SCIM bearer token is required (create one with POST /api/v1/scim-token)', undefined, { 'WWW-Authenticate': 'Bearer realm="scim"' })
    }
    await next()
  }
