// /api/v1/groups: the tenant's groups (the same ones SCIM pushes), their
// members and attributes. users:manage, like users; what a change may grant
// is bounded in GroupService (roles within the caller's scopes, attributes by
// admins only).
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, IdParam, jsonBody, jsonResponse, security } from '../../openapi'
import { ChangeMembersSchema, CreateGroupSchema, GroupDetailSchema, GroupListQuery, GroupListSchema, ReplaceMembersSchema, UpdateGroupSchema } from './schema'
import { viewGroup, type GroupRow } from '../../../identity/groups'
import { roleFromGroups } from '../../../identity/role-groups'
import type { Attributes } from '../../../../semantic/access/types'

const tags = ['Groups']
const idParam = IdParam('group', 'grp_4Rk2mQ9xLp3RtV7wYz1A')
const mw = requireScope('users:manage')
const ROLE_NOTE = 'Membership of a group NEXATRON_SCIM_ROLE_GROUPS maps to a role sets the members\' role (only roles whose scopes you hold); a group with attributes is changed by admins (`*`) only.'

const list = createRoute({ method: 'get', path: '/api/v1/groups', operationId: 'listGroups', tags, security, middleware: mw,
  summary: 'List the groups of the tenant (by name)', request: { query: GroupListQuery }, responses: { 200: jsonResponse(GroupListSchema, 'A page of groups'), ...errorResponses() } })
const create = createRoute({ method: 'post', path: '/api/v1/groups', operationId: 'createGroup', tags, security, middleware: mw,
  summary: 'Create a group (names are unique per tenant, case-insensitively)', description: ROLE_NOTE,
  request: { body: jsonBody(CreateGroupSchema) }, responses: { 201: jsonResponse(GroupDetailSchema, 'Created'), ...errorResponses(409, 413, 415) } })
const get = createRoute({ method: 'get', path: '/api/v1/groups/{id}', operationId: 'getGroup', tags, security, middleware: mw,
  summary: 'Get a group with its members', request: { params: idParam }, responses: { 200: jsonResponse(GroupDetailSchema, 'The group'), ...errorResponses(404) } })
const update = createRoute({ method: 'patch', path: '/api/v1/groups/{id}', operationId: 'updateGroup', tags, security, middleware: mw,
  summary: 'Rename a group or change its external id or attributes', description: ROLE_NOTE,
  request: { params: idParam, body: jsonBody(UpdateGroupSchema) }, responses: { 200: jsonResponse(GroupDetailSchema, 'Updated'), ...errorResponses(404, 409, 413, 415) } })
const remove = createRoute({ method: 'delete', path: '/api/v1/groups/{id}', operationId: 'deleteGroup', tags, security, middleware: mw,
  summary: 'Delete a group (members of a role-mapped group fall back to the role their other groups give, else the default role)',
  request: { params: idParam }, responses: { 204: { description: 'Deleted' }, ...errorResponses(404, 409) } })
const changeMembers = createRoute({ method: 'patch', path: '/api/v1/groups/{id}/members', operationId: 'changeGroupMembers', tags, security, middleware: mw,
  summary: 'Add and remove members', description: ROLE_NOTE,
  request: { params: idParam, body: jsonBody(ChangeMembersSchema) }, responses: { 200: jsonResponse(GroupDetailSchema, 'The group now'), ...errorResponses(404, 409, 413, 415) } })
const replaceMembers = createRoute({ method: 'put', path: '/api/v1/groups/{id}/members', operationId: 'replaceGroupMembers', tags, security, middleware: mw,
  summary: 'Set the whole membership', description: ROLE_NOTE,
  request: { params: idParam, body: jsonBody(ReplaceMembersSchema) }, responses: { 200: jsonResponse(GroupDetailSchema, 'The group now'), ...errorResponses(404, 409, 413, 415) } })

type C = Context<AppEnv>

async function detail(c: C, g: GroupRow) {
  const s = c.get('services')
  const members = await s.groups.members(g.tenantId, g.id)
  return { ...viewGroup(g, members.length), role: roleFromGroups([g.displayName], s.config.scim.roleGroups) ?? null, members }
}

export function registerGroupRoutes(app: OpenAPIHono<AppEnv>) {
  const tenant = (c: C) => c.get('principal')!.tenantId
  app.openapi(list, async (c) => {
    const q = c.req.valid('query')
    return c.json(await c.get('services').groups.page(tenant(c), { limit: q.limit, cursor: q.cursor, displayName: q.display_name }), 200)
  })
  app.openapi(create, async (c) => {
    const b = c.req.valid('json')
    const g = await c.get('services').groups.create(tenant(c), {
      displayName: b.display_name, externalId: b.external_id ?? null, attributes: b.attributes as Attributes | undefined, members: b.members,
    }, c.get('principal')!)
    return c.json(await detail(c, g), 201)
  })
  app.openapi(get, async (c) => c.json(await detail(c, await c.get('services').groups.get(tenant(c), c.req.valid('param').id)), 200))
  app.openapi(update, async (c) => {
    const b = c.req.valid('json')
    const g = await c.get('services').groups.update(tenant(c), c.req.valid('param').id, {
      displayName: b.display_name, externalId: b.external_id, attributes: b.attributes as Attributes | undefined,
    }, c.get('principal')!)
    return c.json(await detail(c, g), 200)
  })
  app.openapi(remove, async (c) => {
    await c.get('services').groups.delete(tenant(c), c.req.valid('param').id, c.get('principal')!)
    return c.body(null, 204)
  })
  app.openapi(changeMembers, async (c) => {
    const { id } = c.req.valid('param')
    const b = c.req.valid('json')
    await c.get('services').groups.changeMembers(tenant(c), id, { add: b.add ?? [], remove: b.remove ?? [] }, c.get('principal')!)
    return c.json(await detail(c, await c.get('services').groups.get(tenant(c), id)), 200)
  })
  app.openapi(replaceMembers, async (c) => {
    const { id } = c.req.valid('param')
    await c.get('services').groups.changeMembers(tenant(c), id, { replace: c.req.valid('json').user_ids }, c.get('principal')!)
    return c.json(await detail(c, await c.get('services').groups.get(tenant(c), id)), 200)
  })
}
