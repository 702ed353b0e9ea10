import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { jsonResponse } from '../../openapi'
import { HealthSchema, ReadinessSchema } from './schema'

const route = createRoute({
  method: 'get', path: '/health', operationId: 'getHealth', tags: ['System'], summary: 'Liveness and store health (no auth)',
  responses: { 200: jsonResponse(HealthSchema, 'The service and its store are up'), 503: jsonResponse(HealthSchema, 'A component is failing') },
})

const readyRoute = createRoute({
  method: 'get', path: '/health/ready', operationId: 'getReadiness', tags: ['System'],
  summary: 'Readiness: may this instance receive new requests (no auth)',
  description: 'For load balancers and orchestrators. 503 while the instance drains after SIGTERM (in-flight requests still finish), '
    + 'when the store or a configured Redis does not answer, or until the migrations of this version are applied. '
    + 'Liveness is `/health`: a draining instance stays live.',
  responses: { 200: jsonResponse(ReadinessSchema, 'Ready for traffic'), 503: jsonResponse(ReadinessSchema, 'Not ready; `failing` says why') },
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

  app.openapi(readyRoute, async (c) => {
    const s = c.get('services')
    c.header('Cache-Control', 'no-store')
    if (!s.readiness) {
      // Services assembled by hand (tests): the store is all there is to check.
      const ok = await s.store.ping().then(() => true, () => false)
      return c.json({ status: ok ? 'ok' as const : 'unavailable' as const, failing: ok ? [] : ['store' as const] }, ok ? 200 : 503)
    }
    const report = await s.readiness.check()
    const failing = report.failing as Array<'draining' | 'store' | 'redis' | 'migrations'>
    return report.status === 'ok' ? c.json({ status: 'ok' as const, failing }, 200) : c.json({ status: 'unavailable' as const, failing }, 503)
  })
}
