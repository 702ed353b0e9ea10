import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, IdParam, jsonBody, jsonResponse, PaginationQuery, security } from '../../openapi'
import { ConnectionListSchema, ConnectionSchema, CreateConnectionSchema, UpdateConnectionSchema } from './schema'
import { viewConnection, type ConnectionRow, type ConnectionService } from '../../../connections/connection-service'

const tags = ['Connections']
const idParam = IdParam('connection', 'conn_xyz789')

const list = createRoute({
  method: 'get', path: '/api/v1/connections', operationId: 'listConnections', tags, security, summary: 'List connections of the tenant',
  middleware: [requireScope('connections:read')] as const, request: { query: PaginationQuery },
  responses: { 200: jsonResponse(ConnectionListSchema, 'A page of connections'), ...errorResponses() },
})
const create = createRoute({
  method: 'post', path: '/api/v1/connections', operationId: 'createConnection', tags, security, summary: 'Create a database connection (422 elevated_login when its login can do more than read, unless options.allow_elevated_login)',
  middleware: [requireScope('connections:write')] as const, request: { body: jsonBody(CreateConnectionSchema) },
  responses: { 201: jsonResponse(ConnectionSchema, 'Created (credentials are never returned)'), ...errorResponses(409, 413, 415, 422) },
})
const get = createRoute({
  method: 'get', path: '/api/v1/connections/{id}', operationId: 'getConnection', tags, security, summary: 'Get a connection',
  middleware: [requireScope('connections:read')] as const, request: { params: idParam },
  responses: { 200: jsonResponse(ConnectionSchema, 'The connection'), ...errorResponses(404) },
})
const update = createRoute({
  method: 'patch', path: '/api/v1/connections/{id}', operationId: 'updateConnection', tags, security,
  summary: 'Update a connection (absent credentials are kept)',
  middleware: [requireScope('connections:write')] as const, request: { params: idParam, body: jsonBody(UpdateConnectionSchema) },
  responses: { 200: jsonResponse(ConnectionSchema, 'Updated'), ...errorResponses(404, 409, 413, 415, 422) },
})
const remove = createRoute({
  method: 'delete', path: '/api/v1/connections/{id}', operationId: 'deleteConnection', tags, security,
  summary: 'Remove a connection and its semantic layer',
  middleware: [requireScope('connections:write')] as const, request: { params: idParam },
  responses: { 204: { description: 'Removed' }, ...errorResponses(404) },
})

/** A connection as answered, with what its login may do once this server has checked it. */
function withPrivileges(connections: ConnectionService, row: ConnectionRow) {
  const privileges = connections.privileges(row)
  return { ...viewConnection(row), ...(privileges && { privileges }) }
}

export function registerConnectionCrud(app: OpenAPIHono<AppEnv>) {
  app.openapi(list, async (c) => c.json(await c.get('services').connections.list(c.get('principal')!.tenantId, c.req.valid('query')), 200))
  app.openapi(create, async (c) => {
    const { connections } = c.get('services')
    const row = await connections.create(c.get('principal')!.tenantId, c.req.valid('json'))
    return c.json(withPrivileges(connections, row), 201)
  })
  app.openapi(get, async (c) => {
    const { connections } = c.get('services')
    const row = await connections.get(c.get('principal')!.tenantId, c.req.valid('param').id)
    return c.json(withPrivileges(connections, row), 200)
  })
  app.openapi(update, async (c) => {
    const row = await c.get('services').connections.update(c.get('principal')!.tenantId, c.req.valid('param').id, c.req.valid('json'))
    return c.json(viewConnection(row), 200)
  })
  app.openapi(remove, async (c) => {
    await c.get('services').connections.delete(c.get('principal')!.tenantId, c.req.valid('param').id)
    return c.body(null, 204)
  })
}
