// Which routes are security-relevant and what each records. Keyed by method
// and the route's registered path (Hono syntax), so a route needs no code of
// its own: the audit trail middleware looks the matched route up here after
// the handler has answered.
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
  action: string
  target: TargetSource
  /** Special handling where the tenant is not known from a credential. */
  kind?: 'login' | 'refresh'
}

const r = (action: string, target: TargetSource, kind?: AuditedRoute['kind']): AuditedRoute => ({ action, target, kind })

export const AUDITED_ROUTES: Record<string, AuditedRoute> = {
  'POST /api/v1/api-keys': r('api_key.create', 'response'),
  'DELETE /api/v1/api-keys/:id': r('api_key.revoke', 'param'),
  'POST /api/v1/users': r('user.create', 'response'),
  'PATCH /api/v1/users/:id': r('user.update', 'param'),
  'DELETE /api/v1/users/:id': r('user.delete', 'param'),
  'POST /api/v1/auth/login': r('auth.login', 'none', 'login'),
  'POST /api/v1/auth/logout': r('auth.logout', 'none'),
  // Only refusals of a spent token are recorded (reuse means theft), not every refresh.
  'POST /api/v1/auth/refresh': r('auth.refresh_token_reuse', 'none', 'refresh'),
  'POST /api/v1/connections': r('connection.create', 'response'),
  'PATCH /api/v1/connections/:id': r('connection.update', 'param'),
  'DELETE /api/v1/connections/:id': r('connection.delete', 'param'),
  'POST /api/v1/semantic/import': r('semantic.import', { body: 'connection_id', fallback: 'response' }),
  'POST /api/v1/semantic/models': r('semantic.model.create', 'response'),
  'PATCH /api/v1/semantic/models/:id': r('semantic.model.update', 'param'),
  'DELETE /api/v1/semantic/models/:id': r('semantic.model.delete', 'param'),
  'POST /api/v1/semantic/metrics': r('semantic.metric.create', 'response'),
  'PATCH /api/v1/semantic/metrics/:id': r('semantic.metric.update', 'param'),
  'DELETE /api/v1/semantic/metrics/:id': r('semantic.metric.delete', 'param'),
  'POST /api/v1/semantic/dimensions': r('semantic.dimension.create', 'response'),
  'PATCH /api/v1/semantic/dimensions/:id': r('semantic.dimension.update', 'param'),
  'DELETE /api/v1/semantic/dimensions/:id': r('semantic.dimension.delete', 'param'),
  'POST /api/v1/webhook-secret': r('webhook_secret.rotate', 'tenant'),
  'POST /api/v1/scim-token': r('scim_token.rotate', 'response'),
  'DELETE /api/v1/scim-token': r('scim_token.delete', 'tenant'),
  'POST /scim/v2/Users': r('scim.user.create', 'response'),
  'PUT /scim/v2/Users/:id': r('scim.user.replace', 'param'),
  'PATCH /scim/v2/Users/:id': r('scim.user.update', 'param'),
  'DELETE /scim/v2/Users/:id': r('scim.user.delete', 'param'),
  'PUT /scim/v2/Groups/:id': r('scim.group.replace', 'param'),
  'PATCH /scim/v2/Groups/:id': r('scim.group.update', 'param'),
}

export const auditedRoute = (method: string, routePath: string): AuditedRoute | undefined => AUDITED_ROUTES[`${method.toUpperCase()} ${routePath}`]
