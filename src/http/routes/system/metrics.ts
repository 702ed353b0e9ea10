// GET /metrics: operator metrics (Prometheus text), behind its own bearer
// token (NEXATRON_METRICS_TOKEN), which is not a tenant credential: without
// the setting the route answers 404 like any unknown path. The series are
// listed in src/ops/prom-metrics.ts and the README. Not in the OpenAPI
// document, which describes the tenant API.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { AppError, HttpError } from '../../errors'

const digest = (s: string) => createHash('sha256').update(s).digest()

export function registerMetrics(app: OpenAPIHono<AppEnv>) {
  app.get('/metrics', async (c) => {
    const { config, metrics } = c.get('services')
    if (!config.metricsToken || !metrics?.enabled) throw new AppError('not_found', 'no route for GET /metrics')
    const m = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')
    // Compared as digests: constant time whatever the presented length.
    if (!m || !timingSafeEqual(digest(m[1]), digest(config.metricsToken))) {
      throw new HttpError('unauthorized', 'the metrics endpoint needs "Authorization: Bearer <NEXATRON_METRICS_TOKEN>"', [], { 'WWW-Authenticate': 'Bearer realm="metrics"' })
    }
    const text = await metrics.render()
    c.header('Content-Type', metrics.contentType)
    return c.body(text)
  })
}
