import type { MiddlewareHandler } from 'hono'
import { newId } from '../../ids'
import type { AppEnv } from '../app-env'

const SAFE_ID = /^[A-Za-z0-9._:-]{8,128}$/

/** Tags every request with an id (a sane incoming X-Request-Id is kept) and echoes it back. */
export const requestId = (): MiddlewareHandler<AppEnv> =>
  async function requestIdMiddleware(c, next) {
    const incoming = c.req.header('x-request-id')
    const id = incoming && SAFE_ID.test(incoming) ? incoming : newId('req')
    c.set('requestId', id)
    c.header('X-Request-Id', id)
    await next()
  }
