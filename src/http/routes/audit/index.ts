import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { registerAuditLogRoutes } from './audit-log'

export function registerAuditRoutes(app: OpenAPIHono<AppEnv>) {
  registerAuditLogRoutes(app)
}
