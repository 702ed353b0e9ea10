// Every HTTP request snowflake-sdk makes goes only to addresses the
// connection's network policy (`cfg.resolveHost`) allows.
//
// Why: `access_url` is checked when a connection is saved, but the endpoint
// then chooses further URLs itself: each query response names the result-chunk
// URLs the SDK GETs, and axios followed redirects. A tenant's own endpoint
// could send the service to loopback, metadata or private addresses
// (test/security/attack12-snowflake-outbound.test.ts). Here every request
// resolves and checks its host through the resolver and connects to the
// checked address (axios's `lookup`, which Node uses for every new socket),
// an IP literal (which Node connects to without a lookup) is checked before
// the request, and redirects are off.
//
// Which resolver: the SDK has one axios instance for all connections, so the
// connector runs its SDK calls inside `withSnowflakeOutbound(resolveHost, ...)`
// and the request interceptor reads the resolver from that async context
// (the SDK's own follow-up requests, such as chunk prefetches and result
// polls, continue from those calls and keep it). A request made outside any
// such call is refused: fail closed rather than unchecked.
//
// SDK internals used (snowflake-sdk 3.x, same as answer-cap.ts): the instance
// dist/lib/http/axios_instance exports, and its retry middleware, which does
// not retry ERR_CANCELED (a refusal should fail now, not after 7 retries).
// Caveat: the SDK's keep-alive agent pools sockets by host:port, not by
// resolver, so a socket one connection opened (to an address its policy
// allowed) can be reused by another connection to the same host:port; the
// service gives every connector the same policy, so both would allow it.
import { AsyncLocalStorage } from 'node:async_hooks'
import net from 'node:net'
import { HostRefusedError, type HostResolver } from '../connector'
import { lookupVia } from '../shared/network'

interface Outbound { resolve?: HostResolver; lookup?: net.LookupFunction }

const scope = new AsyncLocalStorage<Outbound>()

/** The network policy refused a host the SDK was asked to reach; the SDK keeps it as (a cause of) its error. */
export class SnowflakeHostRefused extends Error {
  /** ERR_CANCELED is the one client-side code the SDK does not retry. */
  readonly code = 'ERR_CANCELED'
  constructor(message: string) {
    super(message)
    this.name = 'SnowflakeHostRefused'
  }
}

/** Runs `run` (an SDK call) so that the HTTP requests it leads to are checked by `resolve`; none given = unchecked, like the other connectors. */
export function withSnowflakeOutbound<T>(resolve: HostResolver | undefined, run: () => T): T {
  return scope.run(resolve ? { resolve, lookup: refusingLookup(lookupVia(resolve)) } : {}, run)
}

/** A lookup whose policy refusals become SnowflakeHostRefused (not retried). */
function refusingLookup(lookup: net.LookupFunction): net.LookupFunction {
  return ((hostname: string, options: unknown, callback: (...args: unknown[]) => void) =>
    (lookup as (h: string, o: unknown, cb: (...args: unknown[]) => void) => void)(hostname, options, (err, ...rest) =>
      callback(err instanceof HostRefusedError ? new SnowflakeHostRefused(err.message) : err, ...rest))) as net.LookupFunction
}

interface RequestConfigLike { url?: string; baseURL?: string; maxRedirects?: number; lookup?: unknown }

/** The request interceptor: refuses what the policy refuses, pins the rest, turns redirects off. */
export async function checkSnowflakeRequest<C extends object>(request: C): Promise<C> {
  const config = request as RequestConfigLike
  const outbound = scope.getStore()
  if (!outbound) throw new SnowflakeHostRefused('a Snowflake request outside any connection call was refused')
  // A 3xx is an answer, not a new request the policy has not seen.
  config.maxRedirects = 0
  if (!outbound.resolve) return request
  const host = new URL(config.url ?? '', config.baseURL).hostname.replace(/^\[|\]$/g, '')
  if (net.isIP(host)) {
    try {
      await outbound.resolve(host)
    } catch (err) {
      throw err instanceof HostRefusedError ? new SnowflakeHostRefused(err.message) : err
    }
  }
  config.lookup = outbound.lookup
  return request
}
