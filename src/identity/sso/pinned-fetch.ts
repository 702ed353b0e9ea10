// The fetch openid-client uses to reach an identity provider (discovery,
// token, JWKS, userinfo), under the network policy webhooks obey
// (src/security/pinned-http.ts): the host is checked before each request and
// the socket connects only to an address the policy allowed, resolved again
// at connect time, so an issuer whose name rebinds cannot lead anywhere the
// policy refuses. Redirects are never followed (openid-client asks for
// `redirect: 'manual'` anyway), answers are bounded, and every request has a
// fresh socket.
import http from 'node:http'
import https from 'node:https'
import { lookupVia } from '../../../connectors/shared/network'
import { hostResolver, resolveAndCheck, type HostPolicyOptions } from '../../security/host-policy'

/** Larger answers (a discovery document or JWKS is a few KB) are cut off as an error. */
export const MAX_RESPONSE_BYTES = 1024 * 1024

type FetchBody = ArrayBuffer | null | ReadableStream | string | Uint8Array | undefined | URLSearchParams

export interface PinnedFetchOptions {
  body?: FetchBody
  headers?: Record<string, string>
  method?: string
  signal?: AbortSignal
}

async function bodyBytes(body: FetchBody): Promise<Buffer | undefined> {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string') return Buffer.from(body, 'utf8')
  if (body instanceof URLSearchParams) return Buffer.from(body.toString(), 'utf8')
  if (body instanceof Uint8Array) return Buffer.from(body)
  if (body instanceof ArrayBuffer) return Buffer.from(new Uint8Array(body))
  return Buffer.from(await new Response(body).arrayBuffer())
}

/** A fetch (the subset openid-client's customFetch calls) that only reaches hosts `policy` allows. */
export function pinnedFetch(policy: HostPolicyOptions, field = 'issuer') {
  const lookup = lookupVia(hostResolver(policy))
  return async (url: string, o: PinnedFetchOptions = {}): Promise<Response> => {
    const target = new URL(url)
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new TypeError(`${field}: only http(s) URLs can be fetched`)
    // Fail before any socket exists when the name (or an address it has now) is refused.
    await resolveAndCheck(target.hostname, policy, field)
    const payload = await bodyBytes(o.body)
    const headers: Record<string, string> = { ...o.headers }
    if (payload) headers['content-length'] = String(payload.length)
    const request = target.protocol === 'https:' ? https.request : http.request
    return new Promise<Response>((resolve, reject) => {
      const req = request(target, { method: o.method ?? 'GET', headers, agent: false, lookup, signal: o.signal }, (res) => {
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
          const status = res.statusCode ?? 502
          const out = new Headers()
          for (const [k, v] of Object.entries(res.headers)) {
            if (v === undefined) continue
            for (const one of Array.isArray(v) ? v : [v]) out.append(k, one)
          }
          // A Response cannot carry a body with these statuses.
          const nullBody = status === 204 || status === 205 || status === 304
          resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers: out }))
        })
      })
      req.once('error', reject)
      req.end(payload)
    })
  }
}
