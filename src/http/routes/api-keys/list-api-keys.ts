import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, jsonResponse, PaginationQuery, security } from '../../openapi'
import { ApiKeyListSchema } from './schema'

const route = createRoute({
  method: 'get', path: '/api/v1/api-keys', operationId: 'listApiKeys', tags: ['API keys'], security,
  summary: 'List active API keys of the tenant (prefix and last 4 characters only)',
  middleware: [requireScope('keys:manage')] as const,
  request: { query: PaginationQuery },
  responses: { 200: jsonResponse(ApiKeyListSchema, 'A page of keys'), ...errorResponses() },
})

export function registerListApiKeys(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    const { limit, cursor } = c.req.valid('query')
    const principal = c.get('principal')!
    return c.json(await c.get('services').apiKeys.list(principal.tenantId, { limit, cursor }), 200)
  })
}
