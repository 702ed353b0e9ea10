import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { registerHealth } from './health'
import { registerMetrics } from './metrics'
import { registerWebhookSecret } from './webhook-secret'

/** Liveness and readiness, operator metrics (outside the OpenAPI document) and the webhook secret. */
export function registerSystemRoutes(app: OpenAPIHono<AppEnv>) {
  registerHealth(app)
  registerMetrics(app)
  registerWebhookSecret(app)
}
