// Outbound HTTP for webhooks under the network policy: the host is checked
// before the request, and the socket resolves the name again through the same
// policy and connects only to an address that check allowed (a name that
// rebinds after the first check cannot lead to a refused address). TLS
// verifies the URL's host name. Redirects are never followed.
import http from 'node:http'
import https from 'node:https'
import { lookupVia } from '../../connectors/shared/network'
import { AppError } from '../errors'
import { hostResolver, resolveAndCheck, type HostPolicyOptions } from './host-policy'

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
  const field = o.field ?? 'webhook_url'
  const target = new URL(url)
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new AppError('invalid_config', `${field}: must be an http(s) URL`, [{ path: field, issue: 'invalid_url' }])
  }
  await resolveAndCheck(target.hostname, o.hostPolicy, field)
  const lookup = lookupVia(hostResolver(o.hostPolicy))
  const request = target.protocol === 'https:' ? https.request : http.request
  return new Promise<{ status: number }>((resolve, reject) => {
    const req = request(target, {
      method: 'POST',
      headers: { ...o.headers, 'content-length': String(Buffer.byteLength(o.body)) },
      // A fresh socket for each delivery: it resolves and checks the host anew.
      agent: false,
      lookup,
      signal: AbortSignal.timeout(o.timeoutMs),
    }, (res) => {
      resolve({ status: res.statusCode ?? 0 })
      res.destroy()
    })
    req.once('error', reject)
    req.end(o.body)
  })
}
