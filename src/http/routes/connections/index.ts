import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { registerConnectionCrud } from './connections'
import { registerConnectionProbes } from './connection-probes'

export function registerConnectionRoutes(app: OpenAPIHono<AppEnv>) {
  registerConnectionCrud(app)
  registerConnectionProbes(app)
}
