// Maps every failure to the envelope. Unknown errors are logged with the
// request id and answered with a generic message: internals never leak.
import type { Context, ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { AppError, errorBody, errorHeaders, errorStatus } from '../errors'
import type { AppEnv } from '../app-env'
import { toAppError } from '../../error-mapping'

// character_not_in_repertoire, untranslatable_character, invalid_datetime_format, datetime_field_overflow
const STORE_INPUT_ERRORS = new Set(['22021', '22P05', '22007', '22008'])

function respond(c: Context<AppEnv>, err: AppError) {
  for (const [k, v] of Object.entries(errorHeaders(err))) c.header(k, v)
  return c.json(errorBody(err, c.get('requestId') ?? 'unknown'), errorStatus(err))
}

export const onError: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof HTTPException) {
    const status = err.status
    if (status === 413) return respond(c, new AppError('payload_too_large', 'request body is too large'))
    if (status === 400 && /json/i.test(err.message)) return respond(c, new AppError('invalid_json', 'request body is not valid JSON'))
    if (status === 401) return respond(c, new AppError('unauthorized', 'authentication required'))
    if (status >= 400 && status < 500) return respond(c, new AppError('bad_request', 'bad request'))
  }
  const appErr = toAppError(err)
  if (appErr) return respond(c, appErr)
  // Backstop: a value the metadata store refuses (bad characters, impossible
  // dates) is the request's fault, not ours.
  const pgCode = (err as { code?: unknown }).code
  if (typeof pgCode === 'string' && STORE_INPUT_ERRORS.has(pgCode)) {
    return respond(c, new AppError('bad_request', 'the request contains a value that cannot be stored (invalid characters or dates)'))
  }
  c.get('services')?.logger.error({ err, request_id: c.get('requestId') }, 'unhandled error')
  return respond(c, new AppError('internal_error', 'internal error'))
}

export const onNotFound: NotFoundHandler<AppEnv> = (c) =>
  respond(c, new AppError('not_found', `no route for ${c.req.method} ${new URL(c.req.url).pathname}`))
