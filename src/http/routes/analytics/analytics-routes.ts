import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { AppError, notFound } from '../../errors'
import { errorResponses, jsonResponse, security } from '../../openapi'
import { instantIn } from '../../../analytics/zoned-time'
import type { UsageInterval } from '../../../analytics/usage-analytics'
import { UsageQuery, UsageReportSchema } from './schema'

const DAY_MS = 86_400_000
/**
 * Longest range per interval: a year and a bit of days, three years of weeks or
 * months. Bounds the rows one report scans and the entries of its series.
 */
const MAX_RANGE_DAYS: Record<UsageInterval, number> = { day: 400, week: 1_100, month: 1_100 }

const route = createRoute({
  method: 'get', path: '/api/v1/analytics/usage', operationId: 'getUsageAnalytics', tags: ['Analytics'], security,
  summary: 'Queries (succeeded, failed, refused, clarified), durations, rows, LLM tokens, active users, top questions and metrics, refused questions',
  description: `Over [from, to), default the last 30 days; at most ${MAX_RANGE_DAYS.day} days by day, ${MAX_RANGE_DAYS.week} by week or month. `
    + "Dates and intervals are those of the tenant's time zone. Every figure is computed in the store from the query history of the tenant (every principal's runs).",
  middleware: [requireScope('analytics:read')] as const,
  request: { query: UsageQuery },
  responses: { 200: jsonResponse(UsageReportSchema, 'The report'), ...errorResponses() },
})

export function registerAnalyticsRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    const q = c.req.valid('query')
    const { analytics, tenants } = c.get('services')
    const tenantId = c.get('principal')!.tenantId
    const tenant = await tenants.get(tenantId)
    if (!tenant) throw notFound('tenant')
    const tz = tenant.timezone
    const toText = q.to ?? q.until
    const fromText = q.from ?? q.since
    const to = toText ? instantIn(toText, tz) : new Date()
    const from = fromText ? instantIn(fromText, tz) : new Date(to.getTime() - 30 * DAY_MS)
    const field = (name: 'from' | 'to', alias: 'since' | 'until') => (q[name] === undefined && q[alias] !== undefined ? alias : name)
    if (from >= to) throw new AppError('validation_error', 'from must be before to', [{ path: field('from', 'since'), issue: 'not_before_to' }])
    const maxDays = MAX_RANGE_DAYS[q.interval]
    if (to.getTime() - from.getTime() > maxDays * DAY_MS) {
      throw new AppError('validation_error', `from..to may span at most ${maxDays} days with interval=${q.interval}`, [{ path: field('from', 'since'), issue: 'range_too_long', max_days: maxDays }])
    }
    return c.json(await analytics.report(tenantId, { from, to, interval: q.interval, groupBy: q.group_by, timezone: tz, limit: q.limit }), 200)
  })
}
