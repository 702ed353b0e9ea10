import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, IdParam, jsonBody, jsonResponse, security } from '../../openapi'
import { ListQuery, ModelBodySchema, ModelPatchSchema, ModelSchema, pageOf } from './schema'
import { visibleModel, visibleModels } from '../../../governance/visible-listings'
import { modelView } from './views'
import { assertMayChangeGovernedLayer } from '../../../governance/governed-layer'
import type { SemanticModel } from '../../../../semantic/types'

const tags = ['Semantic layer']
const idParam = IdParam('semantic model', 'sm_2kT9x0aQ1bZ7yW2eR4uI')
const read = requireScope('semantic:read')
const write = requireScope('semantic:write')

const list = createRoute({ method: 'get', path: '/api/v1/semantic/models', operationId: 'listSemanticModels', tags, security, summary: 'List semantic models of a connection', middleware: read,
  request: { query: ListQuery }, responses: { 200: jsonResponse(pageOf(ModelSchema), 'Models'), ...errorResponses(404, 422) } })
const create = createRoute({ method: 'post', path: '/api/v1/semantic/models', operationId: 'createSemanticModel', tags, security, summary: 'Create a semantic model', middleware: write,
  request: { body: jsonBody(ModelBodySchema) }, responses: { 201: jsonResponse(ModelSchema, 'Created'), ...errorResponses(404, 409, 413, 415, 422) } })
const get = createRoute({ method: 'get', path: '/api/v1/semantic/models/{id}', operationId: 'getSemanticModel', tags, security, summary: 'Get a semantic model (as the listing shows it: without members hidden from the caller)', middleware: read,
  request: { params: idParam }, responses: { 200: jsonResponse(ModelSchema, 'The model'), ...errorResponses(404) } })
const update = createRoute({ method: 'patch', path: '/api/v1/semantic/models/{id}', operationId: 'updateSemanticModel', tags, security,
  summary: 'Update a semantic model (409 when removing a measure a metric uses)', middleware: write,
  request: { params: idParam, body: jsonBody(ModelPatchSchema) }, responses: { 200: jsonResponse(ModelSchema, 'Updated'), ...errorResponses(404, 409, 413, 415, 422) } })
const remove = createRoute({ method: 'delete', path: '/api/v1/semantic/models/{id}', operationId: 'deleteSemanticModel', tags, security,
  summary: 'Remove a semantic model (409 while metrics use its measures)', middleware: write,
  request: { params: idParam }, responses: { 204: { description: 'Removed' }, ...errorResponses(404, 409) } })

export function registerModelRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(list, async (c) => {
    const s = c.get('services')
    // Access policies: the caller sees each model as its policies let it (hidden members, sample values).
    const page = await visibleModels({ access: s.access, semantic: s.semantic }, c.get('principal')!, c.req.valid('query'))
    return c.json({ data: page.data.map((r) => modelView(r.row, r.model)), next_cursor: page.next_cursor }, 200)
  })
  app.openapi(create, async (c) => {
    const { connection_id, ...model } = c.req.valid('json')
    const { semantic } = c.get('services')
    const tenantId = c.get('principal')!.tenantId
    // A model over a governed table would read it around the policies: admins only on a governed layer.
    await assertMayChangeGovernedLayer(c.get('services'), c.get('principal')!, connection_id)
    const { row, model: m } = await semantic.createModel(tenantId, connection_id, model as SemanticModel)
    return c.json(modelView(row, m), 201)
  })
  app.openapi(get, async (c) => {
    const s = c.get('services')
    // As the listing: hidden members and sample values read from rows the caller may not see are left out.
    const { row, model } = await visibleModel({ access: s.access, semantic: s.semantic }, c.get('principal')!, c.req.valid('param').id)
    return c.json(modelView(row, model), 200)
  })
  app.openapi(update, async (c) => {
    const { semantic } = c.get('services')
    const tenantId = c.get('principal')!.tenantId
    await assertMayChangeGovernedLayer(c.get('services'), c.get('principal')!, (await semantic.getModel(tenantId, c.req.valid('param').id)).row.connectionId)
    const { row, model } = await semantic.updateModel(tenantId, c.req.valid('param').id, c.req.valid('json') as Partial<SemanticModel>)
    return c.json(modelView(row, model), 200)
  })
  app.openapi(remove, async (c) => {
    const { semantic } = c.get('services')
    const tenantId = c.get('principal')!.tenantId
    await assertMayChangeGovernedLayer(c.get('services'), c.get('principal')!, (await semantic.getModel(tenantId, c.req.valid('param').id)).row.connectionId)
    await semantic.deleteModel(tenantId, c.req.valid('param').id)
    return c.body(null, 204)
  })
}
