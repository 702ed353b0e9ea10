// SCIM answers errors in its own shape (RFC 7644 §3.12), not in Nexatron's
// envelope. Handlers throw ScimError (or AppError); `scimErrors()` rewrites
// every error answer under /scim/ (including those of the shared middleware:
// 401, 413, 415, 429, bad JSON, unknown paths) into that shape.
import type { ErrorHandler, MiddlewareHandler } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppEnv } from '../http/app-env'
import { toAppError } from '../http/error-mapping'

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error'
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8'

/** RFC 7644 Table 9. */
export type ScimType =
  | 'invalidFilter' | 'tooMany' | 'uniqueness' | 'mutability' | 'invalidSyntax' | 'invalidPath' | 'noTarget' | 'invalidValue' | 'invalidVers' | 'sensitive'

export class ScimError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 412 | 413 | 500 | 501,
    message: string,
    readonly scimType?: ScimType,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
    this.name = 'ScimError'
  }
}

export interface ScimErrorBody { schemas: [typeof SCIM_ERROR_SCHEMA]; status: string; detail: string; scimType?: ScimType }

export function scimErrorBody(status: number, detail: string, scimType?: ScimType): ScimErrorBody {
  return { schemas: [SCIM_ERROR_SCHEMA], status: String(status), detail, ...(scimType ? { scimType } : {}) }
}

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
      body = scimErrorBody(app.status, app.message, app.details.some((d) => d.issue === 'duplicate') ? 'uniqueness' : SCIM_TYPES[app.code])
      headers = app.headers
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
