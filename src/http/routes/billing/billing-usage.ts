import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, jsonResponse, security } from '../../openapi'
import { monthOf } from '../../../billing/plans'
import { UsageQuery, UsageSchema } from './schema'

const tags = ['Billing']

const usageRoute = createRoute({
  method: 'get', path: '/api/v1/billing/usage', operationId: 'getBillingUsage', tags, security, middleware: [requireScope('billing:read')],
  summary: 'Metered units (queries, rows, LLM tokens) per day of a month',
  request: { query: UsageQuery },
  responses: { 200: jsonResponse(UsageSchema, 'Usage of the month'), ...errorResponses() },
})

export function registerBillingUsageRoute(app: OpenAPIHono<AppEnv>) {
  app.openapi(usageRoute, async (c) => {
    const period = c.req.valid('query').period ?? monthOf(new Date()).period
    return c.json(await c.get('services').billing.usage(c.get('principal')!.tenantId, period), 200)
  })
}
