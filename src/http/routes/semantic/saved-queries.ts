import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, jsonResponse, security } from '../../openapi'
import { ListQuery, SavedQuerySchema, pageOf } from './schema'
import { visibleSavedQueries } from '../../../governance/visible-listings'
import { savedQueryView } from './views'

const tags = ['Semantic layer']

const list = createRoute({
  method: 'get', path: '/api/v1/semantic/saved-queries', operationId: 'listSavedQueries', tags, security,
  summary: 'List saved queries of a connection (run one with POST /api/v1/semantic/query {"saved_query": "name"})',
  middleware: requireScope('semantic:read'),
  request: { query: ListQuery }, responses: { 200: jsonResponse(pageOf(SavedQuerySchema), 'Saved queries, by name'), ...errorResponses(404, 422) },
})

export function registerSavedQueryRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(list, async (c) => {
    const s = c.get('services')
    // Access policies: saved queries over hidden members are not listed.
    const page = await visibleSavedQueries({ access: s.access, semantic: s.semantic }, c.get('principal')!, c.req.valid('query'))
    return c.json({ data: page.data.map((r) => savedQueryView(page.conn.id, r)), next_cursor: page.next_cursor }, 200)
  })
}
