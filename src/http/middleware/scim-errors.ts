// Every error answer under /scim/ in SCIM's shape (RFC 7644 §3.12), including
// those of the shared middleware (401, 413, 415, 429, bad JSON, unknown
// paths). Handlers throw ScimError (src/scim/scim-error.ts) or AppError.
import type { ErrorHandler, MiddlewareHandler } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppEnv } from '../app-env'
import { toAppError } from '../../error-mapping'
import { errorHeaders, errorStatus } from '../errors'
import { SCIM_CONTENT_TYPE, ScimError, scimErrorBody, type ScimErrorBody, type ScimType } from '../../scim/scim-error'

// Nexatron error codes that have a SCIM counterpart.
const SCIM_TYPES: Record<string, ScimType> = { validation_error: 'invalidValue', invalid_json: 'invalidSyntax', bad_request: 'invalidSyntax' }

/** Error handler of the SCIM routes: ScimError and AppError keep their status and message; anything else is a generic 500. */
export const scimOnError: ErrorHandler<AppEnv> = (err, c) => {
  let body: ScimErrorBody
  let headers: Record<string, string> = {}
  if (err instanceof ScimError) {
    body = scimErrorBody(err.status, err.message, err.scimType)
    headers = err.headers
  } else {
    const app = toAppError(err)
    if (app) {
      body = scimErrorBody(errorStatus(app), app.message, app.details.some((d) => d.issue === 'duplicate') ? 'uniqueness' : SCIM_TYPES[app.code])
      headers = errorHeaders(app)
    } else {
      c.get('services')?.logger.error({ err, request_id: c.get('requestId') }, 'unhandled error in SCIM')
      body = scimErrorBody(500, 'internal error')
    }
  }
  return c.body(JSON.stringify(body), Number(body.status) as ContentfulStatusCode, { ...headers, 'content-type': SCIM_CONTENT_TYPE })
}

export const scimErrors = (): MiddlewareHandler<AppEnv> =>
  async function scimErrorsMiddleware(c, next) {
    await next()
    const status = c.res.status
    if (status < 400 || (c.res.headers.get('content-type') ?? '').startsWith('application/scim+json')) return
    let body: ScimErrorBody
    {
      // The shared error handler already answered with the envelope (its
      // message is safe to show; 500s carry a generic one): translate it.
      let code = ''
      let detail = 'request failed'
      try {
        const e = ((await c.res.clone().json()) as { error?: { code?: string; message?: string } }).error
        code = e?.code ?? ''
        detail = e?.message ?? detail
      } catch { /* not the envelope: keep the generic detail */ }
      body = scimErrorBody(status, detail, SCIM_TYPES[code])
    }
    // Keeps the shared headers (request id, rate limit, Retry-After, WWW-Authenticate).
    c.res = new Response(JSON.stringify(body), { status, headers: { 'content-type': SCIM_CONTENT_TYPE } })
  }
