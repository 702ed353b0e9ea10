import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, IdParam, jsonResponse, security } from '../../openapi'
import { HistoryListSchema, HistoryQuerySchema, QueryDetailSchema } from './schema'
import { queryDetailView, queryRecordView } from '../../../query/query-views'
import { staleAnswers } from '../../../governance/stale-answers'

const listRoute = createRoute({
  method: 'get', path: '/api/v1/query/history', operationId: 'listQueryHistory', tags: ['Query'], security,
  summary: "The caller's recent queries, newest first",
  middleware: [requireScope('query:read')] as const,
  request: { query: HistoryQuerySchema },
  responses: { 200: jsonResponse(HistoryListSchema, 'A page of history'), ...errorResponses() },
})

const getRoute = createRoute({
  method: 'get', path: '/api/v1/query/{id}', operationId: 'getQuery', tags: ['Query'], security,
  summary: 'One run: its status while queued or running, its result when done',
  middleware: [requireScope('query:read')] as const,
  request: { params: IdParam('query', 'qry_a1b2c3') },
  responses: { 200: jsonResponse(QueryDetailSchema, 'The query'), ...errorResponses(404) },
})

const deleteRoute = createRoute({
  method: 'delete', path: '/api/v1/query/{id}', operationId: 'deleteQuery', tags: ['Query'], security,
  summary: 'Delete a query from history',
  middleware: [requireScope('query:run')] as const,
  request: { params: IdParam('query', 'qry_a1b2c3') },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(404) },
})

const cancelRoute = createRoute({
  method: 'post', path: '/api/v1/query/{id}/cancel', operationId: 'cancelQuery', tags: ['Query'], security,
  summary: 'Cancel a running or queued query (stops it in the database)',
  middleware: [requireScope('query:run')] as const,
  request: { params: IdParam('query', 'qry_a1b2c3') },
  responses: {
    200: jsonResponse(z.object({ id: z.string(), status: z.string() }).openapi('CancelResult'), 'The status after the request'),
    ...errorResponses(404, 409),
  },
})

/** What deciding whether stored answers are stale reads: connections, the cached layers, the policies. */
const staleDeps = (s: AppEnv['Variables']['services']) => ({ connections: s.connections, semantic: s.semantic.store, access: s.access })

export function registerHistoryRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(listRoute, async (c) => {
    const principal = c.get('principal')!
    const services = c.get('services')
    const page = await services.history.list(principal, c.req.valid('query'))
    const stale = await staleAnswers(staleDeps(services), principal, page.data)
    const modelOutput = principal.scopes.includes('*')
    return c.json({ data: page.data.map((r) => queryRecordView(r, { modelOutput, withheld: stale.has(r.id) })), next_cursor: page.next_cursor }, 200)
  })
  app.openapi(getRoute, async (c) => {
    const services = c.get('services')
    const principal = c.get('principal')!
    const row = await services.history.get(principal, c.req.valid('param').id)
    const withheld = (await staleAnswers(staleDeps(services), principal, [row])).has(row.id)
    // The model's own words kept with an error are for admins only.
    return c.json(queryDetailView(row, services.config.query.historyRows, { modelOutput: principal.scopes.includes('*'), withheld }), 200)
  })
  app.openapi(deleteRoute, async (c) => {
    await c.get('services').jobs.delete(c.get('principal')!, c.req.valid('param').id)
    return c.body(null, 204)
  })
  app.openapi(cancelRoute, async (c) => {
    const { jobs } = c.get('services')
    const status = await jobs.cancel(c.get('principal')!, c.req.valid('param').id)
    return c.json({ id: c.req.valid('param').id, status }, 200)
  })
}
