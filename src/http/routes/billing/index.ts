import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { registerBillingPlanRoute } from './billing-plan'
import { registerBillingUsageRoute } from './billing-usage'
import { registerMeterEventsRoute } from './meter-events'

export function registerBillingRoutes(app: OpenAPIHono<AppEnv>) {
  registerBillingPlanRoute(app)
  registerBillingUsageRoute(app)
  registerMeterEventsRoute(app)
}
