import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, jsonBody, jsonResponse, security } from '../../openapi'
import { CreateApiKeySchema, CreatedApiKeySchema } from './schema'
import { assertMaySetAttributes } from '../../../identity/attributes'

const route = createRoute({
  method: 'post', path: '/api/v1/api-keys', operationId: 'createApiKey', tags: ['API keys'], security,
  summary: 'Create an API key; the full key is returned once',
  middleware: [requireScope('keys:manage')] as const,
  request: { body: jsonBody(CreateApiKeySchema) },
  responses: { 201: jsonResponse(CreatedApiKeySchema, 'The new key, shown once'), ...errorResponses(413, 415) },
})

export function registerCreateApiKey(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json')
    const principal = c.get('principal')!
    const { apiKeys } = c.get('services')
    apiKeys.assertGrantable(body.scopes, principal.scopes)
    if (body.attributes !== undefined) assertMaySetAttributes(principal)
    const ownerUserId = principal.kind === 'user' ? principal.id : principal.ownerUserId ?? null
    // A key made by a key takes its maker's attributes (pinned, or following the same owner), not
    // the owning user's: a delegated credential never reads more rows than the one that made it.
    const { key, view } = await apiKeys.create(principal.tenantId, {
      name: body.name, scopes: [...new Set(body.scopes)], expiresInDays: body.expires_in_days ?? null,
      ownerType: ownerUserId ? 'user' : 'service', ownerUserId, createdBy: principal.id, attributes: body.attributes,
      ...(principal.kind === 'api_key' && { madeByKey: principal.id }),
    })
    return c.json({ ...view, key }, 201)
  })
}
