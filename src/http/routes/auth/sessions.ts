// Password sign-in and the session's tokens: log in, refresh, log out.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, jsonBody, jsonResponse, security } from '../../openapi'
import { LoginSchema, RefreshSchema, TokenPairSchema } from './schema'
import { clearRefreshCookie, fromConsole, refreshCookie, setRefreshCookie } from './console-cookie'
import type { TokenPair } from '../../../identity/sessions'
import type { Context } from 'hono'

const tags = ['Authentication']
const publicErrors = () => { const e = errorResponses(413, 415); delete (e as Record<number, unknown>)[403]; return e }

const login = createRoute({
  method: 'post', path: '/api/v1/auth/login', operationId: 'login', tags, summary: 'Log in with email and password (and the tenant, when the email belongs to several)',
  description: 'With the header `X-Nexatron-Console: 1` (the web console) the refresh token is set as a cookie `nexatron_refresh` '
    + '(HttpOnly; Secure; SameSite=Strict; Path=/api/v1/auth) and left out of the body.',
  request: { body: jsonBody(LoginSchema) },
  responses: { 200: jsonResponse(TokenPairSchema, 'An access token (JWT, short-lived) and a refresh token'), ...publicErrors() },
})
const refresh = createRoute({
  method: 'post', path: '/api/v1/auth/refresh', operationId: 'refreshToken', tags, summary: 'Exchange a refresh token for a new pair (the old one is spent)',
  description: 'Send `refresh_token` in the body, or send `{}` with the `nexatron_refresh` cookie and the header `X-Nexatron-Console: 1` '
    + '(without the header a cookie refresh is refused with 403: a cross-site form cannot set it). A cookie refresh rotates the cookie.',
  request: { body: jsonBody(RefreshSchema) },
  responses: { 200: jsonResponse(TokenPairSchema, 'A new pair'), ...publicErrors() },
})
const logout = createRoute({
  method: 'post', path: '/api/v1/auth/logout', operationId: 'logout', tags, security, summary: 'Revoke the current session (its access token stops working)',
  middleware: requireScope(null),
  responses: { 204: { description: 'Logged out' }, ...errorResponses(422) },
})

export function registerSessionRoutes(app: OpenAPIHono<AppEnv>) {
  // The console (X-Nexatron-Console: 1) gets its refresh token as a cookie, never in the body.
  const answer = (c: Context<AppEnv>, pair: TokenPair, cookie: boolean) => {
    if (!cookie) return pair
    setRefreshCookie(c, pair.refresh_token, c.get('services').config.auth.refreshTtlS)
    const { refresh_token: _kept, ...rest } = pair
    return rest
  }
  app.openapi(login, async (c) => {
    const { email, password, tenant } = c.req.valid('json')
    return c.json(answer(c, await c.get('services').sessions.login(email, password, tenant), fromConsole(c)), 200)
  })
  app.openapi(refresh, async (c) => {
    const body = c.req.valid('json')
    if (body.refresh_token) return c.json(await c.get('services').sessions.refresh(body.refresh_token), 200)
    const pair = await c.get('services').sessions.refresh(refreshCookie(c)).catch((e: unknown) => {
      clearRefreshCookie(c) // a spent or revoked cookie is of no further use
      throw e
    })
    return c.json(answer(c, pair, true), 200)
  })
  app.openapi(logout, async (c) => {
    await c.get('services').sessions.logout(c.get('principal')!)
    clearRefreshCookie(c)
    return c.body(null, 204)
  })
}
