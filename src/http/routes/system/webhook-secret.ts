import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, jsonResponse, security } from '../../openapi'
import { SecretSchema, SecretStatusSchema } from './schema'


const tags = ['Webhooks']
const getRoute = createRoute({
  method: 'get', path: '/api/v1/webhook-secret', operationId: 'getWebhookSecret', tags, security,
  summary: "The tenant's webhook signing secret (created on first read)",
  middleware: [requireScope('keys:manage')] as const,
  responses: { 200: jsonResponse(SecretSchema, 'The secret'), ...errorResponses() },
})
const statusRoute = createRoute({
  method: 'get', path: '/api/v1/webhook-secret/status', operationId: 'getWebhookSecretStatus', tags, security,
  summary: 'Whether a webhook signing secret is set, with a hint of it (never the secret; creates nothing)',
  middleware: [requireScope('keys:manage')] as const,
  responses: { 200: jsonResponse(SecretStatusSchema, 'Whether a secret is set'), ...errorResponses() },
})
const rotateRoute = createRoute({
  method: 'post', path: '/api/v1/webhook-secret', operationId: 'rotateWebhookSecret', tags, security,
  summary: 'Rotate the webhook signing secret (deliveries from now on use the new one)',
  middleware: [requireScope('keys:manage')] as const,
  responses: { 200: jsonResponse(SecretSchema, 'The new secret'), ...errorResponses() },
})

export function registerWebhookSecret(app: OpenAPIHono<AppEnv>) {
  const view = (secret: string) => ({ secret, algorithm: 'hmac-sha256' as const, header: 'X-Nexatron-Signature' as const })
  app.openapi(getRoute, async (c) => c.json(view(await c.get('services').webhookSecrets.get(c.get('principal')!.tenantId)), 200))
  app.openapi(statusRoute, async (c) => {
    const s = await c.get('services').webhookSecrets.status(c.get('principal')!.tenantId)
    return c.json({ ...s, algorithm: 'hmac-sha256' as const, header: 'X-Nexatron-Signature' as const }, 200)
  })
  app.openapi(rotateRoute, async (c) => c.json(view(await c.get('services').webhookSecrets.rotate(c.get('principal')!.tenantId)), 200))
}
