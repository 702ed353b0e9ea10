import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, IdParam, jsonBody, jsonResponse, security } from '../../openapi'
import { ListQuery, MetricBodySchema, MetricPatchSchema, MetricSchema, pageOf } from './schema'
import { metricView } from './views'
import { assertMayChangeGovernedLayer } from '../../../governance/governed-layer'
import { visibleMetric, visibleMetrics } from '../../../governance/visible-listings'
import type { Metric } from '../../../../semantic/types'

const tags = ['Semantic layer']
const idParam = IdParam('metric', 'met_9sK2mQ9xLp3RtV7wYz1A')
const read = requireScope('semantic:read')
const write = requireScope('semantic:write')

const list = createRoute({ method: 'get', path: '/api/v1/semantic/metrics', operationId: 'listMetrics', tags, security, summary: 'List metrics of a connection', middleware: read,
  request: { query: ListQuery }, responses: { 200: jsonResponse(pageOf(MetricSchema), 'Metrics'), ...errorResponses(404, 422) } })
const create = createRoute({ method: 'post', path: '/api/v1/semantic/metrics', operationId: 'createMetric', tags, security, summary: 'Create a metric', middleware: write,
  request: { body: jsonBody(MetricBodySchema) }, responses: { 201: jsonResponse(MetricSchema, 'Created'), ...errorResponses(404, 409, 413, 415, 422) } })
const get = createRoute({ method: 'get', path: '/api/v1/semantic/metrics/{id}', operationId: 'getMetric', tags, security, summary: 'Get a metric (404 when access policies hide it from the caller)', middleware: read,
  request: { params: idParam }, responses: { 200: jsonResponse(MetricSchema, 'The metric'), ...errorResponses(404) } })
const update = createRoute({ method: 'patch', path: '/api/v1/semantic/metrics/{id}', operationId: 'updateMetric', tags, security, summary: 'Update a metric', middleware: write,
  request: { params: idParam, body: jsonBody(MetricPatchSchema) }, responses: { 200: jsonResponse(MetricSchema, 'Updated'), ...errorResponses(404, 409, 413, 415, 422) } })
const remove = createRoute({ method: 'delete', path: '/api/v1/semantic/metrics/{id}', operationId: 'deleteMetric', tags, security, summary: 'Remove a metric (409 while other metrics use it)', middleware: write,
  request: { params: idParam }, responses: { 204: { description: 'Removed' }, ...errorResponses(404, 409) } })

export function registerMetricRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(list, async (c) => {
    const s = c.get('services')
    // Access policies: metrics hidden from the caller are not listed.
    const page = await visibleMetrics({ access: s.access, semantic: s.semantic }, c.get('principal')!, c.req.valid('query'))
    return c.json({ data: page.data.map(metricView), next_cursor: page.next_cursor }, 200)
  })
  app.openapi(create, async (c) => {
    const { connection_id, ...metric } = c.req.valid('json')
    // A metric's filter and expressions are SQL: admins only on a governed layer.
    await assertMayChangeGovernedLayer(c.get('services'), c.get('principal')!, connection_id)
    const row = await c.get('services').semantic.createMetric(c.get('principal')!.tenantId, connection_id, metric as Metric)
    return c.json(metricView(row), 201)
  })
  app.openapi(get, async (c) => {
    const s = c.get('services')
    // As the listing: a metric the caller's access policies hide is unknown (404).
    return c.json(metricView(await visibleMetric({ access: s.access, semantic: s.semantic }, c.get('principal')!, c.req.valid('param').id)), 200)
  })
  app.openapi(update, async (c) => {
    const { semantic } = c.get('services')
    await assertMayChangeGovernedLayer(c.get('services'), c.get('principal')!, (await semantic.getMetric(c.get('principal')!.tenantId, c.req.valid('param').id)).connectionId)
    const row = await semantic.updateMetric(c.get('principal')!.tenantId, c.req.valid('param').id, c.req.valid('json') as Partial<Metric>)
    return c.json(metricView(row), 200)
  })
  app.openapi(remove, async (c) => {
    const { semantic } = c.get('services')
    await assertMayChangeGovernedLayer(c.get('services'), c.get('principal')!, (await semantic.getMetric(c.get('principal')!.tenantId, c.req.valid('param').id)).connectionId)
    await semantic.deleteMetric(c.get('principal')!.tenantId, c.req.valid('param').id)
    return c.body(null, 204)
  })
}
