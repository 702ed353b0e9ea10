import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { registerRunQuery } from './run-query'
import { registerStreamQuery } from './stream-query'
import { registerHistoryRoutes } from './history-routes'

export function registerQueryRoutes(app: OpenAPIHono<AppEnv>, opts: { sseKeepAliveMs: number }) {
  // /query/stream and /query/history before /query/{id}.
  registerStreamQuery(app, opts.sseKeepAliveMs)
  registerRunQuery(app)
  registerHistoryRoutes(app)
}
