// Middleware that writes the audit log for every route listed in
// audited-routes.ts, after the handler has answered, from the matched route,
// the principal and the status. Routes stay free of audit code, and an
// error answer (403, 404, 409, ...) is recorded as well as a success.
// A failure to write the log is logged and never changes the answer.
import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../http/app-env'
import { auditedRoute, type AuditedRoute } from './audited-routes'
import type { AuditEvent, AuditOutcome } from './audit-service'
import { clientIp } from './client-ip'
import { refreshTokenSubject } from './auth-subjects'

function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return 'success'
  return status === 401 || status === 403 ? 'denied' : 'failure'
}

async function requestBody(c: Context<AppEnv>): Promise<Record<string, unknown> | null> {
  try {
    const v: unknown = await c.req.json() // parsed once by the body guard and cached
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null
  } catch {
    return null
  }
}

async function responseId(c: Context<AppEnv>): Promise<string | null> {
  if (!/json/.test(c.res.headers.get('content-type') ?? '')) return null
  try {
    const v = (await c.res.clone().json()) as { id?: unknown; connection_id?: unknown }
    return typeof v.id === 'string' ? v.id : typeof v.connection_id === 'string' ? v.connection_id : null
  } catch {
    return null
  }
}

async function target(c: Context<AppEnv>, route: AuditedRoute, tenantId: string, ok: boolean): Promise<string | null> {
  const t = route.target
  if (t === 'none') return null
  if (t === 'tenant') return tenantId
  if (t === 'param') return c.req.param('id') ?? null
  if (t === 'response') return ok ? responseId(c) : null
  const v = (await requestBody(c))?.[t.body]
  if (typeof v === 'string') return v
  return t.fallback === 'response' && ok ? responseId(c) : null
}

/** The event for a login or refresh attempt, whose tenant comes from the account. */
async function anonymousEvent(c: Context<AppEnv>, route: AuditedRoute, status: number): Promise<Omit<AuditEvent, 'ip' | 'requestId'> | null> {
  const { users, store } = c.get('services')
  const body = await requestBody(c)
  if (route.kind === 'login') {
    const email = body?.email
    if (typeof email !== 'string' || status === 400 || status === 429) return null
    // An unknown email (or one in several tenants, without `tenant`) belongs to
    // no one tenant: there is no log to write it to.
    const tenant = typeof body?.tenant === 'string' ? body.tenant.trim() : undefined
    const user = await users.forLogin(email, tenant || undefined)
    if (!user) return null
    const ok = status < 400
    return { tenantId: user.tenantId, actorId: ok ? user.id : null, action: route.action, targetId: user.id, outcome: ok ? 'success' : 'failure' }
  }
  // Refresh: only a refused, already spent token (theft) is worth a record.
  const token = body?.refresh_token
  if (status !== 401 || typeof token !== 'string') return null
  const s = await refreshTokenSubject(store.db, token)
  if (!s?.spent) return null
  return { tenantId: s.tenantId, actorId: null, action: route.action, targetId: s.userId, outcome: 'failure' }
}

export const auditTrail = (): MiddlewareHandler<AppEnv> =>
  async function auditTrailMiddleware(c, next) {
    await next()
    const route = auditedRoute(c.req.method, c.req.routePath)
    if (!route) return
    const services = c.get('services')
    try {
      const status = c.res.status
      let event: Omit<AuditEvent, 'ip' | 'requestId'> | null
      if (route.kind) {
        event = await anonymousEvent(c, route, status)
      } else {
        const principal = c.get('principal')
        // Without a credential there is no tenant to attribute the attempt to.
        event = principal
          ? { tenantId: principal.tenantId, actorId: principal.id, action: route.action, outcome: outcomeOf(status), targetId: await target(c, route, principal.tenantId, status < 300) }
          : null
      }
      if (event) await services.audit.record({ ...event, ip: clientIp(c, services.config.limits.trustProxy), requestId: c.get('requestId') })
    } catch (err) {
      services.logger.error({ err, request_id: c.get('requestId') }, 'could not write the audit log')
    }
  }
