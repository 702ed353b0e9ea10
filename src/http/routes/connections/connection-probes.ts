import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, IdParam, jsonResponse, security } from '../../openapi'
import { SchemaInfoSchema, TestResultSchema } from './schema'

const tags = ['Connections']
const idParam = IdParam('connection', 'conn_xyz789')

const testRoute = createRoute({
  method: 'post', path: '/api/v1/connections/{id}/test', operationId: 'testConnection', tags, security,
  summary: 'Test connectivity and what the login may do: version, latency and privileges, or a 422/503 naming the reason (422 elevated_login: the login can do more than read)',
  middleware: [requireScope('connections:read')] as const, request: { params: idParam },
  responses: { 200: jsonResponse(TestResultSchema, 'Reachable'), ...errorResponses(404, 422, 503) },
})
const schemaRoute = createRoute({
  method: 'get', path: '/api/v1/connections/{id}/schema', operationId: 'getConnectionSchema', tags, security,
  summary: 'Tables, columns, types and keys (cached; ?refresh=true re-introspects)',
  middleware: [requireScope('connections:read')] as const,
  request: { params: idParam, query: z.object({ refresh: z.enum(['true', 'false']).optional() }) },
  responses: { 200: jsonResponse(SchemaInfoSchema, 'The schema'), ...errorResponses(404, 422, 503) },
})

export function registerConnectionProbes(app: OpenAPIHono<AppEnv>) {
  app.openapi(testRoute, async (c) => {
    const { connections } = c.get('services')
    const row = await connections.get(c.get('principal')!.tenantId, c.req.valid('param').id)
    return c.json(await connections.test(row), 200)
  })
  app.openapi(schemaRoute, async (c) => {
    const { connections } = c.get('services')
    const row = await connections.get(c.get('principal')!.tenantId, c.req.valid('param').id)
    const { schema, cached_at } = await connections.schema(row, c.req.valid('query').refresh === 'true')
    return c.json({ connection_id: row.id, cached_at, ...schema }, 200)
  })
}
