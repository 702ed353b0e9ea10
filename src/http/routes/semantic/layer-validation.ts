import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../app-env'
import { requireScope } from '../../middleware/auth'
import { errorResponses, jsonResponse, security } from '../../openapi'
import { assertMayValidate } from '../../../governance/validate-access'
import { ValidateBodySchema, ValidationReportSchema } from './schema'

const tags = ['Semantic layer']

const validateRoute = createRoute({
  method: 'post', path: '/api/v1/semantic/validate', operationId: 'validateSemanticLayer', tags, security,
  summary: 'Probe every model, metric and dimension in the live database',
  description: 'Per model: the relation exists, every expression runs (WHERE 1=0), time dimensions are date/time typed, primary/unique entity keys are unique ' +
    '(bounded COUNT vs COUNT DISTINCT), foreign keys find their primary (orphans are a warning). Every probe runs through the guarded executor. ' +
    '`valid` is true only when no problem has severity error. On a layer with access policies only admins may validate (403 otherwise): the probes read unrestricted rows.',
  middleware: [requireScope('semantic:read')] as const, request: { body: { required: false, content: { 'application/json': { schema: ValidateBodySchema } } } },
  responses: { 200: jsonResponse(ValidationReportSchema, 'The report (valid: false lists each problem)'), ...errorResponses(404, 413, 415, 422, 503) },
})

export function registerLayerValidationRoute(app: OpenAPIHono<AppEnv>) {
  app.openapi(validateRoute, async (c) => {
    let body: { connection_id?: string } = {}
    try { body = c.req.valid('json') ?? {} } catch { body = {} }
    const s = c.get('services')
    const principal = c.get('principal')!
    await assertMayValidate(s, principal, body.connection_id)
    return c.json(await s.semantic.validate(principal.tenantId, body.connection_id), 200)
  })
}
