// Single sign-on over OpenID Connect: the public sign-in routes (config,
// start, callback; the admin's settings are in sso-settings.ts). The browser flow:
//   console -> GET /auth/sso/start?tenant=&return_to=  -> 302 to the provider (state cookie set)
//   provider -> GET /auth/sso/callback?code=&state=    -> 302 to return_to with the console's refresh cookie
// The console then restores the session from that cookie like after a reload.
// A failed callback redirects to the console's sign-in page with
// `?sso_error=<code>`: the browser is mid-redirect, not an API client.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { AppEnv } from '../../app-env'
import { clientIp } from '../../middleware/client-ip'
import { errorResponses, jsonResponse } from '../../openapi'
import { LOGIN_STATE_TTL_S } from '../../../identity/sso/login-states'
import { SsoFailure } from '../../../identity/sso/sso-failure'
import { setRefreshCookie } from './console-cookie'
import { SSO_CALLBACK_PATH, ssoRedirectUri } from './sso-redirect'
import { SsoCallbackQuery, SsoConfigQuery, SsoPublicConfigSchema, SsoStartQuery } from './schema'

export const SSO_STATE_COOKIE = 'nexatron_sso_state'
const STATE_COOKIE_PATH = '/api/v1/auth/sso'
/** Where a failed sign-in lands: the console shows its sign-in page there with the reason. */
export const SSO_ERROR_PATH = '/'

const tags = ['Single sign-on']
const publicErrors = (...extra: number[]) => { const e = errorResponses(...extra); delete (e as Record<number, unknown>)[401]; delete (e as Record<number, unknown>)[403]; return e }

const secureCookies = (c: Context<AppEnv>) => new URL(ssoRedirectUri(c)).protocol === 'https:'

const configRoute = createRoute({
  method: 'get', path: '/api/v1/auth/sso/config', operationId: 'getSsoConfig', tags,
  summary: 'Whether a tenant signs in through single sign-on (public: for the console\'s sign-in page)',
  description: 'An unknown tenant answers like one without SSO.',
  request: { query: SsoConfigQuery },
  responses: { 200: jsonResponse(SsoPublicConfigSchema, 'What the sign-in page shows'), ...publicErrors() },
})
const startRoute = createRoute({
  method: 'get', path: '/api/v1/auth/sso/start', operationId: 'startSso', tags,
  summary: 'Start a sign-in at the tenant\'s identity provider (open this in the browser)',
  description: 'Redirects to the provider\'s authorization endpoint (authorization code flow with PKCE S256, state and nonce). '
    + `The state is kept server-side for ${LOGIN_STATE_TTL_S / 60} minutes and bound to this browser by the HttpOnly, SameSite=Lax cookie `
    + `\`${SSO_STATE_COOKIE}\`. \`return_to\` must be a path on this server.`,
  request: { query: SsoStartQuery },
  responses: {
    302: { description: 'To the identity provider', headers: { Location: { schema: { type: 'string' } }, 'Set-Cookie': { schema: { type: 'string' } } } },
    ...publicErrors(404, 503),
  },
})
const callbackRoute = createRoute({
  method: 'get', path: SSO_CALLBACK_PATH, operationId: 'ssoCallback', tags,
  summary: 'Where the identity provider sends the browser back (register this URL as the redirect URI)',
  description: 'Checks the state against the browser\'s cookie and the pending sign-in (each serves once), exchanges the code, '
    + 'validates the ID token (issuer, audience, nonce, signature, expiry), creates or updates the user (role from the groups claim), '
    + 'and sets the console\'s refresh cookie `nexatron_refresh`, then redirects to `return_to`. '
    + `A failure redirects to \`${SSO_ERROR_PATH}?sso_error=<code>\` (codes: state_mismatch, state_expired, idp_error, idp_unreachable, `
    + 'code_rejected, email_missing, email_not_verified, domain_not_allowed, identity_conflict, user_disabled, sso_not_configured, plan_limit_reached). '
    + 'Every attempt whose tenant is known is audited as `auth.sso_login`.',
  request: { query: SsoCallbackQuery },
  responses: {
    302: { description: 'To return_to (signed in) or to the sign-in page with sso_error', headers: { Location: { schema: { type: 'string' } } } },
    ...publicErrors(),
  },
})

export function registerSsoSignInRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(configRoute, async (c) => c.json(await c.get('services').sso.login.publicConfig(c.req.valid('query').tenant), 200))

  app.openapi(startRoute, async (c) => {
    const q = c.req.valid('query')
    const { url, state } = await c.get('services').sso.login.start(q.tenant, q.return_to, ssoRedirectUri(c))
    setCookie(c, SSO_STATE_COOKIE, state, {
      httpOnly: true, secure: secureCookies(c), sameSite: 'Lax', path: STATE_COOKIE_PATH, maxAge: LOGIN_STATE_TTL_S,
    })
    c.header('Cache-Control', 'no-store')
    return c.redirect(url, 302)
  })

  app.openapi(callbackRoute, async (c) => {
    const s = c.get('services')
    const cookieState = getCookie(c, SSO_STATE_COOKIE)
    // Spent either way: a state serves one callback.
    deleteCookie(c, SSO_STATE_COOKIE, { httpOnly: true, secure: secureCookies(c), sameSite: 'Lax', path: STATE_COOKIE_PATH })
    c.header('Cache-Control', 'no-store')
    try {
      const done = await s.sso.login.callback(new URL(c.req.url), cookieState, ssoRedirectUri(c), {
        ip: clientIp(c, s.config.limits.trustProxy), requestId: c.get('requestId'), userAgent: c.req.header('user-agent') ?? null,
      })
      setRefreshCookie(c, done.tokens.refresh_token, s.config.auth.refreshTtlS)
      return c.redirect(done.returnTo, 302)
    } catch (err) {
      if (!(err instanceof SsoFailure)) throw err
      s.logger.warn({ reason: err.reason, tenant_id: err.tenantId, err: err.message, request_id: c.get('requestId') }, 'single sign-on failed')
      return c.redirect(`${SSO_ERROR_PATH}?sso_error=${err.reason}`, 302)
    }
  })
}
