import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, IdParam, jsonBody, jsonResponse, PaginationQuery, security } from '../../openapi'
import { CreateUserSchema, UpdateUserSchema, UserListSchema, UserSchema } from './schema'
import { viewUser } from '../../../identity/users'

const tags = ['Users']
const idParam = IdParam('user', 'usr_7Hk2mQ9xLp3RtV7wYz1A')
const mw = requireScope('users:manage')

const list = createRoute({ method: 'get', path: '/api/v1/users', operationId: 'listUsers', tags, security, summary: 'List users of the tenant', middleware: mw,
  request: { query: PaginationQuery }, responses: { 200: jsonResponse(UserListSchema, 'A page of users'), ...errorResponses() } })
const create = createRoute({ method: 'post', path: '/api/v1/users', operationId: 'createUser', tags, security, middleware: mw,
  summary: 'Create a user (only with a role whose scopes you hold: an admin needs `*`)',
  request: { body: jsonBody(CreateUserSchema) }, responses: { 201: jsonResponse(UserSchema, 'Created'), ...errorResponses(409, 413, 415) } })
const get = createRoute({ method: 'get', path: '/api/v1/users/{id}', operationId: 'getUser', tags, security, summary: 'Get a user', middleware: mw,
  request: { params: idParam }, responses: { 200: jsonResponse(UserSchema, 'The user'), ...errorResponses(404) } })
const update = createRoute({ method: 'patch', path: '/api/v1/users/{id}', operationId: 'updateUser', tags, security,
  summary: 'Update a user (role, name, disabled, password; role/password changes end their sessions, disabling revokes their keys and queued jobs). '
    + 'Only users, and roles, whose scopes you hold: changing an admin needs `*`', middleware: mw,
  request: { params: idParam, body: jsonBody(UpdateUserSchema) }, responses: { 200: jsonResponse(UserSchema, 'Updated'), ...errorResponses(404, 409, 413, 415) } })
const remove = createRoute({ method: 'delete', path: '/api/v1/users/{id}', operationId: 'deleteUser', tags, security, middleware: mw,
  summary: 'Delete a user whose scopes you hold (revokes their keys and cancels their queued jobs)',
  request: { params: idParam }, responses: { 204: { description: 'Deleted' }, ...errorResponses(404, 409) } })

export function registerUserRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(list, async (c) => c.json(await c.get('services').users.list(c.get('principal')!.tenantId, c.req.valid('query')), 200))
  app.openapi(create, async (c) => c.json(viewUser(await c.get('services').users.create(c.get('principal')!.tenantId, c.req.valid('json'), c.get('principal')!)), 201))
  app.openapi(get, async (c) => c.json(await c.get('services').users.view(c.get('principal')!.tenantId, c.req.valid('param').id), 200))
  app.openapi(update, async (c) => {
    const { tenantId } = c.get('principal')!
    const { id } = c.req.valid('param')
    await c.get('services').users.update(tenantId, id, c.req.valid('json'), c.get('principal')!)
    return c.json(await c.get('services').users.view(tenantId, id), 200)
  })
  app.openapi(remove, async (c) => {
    await c.get('services').users.delete(c.get('principal')!.tenantId, c.req.valid('param').id, c.get('principal')!)
    return c.body(null, 204)
  })
}
