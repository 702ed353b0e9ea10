// createApp(services): every route and middleware; no I/O at import time.
import { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from './http/app-env'
import type { Services } from './services'
import { requestId } from './http/middleware/request-id'
import { noSniff } from './http/middleware/no-sniff'
import { telemetry } from './http/middleware/telemetry'
import { onError, onNotFound } from './http/middleware/error-handler'
import { bodyGuard, urlGuard } from './http/middleware/body-guard'
import { authenticate } from './http/middleware/auth'
import { rateLimit } from './http/middleware/rate-limit'
import { validationError } from './http/validation'
import { registerApiKeyRoutes } from './http/routes/api-keys'
import { registerQueryRoutes } from './http/routes/query'
import { registerConnectionRoutes } from './http/routes/connections'
import { registerSemanticRoutes } from './http/routes/semantic'
import { registerAuthRoutes } from './http/routes/auth'
import { registerUserRoutes } from './http/routes/users'
import { registerGroupRoutes } from './http/routes/groups'
import { registerAuditRoutes } from './http/routes/audit'
import { registerBillingRoutes } from './http/routes/billing'
import { quota } from './http/middleware/quota'
import { registerAnalyticsRoutes } from './http/routes/analytics'
import { registerScimRoutes } from './http/routes/scim'
import { registerSystemRoutes } from './http/routes/system'
import { auditTrail } from './http/middleware/audit-trail'
import { scimErrors } from './http/middleware/scim-errors'
import { scimAuthenticate } from './http/middleware/scim-auth'
import { registerConsoleRoutes, isConsoleAsset } from './http/routes/console'

// /metrics has its own operator token and is scraped often: not a tenant's budget.
const UNMETERED = new Set(['/health', '/health/ready', '/openapi.json', '/docs', '/metrics'])

export function createApp(services: Services) {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, _c) => {
      if (!result.success) throw validationError(result.error, result.target)
    },
  })
  app.use('*', requestId({ trustIncoming: services.config.limits.trustProxy }))
  app.use('*', noSniff())
  app.use('*', async (c, next) => { c.set('services', services); await next() })
  // The request's trace span and HTTP metrics: around everything else, so auth and the rest are inside it.
  app.use('*', telemetry())
  app.onError(onError)
  app.notFound(onNotFound)
  // SCIM speaks its own error format: every error answer under /scim/ is rewritten.
  app.use('/scim/*', scimErrors())
  app.use('*', authenticate())
  // Under /scim/ only the tenant's SCIM token counts (before the rate limiter, which keys on it).
  app.use('/scim/*', scimAuthenticate())
  app.use('*', rateLimit({ exempt: (p) => UNMETERED.has(p) || p.startsWith('/docs/') || isConsoleAsset(p) }))
  app.use('*', urlGuard())
  app.use('*', bodyGuard({ maxBytes: services.config.maxBodyBytes, timeoutMs: services.config.bodyTimeoutMs }))
  app.use('*', auditTrail())
  // Plans: quotas on query routes, connections/seats at create (inside the audit trail's transaction).
  app.use('*', quota())

  registerSystemRoutes(app)
  registerApiKeyRoutes(app)
  registerQueryRoutes(app, { sseKeepAliveMs: services.config.query.sseKeepAliveMs })
  registerConnectionRoutes(app)
  registerSemanticRoutes(app)
  registerAuthRoutes(app)
  registerUserRoutes(app)
  registerGroupRoutes(app)
  registerAuditRoutes(app)
  registerAnalyticsRoutes(app)
  registerBillingRoutes(app)
  registerScimRoutes(app)

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http', scheme: 'bearer', description: 'An API key (nxa_...) or an access token from /api/v1/auth/login',
  })
  // Built once, at the first request (every route is registered by then): making it walks the
  // schemas of every route, tens of milliseconds of CPU, and this path needs no credential and
  // spends no rate limit, so building it per request let anyone stall the event loop for everyone.
  let openapiJson: string | undefined
  app.get('/openapi.json', (c) => {
    openapiJson ??= JSON.stringify(app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: { title: 'Nexatron API', version: '0.1.0', description: 'Natural-language-to-SQL over a semantic layer.' },
      servers: [{ url: '/' }],
    }))
    return c.body(openapiJson, 200, { 'content-type': 'application/json' })
  })
  // Last: /docs, then the console's fallback, which must not shadow any API route.
  registerConsoleRoutes(app)
  return app
}

export type App = ReturnType<typeof createApp>
