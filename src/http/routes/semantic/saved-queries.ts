import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, jsonResponse, security } from '../../openapi'
import { ListQuery, SavedQuerySchema, pageOf } from './schema'
import { paginateByKey } from '../../../store/pagination'
import { memberFilter } from '../../../governance/visible-members'
import type { SavedQuery } from '../../../../semantic/types'

const tags = ['Semantic layer']

const list = createRoute({
  method: 'get', path: '/api/v1/semantic/saved-queries', operationId: 'listSavedQueries', tags, security,
  summary: 'List saved queries of a connection (run one with POST /api/v1/semantic/query {"saved_query": "name"})',
  middleware: requireScope('semantic:read'),
  request: { query: ListQuery }, responses: { 200: jsonResponse(pageOf(SavedQuerySchema), 'Saved queries, by name'), ...errorResponses(404, 422) },
})

function savedQueryView(connectionId: string, q: SavedQuery) {
  const p = q.query_params
  return {
    connection_id: connectionId, name: q.name, label: q.label ?? null, description: q.description ?? null, synonyms: q.synonyms ?? [],
    query_params: { metrics: p.metrics, group_by: p.group_by ?? [], where: p.where ?? [], order_by: p.order_by ?? [], limit: p.limit ?? null },
  }
}

export function registerSavedQueryRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(list, async (c) => {
    const q = c.req.valid('query')
    const { semantic } = c.get('services')
    const tenantId = c.get('principal')!.tenantId
    const conn = await semantic.connection(tenantId, q.connection_id)
    const { manifest } = await semantic.store.load(tenantId, conn.id)
    // Access policies: saved queries over hidden members are not listed.
    const visible = await memberFilter({ access: c.get('services').access, semantic: semantic.store }, c.get('principal')!, conn)
    const page = paginateByKey(manifest.saved_queries.filter((r) => visible.savedQuery(r.name)), (r) => r.name, q)
    return c.json({ data: page.data.map((r) => savedQueryView(conn.id, r)), next_cursor: page.next_cursor }, 200)
  })
}
