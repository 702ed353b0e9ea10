// Requests with a body must be JSON and at most `maxBytes` long. Checked before
// any route reads the body so oversize uploads are refused early.
import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { AppError } from '../errors'
import type { AppEnv } from '../app-env'

export const bodyGuard = (opts: { maxBytes: number }): MiddlewareHandler<AppEnv> => {
  const limit = bodyLimit({
    maxSize: opts.maxBytes,
    onError: () => { throw new AppError('payload_too_large', `request body exceeds ${opts.maxBytes} bytes`) },
  })
  return async function bodyGuardMiddleware(c, next) {
    const method = c.req.method
    if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH') return next()
    // A declared non-JSON type is refused; so is an undeclared type on a body
    // that certainly exists. Body-less POSTs (cancel, logout) pass untouched.
    const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase()
    const length = c.req.header('content-length')
    const surelyHasBody = (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined
    if ((type && type !== 'application/json' && !type.endsWith('+json')) || (!type && surelyHasBody)) {
      throw new AppError('unsupported_media_type', 'Content-Type must be application/json', [{ path: 'content-type', issue: type ? `unsupported: ${type}` : 'missing' }])
    }
    return limit(c, next)
  }
}
