import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, jsonResponse, security } from '../../openapi'
import { MAX_RANGE_DAYS, usageReport } from '../../../analytics/usage-request'
import { UsageQuery, UsageReportSchema } from './schema'

const route = createRoute({
  method: 'get', path: '/api/v1/analytics/usage', operationId: 'getUsageAnalytics', tags: ['Analytics'], security,
  summary: 'Queries (succeeded, failed, refused, clarified), durations, rows, LLM tokens, active users, top questions and metrics, refused questions',
  description: `Over [from, to), default the last 30 days; at most ${MAX_RANGE_DAYS.day} days by day, ${MAX_RANGE_DAYS.week} by week or month. `
    + "Dates and intervals are those of the tenant's time zone. Every figure is computed in the store from the query history of the tenant (every principal's runs).",
  middleware: [requireScope('analytics:read')] as const,
  request: { query: UsageQuery },
  responses: { 200: jsonResponse(UsageReportSchema, 'The report'), ...errorResponses() },
})

export function registerUsageRoute(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => c.json(await usageReport(c.get('services'), c.get('principal')!.tenantId, c.req.valid('query')), 200))
}
