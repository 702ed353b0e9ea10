import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { registerListApiKeys } from './list-api-keys'
import { registerCreateApiKey } from './create-api-key'
import { registerRevokeApiKey } from './revoke-api-key'
import { registerUpdateApiKey } from './update-api-key'

export function registerApiKeyRoutes(app: OpenAPIHono<AppEnv>) {
  registerListApiKeys(app)
  registerCreateApiKey(app)
  registerRevokeApiKey(app)
  registerUpdateApiKey(app)
}
