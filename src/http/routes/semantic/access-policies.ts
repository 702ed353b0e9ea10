// Access policies of a connection's semantic layer (admins only) and the
// preview of the SQL a given principal would run under them.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, jsonBody, jsonResponse, security } from '../../openapi'
import { previewContext } from '../../../governance/preview-principal'
import { previewAccess } from '../../../governance/access-policy-service'
import type { AccessPolicy } from '../../../../semantic/access'
import type { SemanticQuery } from '../../../../semantic/types'
import { AccessPoliciesQuery, AccessPolicySetSchema, AccessPreviewResultSchema, AccessPreviewSchema, ReplaceAccessPoliciesSchema } from './access-schema'

const tags = ['Access policies']
const admin = requireScope('*')

const list = createRoute({
  method: 'get', path: '/api/v1/semantic/access-policies', operationId: 'listAccessPolicies', tags, security, middleware: admin,
  summary: 'The access policies of a connection\'s semantic layer (admins)',
  request: { query: AccessPoliciesQuery }, responses: { 200: jsonResponse(AccessPolicySetSchema, 'The policies'), ...errorResponses(404) },
})
const replace = createRoute({
  method: 'put', path: '/api/v1/semantic/access-policies', operationId: 'replaceAccessPolicies', tags, security, middleware: admin,
  summary: 'Replace every access policy of a connection\'s layer (admins); 422 lists every problem with its path',
  request: { body: jsonBody(ReplaceAccessPoliciesSchema) }, responses: { 200: jsonResponse(AccessPolicySetSchema, 'The stored policies'), ...errorResponses(404, 413, 415, 422) },
})
const preview = createRoute({
  method: 'post', path: '/api/v1/semantic/access/preview', operationId: 'previewAccess', tags, security, middleware: admin,
  summary: 'The SQL a principal (a user, an API key, or a role with attributes) would run for a semantic query; nothing is run (admins)',
  request: { body: jsonBody(AccessPreviewSchema) }, responses: { 200: jsonResponse(AccessPreviewResultSchema, 'The compiled SQL for that principal'), ...errorResponses(404, 413, 415, 422) },
})

export function registerAccessPolicyRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(list, async (c) => c.json(await c.get('services').access.list(c.get('principal')!.tenantId, c.req.valid('query').connection_id), 200))

  app.openapi(replace, async (c) => {
    const b = c.req.valid('json')
    return c.json(await c.get('services').access.replace(c.get('principal')!.tenantId, b.connection_id, b.policies as AccessPolicy[]), 200)
  })

  app.openapi(preview, async (c) => {
    const b = c.req.valid('json')
    const s = c.get('services')
    const tenantId = c.get('principal')!.tenantId
    const ctx = await previewContext(s, tenantId, b.principal)
    const conn = await s.connections.resolve(tenantId, b.connection_id)
    return c.json(await previewAccess(s.access, s.semantic.store, conn, ctx, b.query as SemanticQuery), 200)
  })
}
