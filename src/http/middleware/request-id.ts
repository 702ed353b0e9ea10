import type { MiddlewareHandler } from 'hono'
import { newId } from '../../ids'
import type { AppEnv } from '../app-env'

const SAFE_ID = /^[A-Za-z0-9._:-]{8,128}$/

/**
 * Tags every request with an id and echoes it back. An incoming X-Request-Id
 * is kept only behind a trusted proxy (NEXATRON_TRUST_PROXY), which sets it
 * itself: from a direct caller it would let one give its requests (and their
 * audit records) the id of someone else's.
 */
export const requestId = (opts: { trustIncoming: boolean }): MiddlewareHandler<AppEnv> =>
  async function requestIdMiddleware(c, next) {
    const incoming = opts.trustIncoming ? c.req.header('x-request-id') : undefined
    const id = incoming && SAFE_ID.test(incoming) ? incoming : newId('req')
    c.set('requestId', id)
    c.header('X-Request-Id', id)
    await next()
  }
