import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { and, eq } from 'drizzle-orm'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, jsonBody, jsonResponse, security } from '../../openapi'
import { LoginSchema, MeSchema, RefreshSchema, TokenPairSchema } from './schema'
import { apiKeys } from '../../../store/schema'
import { notFound } from '../../errors'

const tags = ['Authentication']
const publicErrors = () => { const e = errorResponses(413, 415); delete (e as Record<number, unknown>)[403]; return e }

const login = createRoute({
  method: 'post', path: '/api/v1/auth/login', operationId: 'login', tags, summary: 'Log in with email and password (and the tenant, when the email belongs to several)',
  request: { body: jsonBody(LoginSchema) },
  responses: { 200: jsonResponse(TokenPairSchema, 'An access token (JWT, short-lived) and a refresh token'), ...publicErrors() },
})
const refresh = createRoute({
  method: 'post', path: '/api/v1/auth/refresh', operationId: 'refreshToken', tags, summary: 'Exchange a refresh token for a new pair (the old one is spent)',
  request: { body: jsonBody(RefreshSchema) },
  responses: { 200: jsonResponse(TokenPairSchema, 'A new pair'), ...publicErrors() },
})
const logout = createRoute({
  method: 'post', path: '/api/v1/auth/logout', operationId: 'logout', tags, security, summary: 'Revoke the current session (its access token stops working)',
  middleware: requireScope(null),
  responses: { 204: { description: 'Logged out' }, ...errorResponses(422) },
})
const me = createRoute({
  method: 'get', path: '/api/v1/auth/me', operationId: 'getMe', tags, security, summary: 'The user or API key behind the credential, its tenant and scopes',
  middleware: requireScope(null),
  responses: { 200: jsonResponse(MeSchema, 'Who you are'), ...errorResponses() },
})

export function registerAuthRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(login, async (c) => {
    const { email, password, tenant } = c.req.valid('json')
    return c.json(await c.get('services').sessions.login(email, password, tenant), 200)
  })
  app.openapi(refresh, async (c) => c.json(await c.get('services').sessions.refresh(c.req.valid('json').refresh_token), 200))
  app.openapi(logout, async (c) => {
    await c.get('services').sessions.logout(c.get('principal')!)
    return c.body(null, 204)
  })
  app.openapi(me, async (c) => {
    const p = c.get('principal')!
    const s = c.get('services')
    const tenant = await s.tenants.get(p.tenantId)
    if (!tenant) throw notFound('tenant')
    let user = null
    let apiKey = null
    if (p.kind === 'user') {
      const u = await s.users.get(p.tenantId, p.id)
      user = { id: u.id, email: u.email, name: u.name }
    } else {
      const [k] = await s.store.db.select().from(apiKeys).where(and(eq(apiKeys.tenantId, p.tenantId), eq(apiKeys.id, p.id)))
      if (k) apiKey = { id: k.id, name: k.name, prefix: k.prefix, expires_at: k.expiresAt?.toISOString() ?? null }
      if (k?.ownerUserId) {
        const u = await s.users.get(p.tenantId, k.ownerUserId).catch(() => null)
        if (u) user = { id: u.id, email: u.email, name: u.name }
      }
    }
    return c.json({
      kind: p.kind, id: p.id, tenant: { id: tenant.id, name: tenant.name, timezone: tenant.timezone },
      role: p.role ?? null, scopes: p.scopes, user, api_key: apiKey,
    }, 200)
  })
}
