import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, IdParam, security } from '../../openapi'

const route = createRoute({
  method: 'delete', path: '/api/v1/api-keys/{id}', operationId: 'revokeApiKey', tags: ['API keys'], security,
  summary: 'Revoke an API key (effective on the next request; cancels its queued jobs). Needs every scope the key holds',
  middleware: [requireScope('keys:manage')] as const,
  request: { params: IdParam('API key', 'key_8fK2mQ9xLp3RtV7wYz1A') },
  responses: { 204: { description: 'Revoked' }, ...errorResponses(404) },
})

export function registerRevokeApiKey(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    const principal = c.get('principal')!
    await c.get('services').apiKeys.revoke(principal.tenantId, c.req.valid('param').id, principal)
    return c.body(null, 204)
  })
}
