// Every HTTP request the BigQuery SDK makes goes only to addresses the
// connection's network policy (`cfg.resolveHost`) allows, with its answer
// bounded in bytes (answer-cap.ts).
//
// Why: `api_endpoint` is checked when a connection is saved, but the SDK then
// resolved the name itself on every request (DNS can be rebound to an
// internal address afterwards), node-fetch followed redirects anywhere, and
// the OAuth token request was not checked at all
// (test/security/attack13-bigquery-outbound.test.ts).
//
// How: the SDK's HTTP layer, for the installed versions, is
// - @google-cloud/common -> retry-request -> teeny-request -> node-fetch for
//   the API (jobs.insert, getQueryResults, jobs.cancel, datasets.list);
//   teeny-request ignores any agent given per request and takes its agent
//   from the `pool` Map its build/src/agents module exports;
// - google-auth-library -> gaxios -> node-fetch for the service-account token
//   (https://oauth2.googleapis.com/token, fixed in the library; the connector
//   builds that client itself so nothing of the key but its email and private
//   key is used: `token_uri`, `universe_domain` and key types that fetch
//   URLs of their own never reach the auth library).
// Both reach the network only through the two agents here: installed into
// teeny-request's pool, and given to the token client's gaxios. The agents
// take the connection's resolver from the async context of the SDK call
// (`withBigQueryOutbound`, as connectors/snowflake/outbound.ts does) and
// - connect to the address the resolver checked (a name through `lookup`,
//   which Node uses for every new socket; an IP literal, which Node connects
//   to without a lookup, is checked first);
// - refuse a request made outside any connection call (fail closed);
// - turn redirects off: a 3xx loses its Location, so it is an answer, never
//   a new request the policy has not seen, and fails the SDK call;
// - ask for and read answers without content coding and count them as they
//   arrive (answer-cap.ts);
// - pool kept-alive sockets per resolver, so one connection never reuses a
//   socket another connection's policy allowed.
// A refusal is remembered for the rest of the SDK call, so the SDK's own
// retry fails at once instead of fetching the same answer again, and the
// connector gets the typed error rather than node-fetch's wrapping of it.
//
// Caveat: an HTTP(S)_PROXY in the service's environment makes teeny-request
// and gaxios use a proxy agent instead; the proxy then decides where
// connections go (the policy is not applied), as for every egress through it.
import { AsyncLocalStorage } from 'node:async_hooks'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import path from 'node:path'
import { createRequire } from 'node:module'
import { HostRefusedError, type HostResolver } from '../connector'
import { lookupVia } from '../shared/network'
import { capAnswer } from './answer-cap'

interface Outbound {
  resolve?: HostResolver
  lookup?: net.LookupFunction
  /** The first refusal in this SDK call; later requests of the call fail with it at once. */
  refused?: Error
}

const scope = new AsyncLocalStorage<Outbound>()

/** The network policy refused a host the SDK was asked to reach. */
export class BigQueryHostRefused extends Error {
  readonly code = 'ERR_BIGQUERY_HOST_REFUSED'
  constructor(message: string) {
    super(message)
    this.name = 'BigQueryHostRefused'
  }
}

/**
 * Runs `run` (an SDK call) so that the HTTP requests it leads to are checked
 * by `resolve` (none given = unchecked, like the other connectors, but still
 * capped and without redirects). A refusal by the policy or the answer cap
 * rejects with that typed error.
 */
export async function withBigQueryOutbound<T>(resolve: HostResolver | undefined, run: () => Promise<T>): Promise<T> {
  const outbound: Outbound = { resolve }
  if (resolve) outbound.lookup = refusingLookup(lookupVia(resolve), outbound)
  let result: T
  try {
    result = await scope.run(outbound, run)
  } catch (err) {
    throw outbound.refused ?? err
  }
  // A refused redirect is an answer to the SDK (it may even poll on): still a failure here.
  if (outbound.refused) throw outbound.refused
  return result
}

function refusal(outbound: Outbound, err: unknown): unknown {
  if (!(err instanceof HostRefusedError)) return err
  outbound.refused ??= new BigQueryHostRefused(err.message)
  return outbound.refused
}

/** A lookup whose policy refusals become BigQueryHostRefused, remembered for the call. */
function refusingLookup(lookup: net.LookupFunction, outbound: Outbound): net.LookupFunction {
  return ((hostname: string, options: unknown, callback: (...args: unknown[]) => void) =>
    (lookup as (h: string, o: unknown, cb: (...args: unknown[]) => void) => void)(hostname, options, (err, ...rest) =>
      callback(err ? refusal(outbound, err) : err, ...rest))) as net.LookupFunction
}

const kOutbound = Symbol('bigquery.outbound')
const outsideCall = () => new BigQueryHostRefused('a BigQuery request outside any connection call was refused')

/** Pool keys per resolver: a socket opened under one policy is reused only under the same one. */
const resolverIds = new WeakMap<HostResolver, number>()
let nextResolverId = 1
function poolTag(outbound: Outbound | undefined): string {
  if (!outbound || outbound.refused) return 'refused' // never pooled: every request reaches createConnection, which refuses it
  if (!outbound.resolve) return 'unchecked'
  let id = resolverIds.get(outbound.resolve)
  if (id === undefined) resolverIds.set(outbound.resolve, (id = nextResolverId++))
  return `r${id}`
}

type RequestOptions = Record<PropertyKey, unknown> & { host?: string; [kOutbound]?: Outbound }
type Callback = (err: Error | null, socket?: net.Socket) => void
type AgentInternals = {
  addRequest(req: http.ClientRequest, options: RequestOptions, ...rest: unknown[]): void
  getName(options: RequestOptions): string
  createConnection(options: RequestOptions, callback?: Callback): net.Socket | undefined
}

/** Adds the checks above to an http(s).Agent. */
function pin(agent: http.Agent): http.Agent {
  const base = Object.getPrototypeOf(agent) as AgentInternals
  const self = agent as unknown as AgentInternals
  self.addRequest = function addRequest(req, options, ...rest) {
    const outbound = scope.getStore()
    // Identity: the bytes counted are the bytes parsed (answer-cap.ts).
    if (!req.headersSent) req.setHeader('accept-encoding', 'identity')
    req.once('response', (res: http.IncomingMessage) => {
      const dropped = new Set(['content-encoding'])
      if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && res.headers.location !== undefined) {
        dropped.add('location')
        if (outbound) outbound.refused ??= new BigQueryHostRefused(`the endpoint answered with a redirect (HTTP ${res.statusCode}), which is not followed`)
      }
      // Renamed in place, not removed: Node counts raw headers separately, and node-fetch reads them raw.
      const headers = res.headers
      for (let i = 0; i < res.rawHeaders.length; i += 2) if (dropped.has(res.rawHeaders[i].toLowerCase())) res.rawHeaders[i] = `x-dropped-${res.rawHeaders[i]}`
      for (const h of dropped) delete headers[h]
      capAnswer(res, (err) => { if (outbound) outbound.refused ??= err })
    })
    base.addRequest.call(this, req, { ...options, [kOutbound]: outbound }, ...rest)
  }
  self.getName = function getName(options) {
    return `${base.getName.call(this, options)}:${poolTag(options[kOutbound])}`
  }
  self.createConnection = function createConnection(options, callback) {
    const outbound = options[kOutbound]
    const refused = outbound ? outbound.refused : outsideCall()
    if (refused) {
      callback?.(refused)
      return undefined
    }
    if (!outbound?.resolve) return base.createConnection.call(this, options)
    const connect = () => base.createConnection.call(this, { ...options, lookup: outbound.lookup })
    const host = String(options.host ?? '').replace(/^\[|\]$/g, '')
    if (!net.isIP(host)) return connect()
    outbound.resolve(host).then(
      () => {
        let socket: net.Socket | undefined
        try {
          socket = connect()
        } catch (err) {
          callback?.(err as Error)
          return
        }
        callback?.(null, socket)
      },
      (err) => callback?.(refusal(outbound, err) as Error),
    )
    return undefined
  }
  return agent
}

const httpAgent = pin(new http.Agent({ keepAlive: true }))
const httpsAgent = pin(new https.Agent({ keepAlive: true }))

/** The agent for a URL, in the form node-fetch and gaxios take. */
export function bigqueryAgent(url: URL): http.Agent {
  return url.protocol === 'http:' ? httpAgent : httpsAgent
}

let installed = false

/**
 * Makes teeny-request (the SDK's HTTP layer for the API) use the agents
 * above. Idempotent; throws if the SDK no longer takes its agents from there,
 * so an upgrade cannot silently drop the checks.
 */
export function installBigQueryOutbound(): void {
  if (installed) return
  // The teeny-request @google-cloud/common itself loads (it could be a nested copy).
  const fromCommon = createRequire(createRequire(import.meta.url).resolve('@google-cloud/common'))
  const teenyMain = fromCommon.resolve('teeny-request')
  const agents = createRequire(teenyMain)(path.join(path.dirname(teenyMain), 'agents.js')) as { pool?: unknown; getAgent?: unknown }
  if (!(agents.pool instanceof Map) || typeof agents.getAgent !== 'function') {
    throw new Error('teeny-request no longer takes its agents from build/src/agents `pool`; BigQuery requests would be unchecked')
  }
  // getAgent's keys: plain, and ':forever' (keep-alive, what @google-cloud/common asks for).
  for (const key of ['http', 'http:forever']) agents.pool.set(key, httpAgent)
  for (const key of ['https', 'https:forever']) agents.pool.set(key, httpsAgent)
  installed = true
}
