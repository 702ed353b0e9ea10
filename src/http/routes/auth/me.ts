import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, jsonResponse, security } from '../../openapi'
import { whoAmI } from '../../../identity/who-am-i'
import { MeSchema } from './schema'

const tags = ['Authentication']

const me = createRoute({
  method: 'get', path: '/api/v1/auth/me', operationId: 'getMe', tags, security, summary: 'The user or API key behind the credential, its tenant and scopes',
  middleware: requireScope(null),
  responses: { 200: jsonResponse(MeSchema, 'Who you are'), ...errorResponses() },
})

export function registerMeRoute(app: OpenAPIHono<AppEnv>) {
  app.openapi(me, async (c) => c.json(await whoAmI(c.get('services'), c.get('principal')!), 200))
}
