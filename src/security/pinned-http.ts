// Outbound HTTP under the network policy, for everything the server reaches
// on a URL someone configured (webhooks, an identity provider's discovery,
// token, JWKS and userinfo endpoints): the host is checked before the request,
// and the socket resolves the name again through the same policy and connects
// only to an address that check allowed (a name that rebinds after the first
// check cannot lead to a refused address). TLS verifies the URL's host name.
// Redirects are never followed, answers are bounded, and every request has a
// fresh socket (agent: false), so each one resolves and checks the host anew.
import http from 'node:http'
import https from 'node:https'
import { lookupVia } from '../../connectors/shared/network'
import { AppError } from '../errors'
import { hostResolver, resolveAndCheck, type HostPolicyOptions } from './host-policy'

/** Larger answers (a discovery document or JWKS is a few KB) are cut off as an error. */
export const MAX_RESPONSE_BYTES = 1024 * 1024

type FetchBody = ArrayBuffer | null | ReadableStream | string | Uint8Array | undefined | URLSearchParams

export interface PinnedFetchOptions {
  body?: FetchBody
  headers?: Record<string, string>
  method?: string
  signal?: AbortSignal
  /** Answer with the status and headers only, without reading the body (webhooks). */
  discardBody?: boolean
}

async function bodyBytes(body: FetchBody): Promise<Buffer | undefined> {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string') return Buffer.from(body, 'utf8')
  if (body instanceof URLSearchParams) return Buffer.from(body.toString(), 'utf8')
  if (body instanceof Uint8Array) return Buffer.from(body)
  if (body instanceof ArrayBuffer) return Buffer.from(new Uint8Array(body))
  return Buffer.from(await new Response(body).arrayBuffer())
}

function responseHeaders(raw: http.IncomingHttpHeaders): Headers {
  const out = new Headers()
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue
    for (const one of Array.isArray(v) ? v : [v]) out.append(k, one)
  }
  return out
}

/**
 * A fetch (the subset openid-client's customFetch calls) that only reaches
 * hosts `policy` allows. Refusals name `field` (the setting the URL came from).
 */
export function pinnedFetch(policy: HostPolicyOptions, field: string) {
  const lookup = lookupVia(hostResolver(policy))
  return async (url: string, o: PinnedFetchOptions = {}): Promise<Response> => {
    const target = new URL(url)
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      throw new AppError('invalid_config', `${field}: must be an http(s) URL`, [{ path: field, issue: 'invalid_url' }])
    }
    // Fail before any socket exists when the name (or an address it has now) is refused.
    await resolveAndCheck(target.hostname, policy, field)
    const payload = await bodyBytes(o.body)
    const headers: Record<string, string> = { ...o.headers }
    if (payload) headers['content-length'] = String(payload.length)
    const request = target.protocol === 'https:' ? https.request : http.request
    return new Promise<Response>((resolve, reject) => {
      const req = request(target, { method: o.method ?? 'GET', headers, agent: false, lookup, signal: o.signal }, (res) => {
        const status = res.statusCode ?? 502
        if (o.discardBody) {
          res.destroy()
          resolve(new Response(null, { status, statusText: res.statusMessage ?? '', headers: responseHeaders(res.headers) }))
          return
        }
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > MAX_RESPONSE_BYTES) {
            res.destroy()
            reject(new Error(`${field}: the answer from ${target.host} is larger than ${MAX_RESPONSE_BYTES} bytes`))
            return
          }
          chunks.push(chunk)
        })
        res.once('error', reject)
        res.once('end', () => {
          // A Response cannot carry a body with these statuses.
          const nullBody = status === 204 || status === 205 || status === 304
          resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers: responseHeaders(res.headers) }))
        })
      })
      req.once('error', reject)
      req.end(payload)
    })
  }
}

export interface PostOptions {
  headers: Record<string, string>
  body: string
  timeoutMs: number
  hostPolicy: HostPolicyOptions
  /** The field named in a refusal (default `webhook_url`). */
  field?: string
}

/**
 * POSTs `body` to `url` and answers the response status (the body is
 * discarded). Throws AppError('host_not_allowed') when the policy refuses the
 * host, a HostRefusedError when the name rebinds to a refused address before
 * the connect, and network errors as they come.
 */
export async function postWebhook(url: string, o: PostOptions): Promise<{ status: number }> {
  const res = await pinnedFetch(o.hostPolicy, o.field ?? 'webhook_url')(url, {
    method: 'POST', headers: o.headers, body: o.body, signal: AbortSignal.timeout(o.timeoutMs), discardBody: true,
  })
  return { status: res.status }
}
