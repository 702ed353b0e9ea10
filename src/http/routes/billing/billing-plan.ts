import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, jsonResponse, security } from '../../openapi'
import { planSummary } from '../../../billing/plan-summary'
import { PlanSchema } from './schema'

const tags = ['Billing']

const planRoute = createRoute({
  method: 'get', path: '/api/v1/billing/plan', operationId: 'getBillingPlan', tags, security, middleware: [requireScope(null)],
  summary: "The tenant's plan, its limits, and what this period has used",
  responses: { 200: jsonResponse(PlanSchema, 'The plan'), ...errorResponses() },
})

export function registerBillingPlanRoute(app: OpenAPIHono<AppEnv>) {
  app.openapi(planRoute, async (c) => c.json(await planSummary(c.get('services').billing, c.get('principal')!.tenantId, new Date()), 200))
}
