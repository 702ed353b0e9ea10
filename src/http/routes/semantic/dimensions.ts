import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, IdParam, jsonBody, jsonResponse, security } from '../../openapi'
import { DimensionBodySchema, DimensionPatchSchema, DimensionSchema, ListQuery, pageOf } from './schema'
import { visibleDimension, visibleDimensions } from '../../../governance/visible-listings'
import { dimensionView } from './views'
import { assertMayChangeGovernedLayer } from '../../../governance/governed-layer'
import type { Dimension } from '../../../../semantic/types'

const tags = ['Semantic layer']
const idParam = IdParam('dimension', 'dim_4kT9x0aQ1bZ7yW2eR4uI')
const read = requireScope('semantic:read')
const write = requireScope('semantic:write')

const list = createRoute({ method: 'get', path: '/api/v1/semantic/dimensions', operationId: 'listDimensions', tags, security, summary: 'List dimensions of a connection', middleware: read,
  request: { query: ListQuery }, responses: { 200: jsonResponse(pageOf(DimensionSchema), 'Dimensions'), ...errorResponses(404, 422) } })
const create = createRoute({ method: 'post', path: '/api/v1/semantic/dimensions', operationId: 'createDimension', tags, security, summary: 'Create a dimension on a semantic model', middleware: write,
  request: { body: jsonBody(DimensionBodySchema) }, responses: { 201: jsonResponse(DimensionSchema, 'Created'), ...errorResponses(404, 409, 413, 415, 422) } })
const get = createRoute({ method: 'get', path: '/api/v1/semantic/dimensions/{id}', operationId: 'getDimension', tags, security, summary: 'Get a dimension (as the listing shows it: 404 when access policies hide it from the caller, no sample values it may not see)', middleware: read,
  request: { params: idParam }, responses: { 200: jsonResponse(DimensionSchema, 'The dimension'), ...errorResponses(404) } })
const update = createRoute({ method: 'patch', path: '/api/v1/semantic/dimensions/{id}', operationId: 'updateDimension', tags, security, summary: 'Update a dimension', middleware: write,
  request: { params: idParam, body: jsonBody(DimensionPatchSchema) }, responses: { 200: jsonResponse(DimensionSchema, 'Updated'), ...errorResponses(404, 409, 413, 415, 422) } })
const remove = createRoute({ method: 'delete', path: '/api/v1/semantic/dimensions/{id}', operationId: 'deleteDimension', tags, security, summary: 'Remove a dimension (409 while referenced)', middleware: write,
  request: { params: idParam }, responses: { 204: { description: 'Removed' }, ...errorResponses(404, 409) } })
const refresh = createRoute({ method: 'post', path: '/api/v1/semantic/dimensions/{id}/sample-values/refresh', operationId: 'refreshDimensionValues', tags, security,
  summary: 'Re-read the sample values of a categorical dimension from the database (the planner matches them)', middleware: write,
  request: { params: idParam }, responses: { 200: jsonResponse(DimensionSchema, 'Refreshed'), ...errorResponses(404, 422, 503) } })

export function registerDimensionRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(list, async (c) => {
    const s = c.get('services')
    // Access policies: hidden dimensions are not listed, nor sample values read from rows the caller may not see.
    // Ordered by semantic model, then name: unique within a connection.
    const page = await visibleDimensions({ access: s.access, semantic: s.semantic }, c.get('principal')!, c.req.valid('query'))
    return c.json({ data: page.data.map((r) => {
      const v = dimensionView(r.row, r.model)
      return r.sampleValues ? v : { ...v, sample_values: null }
    }), next_cursor: page.next_cursor }, 200)
  })
  app.openapi(create, async (c) => {
    const { connection_id, semantic_model, ...dim } = c.req.valid('json')
    const { semantic } = c.get('services')
    const tenantId = c.get('principal')!.tenantId
    // A dimension's expression is SQL (and row filters read dimensions): admins only on a governed layer.
    await assertMayChangeGovernedLayer(c.get('services'), c.get('principal')!, connection_id)
    const { row, model } = await semantic.createDimension(tenantId, connection_id, semantic_model, dim as Dimension)
    return c.json(dimensionView(row, model), 201)
  })
  app.openapi(get, async (c) => {
    const s = c.get('services')
    // As the listing: a hidden dimension is unknown (404), and sample values read from rows the caller may not see are not shown.
    const r = await visibleDimension({ access: s.access, semantic: s.semantic }, c.get('principal')!, c.req.valid('param').id)
    const v = dimensionView(r.row, r.model)
    return c.json(r.sampleValues ? v : { ...v, sample_values: null }, 200)
  })
  app.openapi(update, async (c) => {
    const { semantic } = c.get('services')
    const tenantId = c.get('principal')!.tenantId
    await assertMayChangeGovernedLayer(c.get('services'), c.get('principal')!, (await semantic.getDimension(tenantId, c.req.valid('param').id)).row.connectionId)
    const { row, model } = await semantic.updateDimension(tenantId, c.req.valid('param').id, c.req.valid('json') as Partial<Dimension>)
    return c.json(dimensionView(row, model), 200)
  })
  app.openapi(remove, async (c) => {
    const { semantic } = c.get('services')
    const tenantId = c.get('principal')!.tenantId
    await assertMayChangeGovernedLayer(c.get('services'), c.get('principal')!, (await semantic.getDimension(tenantId, c.req.valid('param').id)).row.connectionId)
    await semantic.deleteDimension(tenantId, c.req.valid('param').id)
    return c.body(null, 204)
  })
  app.openapi(refresh, async (c) => {
    const { semantic } = c.get('services')
    const tenantId = c.get('principal')!.tenantId
    // The values are read from every row and answered: on a governed layer that is for admins.
    await assertMayChangeGovernedLayer(c.get('services'), c.get('principal')!, (await semantic.getDimension(tenantId, c.req.valid('param').id)).row.connectionId)
    const { row, model } = await semantic.refreshSampleValues(tenantId, c.req.valid('param').id)
    return c.json(dimensionView(row, model), 200)
  })
}
