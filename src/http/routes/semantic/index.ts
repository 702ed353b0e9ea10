import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { registerMetricRoutes } from './metrics'
import { registerDimensionRoutes } from './dimensions'
import { registerModelRoutes } from './models'
import { registerImportQueryValidate } from './import-query-validate'
import { registerSavedQueryRoutes } from './saved-queries'
import { registerAccessPolicyRoutes } from './access-policies'

export function registerSemanticRoutes(app: OpenAPIHono<AppEnv>) {
  registerMetricRoutes(app)
  registerDimensionRoutes(app)
  registerModelRoutes(app)
  registerImportQueryValidate(app)
  registerSavedQueryRoutes(app)
  registerAccessPolicyRoutes(app)
}
