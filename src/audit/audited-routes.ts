// Which routes are security-relevant and what each records. Keyed by method
// and the route's registered path (Hono syntax), so a route needs no code of
// its own: the audit trail middleware looks the matched route up here.
// test/api/audit-coverage.test.ts walks every registered POST/PUT/PATCH/DELETE
// route and fails for one that is neither here nor in UNAUDITED_ROUTES.
import type { AuditAction } from './audit-actions'

export type TargetSource =
  /** The `:id` path parameter. */
  | 'param'
  /** `id` of the JSON (or SCIM) response body: what a create made. */
  | 'response'
  /** A field of the JSON request body. */
  | { body: string; fallback?: 'response' }
  /** The tenant itself (tenant-wide settings). */
  | 'tenant'
  | 'none'

export interface AuditedRoute {
  action: AuditAction
  /** resource.type of the record. */
  resource: string
  target: TargetSource
  /**
   * Special handling: `login`/`refresh` carry no credential (the tenant comes
   * from the account or the token); `query` runs are recorded when their answer
   * has been sent, never before its first byte.
   */
  kind?: 'login' | 'refresh' | 'query'
}

const r = (action: AuditAction, resource: string, target: TargetSource, kind?: AuditedRoute['kind']): AuditedRoute => ({ action, resource, target, kind })

export const AUDITED_ROUTES: Record<string, AuditedRoute> = {
  'POST /api/v1/api-keys': r('api_key.create', 'api_key', 'response'),
  'DELETE /api/v1/api-keys/:id': r('api_key.revoke', 'api_key', 'param'),
  'PATCH /api/v1/api-keys/:id': r('api_key.update', 'api_key', 'param'),
  'POST /api/v1/users': r('user.create', 'user', 'response'),
  'PATCH /api/v1/users/:id': r('user.update', 'user', 'param'),
  'DELETE /api/v1/users/:id': r('user.delete', 'user', 'param'),
  'POST /api/v1/groups': r('group.create', 'group', 'response'),
  'PATCH /api/v1/groups/:id': r('group.update', 'group', 'param'),
  'DELETE /api/v1/groups/:id': r('group.delete', 'group', 'param'),
  'PATCH /api/v1/groups/:id/members': r('group.members', 'group', 'param'),
  'PUT /api/v1/groups/:id/members': r('group.members', 'group', 'param'),
  'POST /api/v1/auth/login': r('auth.login', 'user', 'none', 'login'),
  'POST /api/v1/auth/logout': r('auth.logout', 'session', 'none'),
  'POST /api/v1/auth/refresh': r('auth.refresh', 'user', 'none', 'refresh'),
  'POST /api/v1/connections': r('connection.create', 'connection', 'response'),
  'PATCH /api/v1/connections/:id': r('connection.update', 'connection', 'param'),
  'DELETE /api/v1/connections/:id': r('connection.delete', 'connection', 'param'),
  'POST /api/v1/connections/:id/test': r('connection.test', 'connection', 'param'),
  'POST /api/v1/semantic/import': r('semantic.import', 'connection', { body: 'connection_id', fallback: 'response' }),
  'POST /api/v1/semantic/models': r('semantic.model.create', 'semantic_model', 'response'),
  'PATCH /api/v1/semantic/models/:id': r('semantic.model.update', 'semantic_model', 'param'),
  'DELETE /api/v1/semantic/models/:id': r('semantic.model.delete', 'semantic_model', 'param'),
  'POST /api/v1/semantic/metrics': r('semantic.metric.create', 'metric', 'response'),
  'PATCH /api/v1/semantic/metrics/:id': r('semantic.metric.update', 'metric', 'param'),
  'DELETE /api/v1/semantic/metrics/:id': r('semantic.metric.delete', 'metric', 'param'),
  'POST /api/v1/semantic/dimensions': r('semantic.dimension.create', 'dimension', 'response'),
  'PATCH /api/v1/semantic/dimensions/:id': r('semantic.dimension.update', 'dimension', 'param'),
  'DELETE /api/v1/semantic/dimensions/:id': r('semantic.dimension.delete', 'dimension', 'param'),
  'POST /api/v1/semantic/dimensions/:id/sample-values/refresh': r('semantic.dimension.refresh_values', 'dimension', 'param'),
  'PUT /api/v1/semantic/access-policies': r('semantic.access_policies.replace', 'connection', { body: 'connection_id' }),
  'POST /api/v1/webhook-secret': r('settings.webhook_secret.rotate', 'tenant', 'tenant'),
  'POST /api/v1/scim-token': r('scim_token.rotate', 'scim_token', 'response'),
  'DELETE /api/v1/scim-token': r('scim_token.delete', 'tenant', 'tenant'),
  'POST /scim/v2/Users': r('scim.user.create', 'user', 'response'),
  'PUT /scim/v2/Users/:id': r('scim.user.replace', 'user', 'param'),
  'PATCH /scim/v2/Users/:id': r('scim.user.update', 'user', 'param'),
  'DELETE /scim/v2/Users/:id': r('scim.user.delete', 'user', 'param'),
  'POST /scim/v2/Groups': r('scim.group.create', 'group', 'response'),
  'PUT /scim/v2/Groups/:id': r('scim.group.replace', 'group', 'param'),
  'PATCH /scim/v2/Groups/:id': r('scim.group.update', 'group', 'param'),
  'DELETE /scim/v2/Groups/:id': r('scim.group.delete', 'group', 'param'),
  'PUT /api/v1/sso/settings': r('sso.settings.update', 'sso_settings', 'tenant'),
  'DELETE /api/v1/sso/settings': r('sso.settings.delete', 'sso_settings', 'tenant'),
  'POST /api/v1/query': r('query.run', 'query', 'none', 'query'),
  'POST /api/v1/query/stream': r('query.run', 'query', 'none', 'query'),
  'POST /api/v1/semantic/query': r('query.run', 'query', 'none', 'query'),
  'DELETE /api/v1/query/:id': r('query.delete', 'query', 'param'),
  'POST /api/v1/query/:id/cancel': r('query.cancel', 'query', 'param'),
}

/** Mutating methods that change nothing and so are not audited, each with the reason. */
export const UNAUDITED_ROUTES: Record<string, string> = {
  'POST /api/v1/semantic/validate': 'reads the live database to check the layer; changes nothing',
  'POST /api/v1/semantic/access/preview': 'compiles SQL for a principal to show an admin; runs and changes nothing',
}

export const auditedRoute = (method: string, routePath: string): AuditedRoute | undefined => AUDITED_ROUTES[`${method.toUpperCase()} ${routePath}`]
