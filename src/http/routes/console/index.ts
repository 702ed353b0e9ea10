import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { registerConsole } from './console-routes'
import { registerDocs } from './docs-routes'

export { registerConsole, CONSOLE_DIST, isConsoleAsset } from './console-routes'
export { registerDocs } from './docs-routes'
export { CONTENT_SECURITY_POLICY, setSecurityHeaders } from './security-headers'

/** /docs, then the console at `/`: registered after every API route, whose paths its fallback must not shadow. */
export function registerConsoleRoutes(app: OpenAPIHono<AppEnv>) {
  registerDocs(app)
  registerConsole(app)
}
