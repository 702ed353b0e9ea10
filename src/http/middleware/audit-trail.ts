// Writes the audit log for every route listed in src/audit/audited-routes.ts,
// and for every refused request (401 with a known but refused credential, 403),
// from the matched route, the principal and the status: routes stay free of
// audit code.
// - A mutation runs in one store transaction with its record (see
//   src/audit/ambient-tx.ts): if the record cannot be written, the change is
//   rolled back and the answer is 500. The transaction opens at the request's
//   first write, not here: what a handler waits on before it (a warehouse to
//   test or introspect, a host name to resolve) holds nothing, so one
//   warehouse that never answers cannot stall other requests. A refused or
//   failed request changed nothing worth keeping, so its record is written on
//   its own afterwards.
// - A query run is recorded once its answer has been sent (connection, status,
//   rows, duration, planner from the history record), so the record never
//   delays the first byte.
import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'
import { auditedRoute, type AuditedRoute } from '../../audit/audited-routes'
import type { AuditActor, AuditEvent } from '../../audit/audit-service'
import type { AuditOutcome } from '../../audit/audit-actions'
import type { AuditDetails } from '../../audit/audit-details'
import { ambientDb, withAmbientTransaction } from '../../audit/ambient-tx'
import { actorDisplay, refreshTokenSubject, refusedApiKeySubject } from '../../audit/auth-subjects'
import { clientIp } from './client-ip'
import { onResponseEnd, answeredQueryId } from './response-end'
import { runTokens, settledRun } from '../../billing/settled-run'
import { currentTraceId } from '../../ops/spans'

type Event = Omit<AuditEvent, 'ip' | 'userAgent' | 'requestId'>

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return 'success'
  return status === 401 || status === 403 ? 'denied' : 'failure'
}

/**
 * The registered path of the route this request matched: the first one for its
 * method (a middleware's `*` is ALL; a catch-all registered later, like the
 * console's `GET /*`, comes after the API route it would shadow).
 */
function finalRoutePath(c: Context<AppEnv>): string | undefined {
  return c.req.matchedRoutes.find((r) => r.method !== 'ALL')?.path
}

async function requestBody(c: Context<AppEnv>): Promise<Record<string, unknown> | null> {
  try {
    const v: unknown = await c.req.json() // parsed once by the body guard and cached
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null
  } catch {
    return null
  }
}

async function responseJson(c: Context<AppEnv>): Promise<Record<string, unknown> | null> {
  if (!/json/.test(c.res.headers.get('content-type') ?? '')) return null
  try {
    const v: unknown = await c.res.clone().json()
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null
  } catch {
    return null
  }
}

async function responseId(c: Context<AppEnv>): Promise<string | null> {
  const v = await responseJson(c)
  return typeof v?.id === 'string' ? v.id : typeof v?.connection_id === 'string' ? v.connection_id : null
}

async function errorCode(c: Context<AppEnv>): Promise<string | undefined> {
  if (c.res.status < 400) return undefined
  const e = (await responseJson(c))?.error as { code?: unknown } | undefined
  return typeof e?.code === 'string' ? e.code : undefined
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

async function principalActor(c: Context<AppEnv>): Promise<AuditActor | null> {
  const p = c.get('principal')
  if (!p) return null
  const type = p.id.startsWith('scim_') ? 'scim' : p.kind
  // A key's name came with its authentication on this request: no second read.
  return { type, id: p.id, display: p.displayName ?? await actorDisplay(ambientDb(c.get('services').store.db), p.tenantId, p.id) }
}

/** The event of an authenticated route (a mutation, or a refusal of one). */
async function routeEvent(c: Context<AppEnv>, route: AuditedRoute): Promise<Event | null> {
  const principal = c.get('principal')
  if (!principal) return null
  const status = c.res.status
  const body = c.req.method === 'DELETE' ? null : await requestBody(c)
  const details: AuditDetails = { route: `${c.req.method} ${finalRoutePath(c)}`, status, error_code: await errorCode(c), fields: body ? Object.keys(body) : undefined }
  return {
    tenantId: principal.tenantId, actor: await principalActor(c), action: route.action, outcome: outcomeOf(status),
    resource: { type: route.resource, id: await target(c, route, principal.tenantId, status < 300) }, details,
  }
}

/** Login and refresh carry no credential: the tenant comes from the account or the presented token. */
async function anonymousEvent(c: Context<AppEnv>, route: AuditedRoute): Promise<Event | null> {
  const { users, store } = c.get('services')
  const status = c.res.status
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
    return {
      tenantId: user.tenantId, actor: ok ? { type: 'user', id: user.id, display: user.email } : null,
      action: ok ? 'auth.login' : 'auth.login_failed', outcome: ok ? 'success' : 'failure',
      resource: { type: 'user', id: user.id }, details: { status, error_code: await errorCode(c) },
    }
  }
  const token = body?.refresh_token
  if (typeof token !== 'string' || (status !== 200 && status !== 401)) return null
  const s = await refreshTokenSubject(store.db, token)
  if (!s) return null
  if (status === 200) {
    return { tenantId: s.tenantId, actor: { type: 'user', id: s.userId, display: await actorDisplay(store.db, s.tenantId, s.userId) }, action: 'auth.refresh', outcome: 'success', resource: { type: 'user', id: s.userId } }
  }
  // A spent token presented again means theft: the family has been revoked.
  if (!s.spent) return null
  return { tenantId: s.tenantId, actor: null, action: 'auth.refresh_reuse_detected', outcome: 'failure', resource: { type: 'user', id: s.userId }, details: { status } }
}

/** A refusal (401 with a credential we can attribute, or 403) of a route that is not audited itself. */
async function denialEvent(c: Context<AppEnv>): Promise<Event | null> {
  const status = c.res.status
  const details: AuditDetails = { route: `${c.req.method} ${finalRoutePath(c) ?? new URL(c.req.url).pathname}`, status, error_code: await errorCode(c) }
  const principal = c.get('principal')
  if (principal) {
    return { tenantId: principal.tenantId, actor: await principalActor(c), action: 'access.denied', outcome: 'denied', details: { ...details, reason: 'missing_scope' } }
  }
  // Only a real key (its hash is in the store), revoked or expired, tells us whose log this belongs in.
  const token = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1]
  const key = token ? await refusedApiKeySubject(c.get('services').store.db, token) : null
  if (!key) return null
  return { tenantId: key.tenantId, actor: { type: 'api_key', id: key.keyId, display: key.name }, action: 'access.denied', outcome: 'denied', details: { ...details, reason: 'invalid_credential' } }
}

/** A query run, from its history record once the answer has been sent. */
async function queryRunEvent(c: Context<AppEnv>, status: number, queryId: string | null, actor: AuditActor | null, error_code?: string): Promise<Event | null> {
  const principal = c.get('principal')
  if (!principal) return null
  const { history } = c.get('services')
  const row = queryId ? await settledRun(history, queryId, principal.tenantId, status === 202 ? 0 : 2000) : undefined
  const details: AuditDetails = {
    status, error_code, query_id: row?.id, connection_id: row?.connectionId, source: row?.source, query_status: row?.status ?? undefined,
    rows: row?.rowCount ?? undefined, duration_ms: row?.durationMs ?? undefined, planner: row?.planner ?? undefined,
    llm_tokens: runTokens(row), truncated: row?.truncated,
  }
  const failed = status >= 400 || (row !== undefined && row.status !== 'succeeded' && row.status !== 'queued')
  return {
    tenantId: principal.tenantId, actor, action: status === 202 ? 'query.submit' : 'query.run',
    outcome: status === 401 || status === 403 ? 'denied' : failed ? 'failure' : 'success', resource: { type: 'query', id: row?.id ?? null }, details,
  }
}

export const auditTrail = (): MiddlewareHandler<AppEnv> =>
  async function auditTrailMiddleware(c, next) {
    const services = c.get('services')
    const routePath = finalRoutePath(c)
    const route = routePath ? auditedRoute(c.req.method, routePath) : undefined
    const context = () => ({ ip: clientIp(c, services.config.limits.trustProxy), userAgent: c.req.header('user-agent') ?? null, requestId: c.get('requestId') })
    // The request's trace (tracing on) goes into the record's details: request_id finds the record, trace_id its spans.
    const traceId = currentTraceId()
    const withTrace = (event: Event): Event => (traceId ? { ...event, details: { ...event.details, trace_id: traceId } } : event)
    const write = async (event: Event | null) => { if (event) await services.audit.record({ ...withTrace(event), ...context() }) }
    const logFailure = (err: unknown) => services.logger.error({ err, request_id: c.get('requestId') }, 'could not write the audit log')

    if (route && !route.kind && MUTATING.has(c.req.method) && c.get('principal')) {
      // The mutation and its record: one transaction, from the first write on
      // (a route that writes nothing, like a connection test, opens it for its
      // record alone). A failed write throws, the change rolls back, and the
      // error handler answers 500.
      await withAmbientTransaction(services.store.db, async () => {
        await next()
        if (c.res.status < 400) await write(await routeEvent(c, route))
      })
      if (c.res.status >= 400) await write(await routeEvent(c, route)).catch(logFailure)
      return
    }

    await next()
    try {
      const status = c.res.status
      if (route?.kind === 'query') {
        // The run the route prepared, also when its answer is an error naming no id (its tokens were spent).
        const queryId = c.get('runId') ?? await answeredQueryId(c)
        const code = await errorCode(c)
        // After the last byte: the answer is never held back for its record.
        onResponseEnd(c, async () => write(await queryRunEvent(c, status, queryId, await principalActor(c), code)), logFailure)
      } else if (route?.kind) {
        await write(await anonymousEvent(c, route))
      } else if (route) {
        await write((await routeEvent(c, route)) ?? (status === 401 ? await denialEvent(c) : null))
      } else if (status === 401 || status === 403) {
        await write(await denialEvent(c))
      }
    } catch (err) {
      logFailure(err)
    }
  }
