import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { AppError } from '../../errors'
import { errorResponses, jsonResponse, security } from '../../openapi'
import { AuditListSchema, AuditQuery } from './schema'

const route = createRoute({
  method: 'get', path: '/api/v1/audit-log', operationId: 'listAuditLog', tags: ['Audit'], security,
  summary: 'Security-relevant actions of the tenant: who, what, when, from where, outcome (newest first)',
  description: 'Actions: api_key.create/revoke, user.create/update/delete, auth.login/logout/refresh_token_reuse, ' +
    'connection.*, semantic.import, semantic.model.*, semantic.metric.*, semantic.dimension.*, webhook_secret.rotate, ' +
    'scim_token.rotate/delete, scim.user.*, scim.group.*. Outcome is success, failure, or denied (401/403).',
  middleware: [requireScope('audit:read')] as const,
  request: { query: AuditQuery },
  responses: { 200: jsonResponse(AuditListSchema, 'A page of entries'), ...errorResponses() },
})

export function registerAuditRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    const q = c.req.valid('query')
    if (q.since && q.until && q.since >= q.until) {
      throw new AppError('validation_error', 'since must be before until', [{ path: 'since', issue: 'after_until' }])
    }
    return c.json(await c.get('services').audit.list(c.get('principal')!.tenantId, q), 200)
  })
}
