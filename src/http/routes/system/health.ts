import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { jsonResponse } from '../../openapi'

const HealthSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  failing: z.array(z.string()).optional(),
}).openapi('Health')

const route = createRoute({
  method: 'get', path: '/health', operationId: 'getHealth', tags: ['System'], summary: 'Liveness and store health (no auth)',
  responses: { 200: jsonResponse(HealthSchema, 'The service and its store are up'), 503: jsonResponse(HealthSchema, 'A component is failing') },
})

export function registerHealth(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    try {
      await c.get('services').store.ping()
      return c.json({ status: 'ok' as const }, 200)
    } catch {
      return c.json({ status: 'unavailable' as const, failing: ['store'] }, 503)
    }
  })
}
