// The tenant's single sign-on settings (OpenID Connect), admins only.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, jsonBody, jsonResponse, security } from '../../openapi'
import { ssoRedirectUri } from './sso-redirect'
import { SsoSettingsInputSchema, SsoSettingsSchema } from './schema'

const tags = ['Single sign-on']
const admin = requireScope('*')

const getSettings = createRoute({
  method: 'get', path: '/api/v1/sso/settings', operationId: 'getSsoSettings', tags, security, middleware: admin,
  summary: 'The tenant\'s single sign-on settings (never the client secret)',
  responses: { 200: jsonResponse(SsoSettingsSchema, 'The settings'), ...errorResponses(404) },
})
const putSettings = createRoute({
  method: 'put', path: '/api/v1/sso/settings', operationId: 'putSsoSettings', tags, security, middleware: admin,
  summary: 'Configure single sign-on (OpenID Connect) for the tenant; admin (`*`) only, since the role mapping can grant admin',
  request: { body: jsonBody(SsoSettingsInputSchema) },
  responses: { 200: jsonResponse(SsoSettingsSchema, 'The settings as stored'), ...errorResponses(413, 415, 422) },
})
const deleteSettings = createRoute({
  method: 'delete', path: '/api/v1/sso/settings', operationId: 'deleteSsoSettings', tags, security, middleware: admin,
  summary: 'Remove single sign-on (password login is open again)',
  responses: { 204: { description: 'Removed' }, ...errorResponses(404) },
})

export function registerSsoSettingsRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(getSettings, async (c) => c.json(await c.get('services').sso.settings.get(c.get('principal')!.tenantId, ssoRedirectUri(c)), 200))
  app.openapi(putSettings, async (c) => {
    const view = await c.get('services').sso.settings.put(c.get('principal')!.tenantId, c.req.valid('json'), ssoRedirectUri(c))
    return c.json(view, 200)
  })
  app.openapi(deleteSettings, async (c) => {
    await c.get('services').sso.settings.delete(c.get('principal')!.tenantId)
    return c.body(null, 204)
  })
}
