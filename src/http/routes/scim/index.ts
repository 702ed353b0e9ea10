import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { registerScimServiceRoutes } from './scim-routes'
import { registerScimTokenRoutes } from './scim-token-routes'

/** SCIM tokens (tenant API) first, then the SCIM 2.0 service at /scim/v2. */
export function registerScimRoutes(app: OpenAPIHono<AppEnv>) {
  registerScimTokenRoutes(app)
  registerScimServiceRoutes(app)
}
