// Plans' limits on the routes they govern:
// - query routes take one unit of the month's queries quota before they run
//   (429 quota_exceeded with Retry-After when a monthly quota is spent), carry
//   X-Quota-Limit / -Remaining / -Reset, give the unit back when the request
//   was refused before running, and meter the run's rows and LLM tokens once
//   the answer has been sent (never delaying its first byte);
// - creating a connection or a user, or re-enabling a user, is refused (403
//   plan_limit_reached) when the plan's connections or seats are all used.
// Runs after authentication and inside the audit trail's transaction, so the
// capacity check and the create it guards commit together.
import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'
import { hasScope, type Scope } from '../../identity/scopes'
import { runTokens, settledRun } from '../../billing/settled-run'
import { answeredQueryId, onResponseEnd } from './response-end'
import { AppError, HttpError } from '../errors'

const QUERY_ROUTES = new Set(['POST /api/v1/query', 'POST /api/v1/query/stream', 'POST /api/v1/semantic/query'])
const CAPACITY: Record<string, { limit: 'connections' | 'seats'; scope: Scope | null }> = {
  'POST /api/v1/connections': { limit: 'connections', scope: 'connections:write' },
  'POST /api/v1/users': { limit: 'seats', scope: 'users:manage' },
  // SCIM's seats are checked by ScimService itself: only an active user takes
  // one (created, or reactivated by PATCH/PUT), and it answers in SCIM's shape.
}
// Answers that mean the query never ran: its unit is given back.
const NOT_RUN = new Set([400, 401, 403, 404, 408, 409, 413, 415, 429, 503])

// This middleware runs for every route ('*'): path parameters are not parsed for it yet.
const lastSegment = (p: string) => { try { return decodeURIComponent(p.slice(p.lastIndexOf('/') + 1)) } catch { return '' } }
const routeKey = (c: Context<AppEnv>) => `${c.req.method} ${c.req.matchedRoutes.find((r) => r.method !== 'ALL')?.path ?? ''}`

export const quota = (): MiddlewareHandler<AppEnv> =>
  async function quotaMiddleware(c, next) {
    const principal = c.get('principal')
    if (!principal) return next()
    const key = routeKey(c)
    const { billing, history, logger } = c.get('services')
    const capacity = CAPACITY[key]
    if (capacity) {
      // Only for a caller the route would let through: the plan is not told to anyone else.
      if (capacity.scope === null || hasScope(principal.scopes, capacity.scope)) await billing.assertCapacity(principal.tenantId, capacity.limit)
      return next()
    }
    // Re-enabling a user takes a seat again.
    if (key === 'PATCH /api/v1/users/:id' && hasScope(principal.scopes, 'users:manage')) {
      const body = await c.req.json().catch(() => null) as { disabled?: unknown } | null
      if (body?.disabled === false && await billing.isDisabledUser(principal.tenantId, lastSegment(c.req.path))) {
        await billing.assertCapacity(principal.tenantId, 'seats')
      }
      return next()
    }
    if (!QUERY_ROUTES.has(key) || !hasScope(principal.scopes, 'query:run')) return next()

    let admission
    try {
      admission = await billing.admitQuery(principal.tenantId)
    } catch (err) {
      // The spent quota's own figures go out as X-Quota-* beside Retry-After.
      if (err instanceof AppError && err.code === 'quota_exceeded') {
        const d = err.details[0] as { limit?: number; reset?: number }
        throw new HttpError(err.code, err.message, err.details, {
          'Retry-After': String(err.retryAfterS ?? 1), 'X-Quota-Limit': String(d.limit ?? 0), 'X-Quota-Remaining': '0', 'X-Quota-Reset': String(d.reset ?? 0),
        })
      }
      throw err
    }
    await next()
    const status = c.res.status
    if (admission.quota) {
      c.res.headers.set('X-Quota-Limit', String(admission.quota.limit))
      c.res.headers.set('X-Quota-Remaining', String(admission.quota.remaining))
      c.res.headers.set('X-Quota-Reset', String(admission.quota.reset))
    }
    if (status === 202) return // an async job: metered when it has run (see README)
    // The run the route prepared, even when its answer is an error that names no id
    // (a question refused after the LLM planned it): its tokens were spent all the same.
    const runId = c.get('runId')
    if (NOT_RUN.has(status)) {
      await admission.release()
      // The query never reached its rows, but a plan written before the warehouse
      // refused (503 unreachable) used the LLM: those tokens are metered still.
      if (!runId) return
    }
    const queryId = runId ?? await answeredQueryId(c)
    if (!queryId) return
    onResponseEnd(c, async () => {
      const row = await settledRun(history, queryId, principal.tenantId)
      if (!row) return
      if (row.rowCount) await billing.meter(principal.tenantId, 'rows', row.rowCount, queryId)
      const tokens = runTokens(row)
      if (tokens) await billing.meter(principal.tenantId, 'llm_tokens', tokens, queryId)
    }, (err) => logger.error({ err, request_id: c.get('requestId') }, 'could not meter the query'))
  }
