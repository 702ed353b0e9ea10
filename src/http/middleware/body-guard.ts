// Requests are checked before any route sees them:
// - bodies must be JSON, at most `maxBytes`, valid UTF-8, and parse;
// - a body must arrive within `timeoutMs` of the start of reading it: a client
//   that trickles bytes is answered 408 and the connection closed, so it
//   cannot hold a connection (and a request slot) for minutes;
// - no string anywhere (body, path, query) may hold U+0000 or a lone UTF-16
//   surrogate: the store cannot keep them and they only ever mean trouble.
// The parsed body is cached on the request, so routes do not parse it again.
import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { AppError, HttpError } from '../errors'
import type { AppEnv } from '../app-env'

// eslint-disable-next-line no-control-regex
const BAD_CHARS = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

function badString(s: string): boolean {
  return BAD_CHARS.test(s)
}

/** Path of the first string (key or value) with a forbidden character, or null. */
function findBadString(v: unknown, path: string, depth = 0): string | null {
  if (depth > 64) throw new AppError('validation_error', 'request body is nested too deeply', [{ path, issue: 'too_deep' }])
  if (typeof v === 'string') return badString(v) ? path : null
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = findBadString(v[i], path ? `${path}.${i}` : String(i), depth + 1)
      if (p !== null) return p
    }
    return null
  }
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const kp = path ? `${path}.${k}` : k
      if (badString(k)) return kp
      const p = findBadString(x, kp, depth + 1)
      if (p !== null) return p
    }
  }
  return null
}

const badCharError = (path: string) =>
  new AppError('validation_error', `${path || 'body'}: contains a NUL character or invalid Unicode`, [{ path, issue: 'invalid_characters' }])

/** Path segments and query values: decodable, and free of forbidden characters. */
export const urlGuard = (): MiddlewareHandler<AppEnv> =>
  async function urlGuardMiddleware(c, next) {
    const url = new URL(c.req.url)
    let path: string
    try {
      path = decodeURIComponent(url.pathname)
    } catch {
      throw new AppError('bad_request', 'the URL path has an invalid percent-encoding', [{ path: 'path', issue: 'invalid_encoding' }])
    }
    if (badString(path)) throw badCharError('path')
    for (const [k, v] of url.searchParams) {
      if (badString(k) || badString(v)) throw badCharError(k)
    }
    if (/%(?![0-9a-f]{2})/i.test(url.search)) {
      throw new AppError('bad_request', 'the query string has an invalid percent-encoding', [{ path: 'query', issue: 'invalid_encoding' }])
    }
    await next()
  }

/** The body, or a 408 (with Connection: close) when it is not all there within `timeoutMs`. */
async function readBody(read: Promise<ArrayBuffer>, timeoutMs: number): Promise<ArrayBuffer> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HttpError('request_timeout', `the request body did not arrive within ${timeoutMs} ms`,
      [{ path: 'body', issue: 'timeout' }], { Connection: 'close' })), timeoutMs)
  })
  try {
    return await Promise.race([read, deadline])
  } finally {
    clearTimeout(timer)
  }
}

export const bodyGuard = (opts: { maxBytes: number; timeoutMs?: number }): MiddlewareHandler<AppEnv> => {
  const { timeoutMs = 30_000 } = opts
  const tooLarge = () => new AppError('payload_too_large', `request body exceeds ${opts.maxBytes} bytes`)
  const limit = bodyLimit({
    maxSize: opts.maxBytes,
    onError: () => { throw tooLarge() },
  })
  return async function bodyGuardMiddleware(c, next) {
    const method = c.req.method
    if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH') return next()
    // A declared non-JSON type is refused; so is an undeclared type on a body
    // that certainly exists. Body-less POSTs (cancel, logout) pass untouched.
    const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase()
    const length = c.req.header('content-length')
    const surelyHasBody = (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined
    const isJson = type === 'application/json' || type.endsWith('+json')
    if ((type && !isJson) || (!type && surelyHasBody)) {
      throw new AppError('unsupported_media_type', 'Content-Type must be application/json', [{ path: 'content-type', issue: type ? `unsupported: ${type}` : 'missing' }])
    }
    // A declared length is the limit's whole check (Node's parser holds the body to
    // exactly that many bytes), and the body is then read straight off the socket:
    // hono's bodyLimit would first build a WHATWG Request and stream around it,
    // about half a millisecond of CPU on every POST. Chunked bodies keep the
    // counting reader.
    const declared = length !== undefined && c.req.header('transfer-encoding') === undefined
    if (declared && !(Number(length) <= opts.maxBytes)) throw tooLarge()
    return (declared ? (_: unknown, fn: () => Promise<void>) => fn() : limit)(c, async () => {
      if (isJson) {
        const bytes = new Uint8Array(await readBody(c.req.arrayBuffer(), timeoutMs))
        if (bytes.length > 0) {
          let text: string
          try {
            text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
          } catch {
            throw new AppError('invalid_json', 'request body is not valid UTF-8')
          }
          let value: unknown
          try {
            value = JSON.parse(text)
          } catch {
            throw new AppError('invalid_json', 'request body is not valid JSON')
          }
          const bad = findBadString(value, '')
          if (bad !== null) throw badCharError(bad)
          // Hand the parsed value to the route validators.
          c.req.bodyCache.json = Promise.resolve(value)
        }
      }
      await next()
    })
  }
}
