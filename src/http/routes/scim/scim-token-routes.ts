// Admin API for the tenant's SCIM token: read its status, create or rotate it
// (the new token is shown once), or delete it to turn provisioning off.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, jsonResponse, security } from '../../openapi'
import { CreatedScimTokenSchema, ScimTokenStatusSchema } from './schema'
import { SCIM_BASE } from './scim-routes'

const tags = ['SCIM']
const mw = requireScope('users:manage')

const getRoute = createRoute({
  method: 'get', path: '/api/v1/scim-token', operationId: 'getScimToken', tags, security, middleware: mw,
  summary: 'Whether SCIM provisioning is set up, and the token prefix (never the token)',
  responses: { 200: jsonResponse(ScimTokenStatusSchema, 'The status'), ...errorResponses() },
})
const rotateRoute = createRoute({
  method: 'post', path: '/api/v1/scim-token', operationId: 'rotateScimToken', tags, security, middleware: mw,
  summary: 'Create or rotate the SCIM bearer token; shown once, the previous one stops working. '
    + 'The token may grant roles and change users only within the scopes of the credential that rotates it (admin needs `*`); '
    + 'replacing an existing token needs every scope it grants (403 `forbidden`, issue `scim_token_scopes`)',
  responses: { 201: jsonResponse(CreatedScimTokenSchema, 'The new token, shown once'), ...errorResponses(413, 415) },
})
const deleteRoute = createRoute({
  method: 'delete', path: '/api/v1/scim-token', operationId: 'deleteScimToken', tags, security, middleware: mw,
  summary: 'Delete the SCIM token (provisioning stops until a new one is created); needs every scope the token grants',
  responses: { 204: { description: 'Deleted' }, ...errorResponses(404) },
})

export function registerScimTokenRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(getRoute, async (c) => {
    const token = await c.get('services').scimTokens.get(c.get('principal')!.tenantId)
    return c.json({ configured: token !== null, token, base_url: SCIM_BASE }, 200)
  })
  app.openapi(rotateRoute, async (c) => {
    const p = c.get('principal')!
    const { token, view } = await c.get('services').scimTokens.rotate(p.tenantId, p)
    return c.json({ ...view, token, base_url: SCIM_BASE }, 201)
  })
  app.openapi(deleteRoute, async (c) => {
    const p = c.get('principal')!
    await c.get('services').scimTokens.revoke(p.tenantId, p)
    return c.body(null, 204)
  })
}
