import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { registerMetricRoutes } from './metrics'
import { registerDimensionRoutes } from './dimensions'
import { registerModelRoutes } from './models'
import { registerLayerImportRoute } from './layer-import'
import { registerSemanticQueryRoute } from './semantic-query'
import { registerLayerValidationRoute } from './layer-validation'
import { registerSavedQueryRoutes } from './saved-queries'
import { registerAccessPolicyRoutes } from './access-policies'

export function registerSemanticRoutes(app: OpenAPIHono<AppEnv>) {
  registerMetricRoutes(app)
  registerDimensionRoutes(app)
  registerModelRoutes(app)
  registerLayerImportRoute(app)
  registerSemanticQueryRoute(app)
  registerLayerValidationRoute(app)
  registerSavedQueryRoutes(app)
  registerAccessPolicyRoutes(app)
}
