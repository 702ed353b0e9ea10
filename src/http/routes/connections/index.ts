import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { registerConnectionCrud } from './crud'
import { registerConnectionTestAndSchema } from './test-and-schema'

export function registerConnectionRoutes(app: OpenAPIHono<AppEnv>) {
  registerConnectionCrud(app)
  registerConnectionTestAndSchema(app)
}
