import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { registerSessionRoutes } from './sessions'
import { registerMeRoute } from './me'
import { registerSsoSignInRoutes } from './sso-sign-in'
import { registerSsoSettingsRoutes } from './sso-settings'

export function registerAuthRoutes(app: OpenAPIHono<AppEnv>) {
  registerSessionRoutes(app)
  registerMeRoute(app)
  registerSsoSignInRoutes(app)
  registerSsoSettingsRoutes(app)
}
