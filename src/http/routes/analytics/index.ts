import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { registerUsageRoute } from './usage'

export function registerAnalyticsRoutes(app: OpenAPIHono<AppEnv>) {
  registerUsageRoute(app)
}
