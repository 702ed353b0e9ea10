// Resolves the bearer credential to a principal. It never fails the request by
// itself: the rate limiter runs next (so 401s carry rate-limit headers too),
// and `requireScope` on each route turns a missing principal into 401.
import type { MiddlewareHandler } from 'hono'
import { AppError, HttpError } from '../errors'
import type { AppEnv } from '../app-env'
import { hasScope, type Scope } from '../../identity/scopes'

export const authenticate = (): MiddlewareHandler<AppEnv> =>
  async function authenticateMiddleware(c, next) {
    const header = c.req.header('authorization')
    if (!header) {
      c.set('authProblem', 'missing')
    } else {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
      const principal = m ? await c.get('services').auth.authenticate(m[1]) : null
      if (principal) c.set('principal', principal)
      else c.set('authProblem', m ? 'invalid' : 'malformed')
    }
    await next()
  }

const AUTH_MESSAGES: Record<string, string> = {
  missing: 'missing Authorization header (expected "Bearer <api key or access token>")',
  malformed: 'Authorization header must be "Bearer <api key or access token>"',
  invalid: 'invalid, expired or revoked credential',
}

/** Route middleware: 401 without a valid credential, 403 without the scope. */
export const requireScope = (scope: Scope | null): MiddlewareHandler<AppEnv> =>
  async function requireScopeMiddleware(c, next) {
    const principal = c.get('principal')
    if (!principal) {
      throw new HttpError('unauthorized', AUTH_MESSAGES[c.get('authProblem') ?? 'missing'], [], { 'WWW-Authenticate': 'Bearer' })
    }
    if (scope && !hasScope(principal.scopes, scope)) {
      throw new AppError('forbidden', `this credential lacks the "${scope}" scope`, [{ issue: 'missing_scope', scope }])
    }
    await next()
  }
