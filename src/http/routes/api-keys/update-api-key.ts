import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, IdParam, jsonBody, jsonResponse, security } from '../../openapi'
import { ApiKeySchema, UpdateApiKeySchema } from './schema'

const route = createRoute({
  method: 'patch', path: '/api/v1/api-keys/{id}', operationId: 'updateApiKey', tags: ['API keys'], security,
  summary: 'Replace the attributes access policies read for a key (admins only)',
  middleware: [requireScope('keys:manage')] as const,
  request: { params: IdParam('API key', 'key_8fK2mQ9xLp3RtV7wYz1A'), body: jsonBody(UpdateApiKeySchema) },
  responses: { 200: jsonResponse(ApiKeySchema, 'The key'), ...errorResponses(404, 413, 415) },
})

export function registerUpdateApiKey(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    const principal = c.get('principal')!
    return c.json(await c.get('services').apiKeys.setAttributes(principal.tenantId, c.req.valid('param').id, c.req.valid('json').attributes, principal), 200)
  })
}
