import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { AppError, notFound } from '../../errors'
import { errorResponses, jsonResponse, security } from '../../openapi'
import { UsageQuery, UsageReportSchema } from './schema'

const DAY_MS = 86_400_000
/** A year and a bit: long enough for yearly reviews, short enough to stay a cheap query. */
const MAX_RANGE_DAYS = 400

const route = createRoute({
  method: 'get', path: '/api/v1/analytics/usage', operationId: 'getUsageAnalytics', tags: ['Analytics'], security,
  summary: 'Queries, rows, LLM tokens, latency percentiles and errors by day, user or connection',
  description: `Over [since, until), default the last 30 days, at most ${MAX_RANGE_DAYS} days. Days are calendar days of the tenant's time zone.`,
  middleware: [requireScope('audit:read')] as const,
  request: { query: UsageQuery },
  responses: { 200: jsonResponse(UsageReportSchema, 'The report'), ...errorResponses() },
})

export function registerAnalyticsRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    const q = c.req.valid('query')
    const { analytics, tenants } = c.get('services')
    const tenantId = c.get('principal')!.tenantId
    const until = q.until ?? new Date()
    const since = q.since ?? new Date(until.getTime() - 30 * DAY_MS)
    if (since >= until) throw new AppError('validation_error', 'since must be before until', [{ path: 'since', issue: 'after_until' }])
    if (until.getTime() - since.getTime() > MAX_RANGE_DAYS * DAY_MS) {
      throw new AppError('validation_error', `the range may span at most ${MAX_RANGE_DAYS} days`, [{ path: 'since', issue: 'range_too_long' }])
    }
    const tenant = await tenants.get(tenantId)
    if (!tenant) throw notFound('tenant')
    return c.json(await analytics.report(tenantId, { groupBy: q.group_by, since, until, timezone: tenant.timezone }), 200)
  })
}
