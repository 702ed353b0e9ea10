// Connecting through a HostResolver (the service's network policy): every new
// physical connection resolves the host through it and connects to exactly
// the addresses it returned, so a name cannot rebind between the check and the
// connect, and pools re-check whenever they open a connection. TLS still
// verifies (and sends SNI for) the configured name: only the TCP target is
// pinned.
import net from 'node:net'
import type { LookupAddress, LookupOptions } from 'node:dns'
import type { HostResolver } from '../connector'

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/**
 * A `dns.lookup`-compatible function over `resolve`, for the `lookup` option
 * of net.connect, tls.connect and http(s).Agent. Node calls it for every
 * socket it opens to a name (IP literals are connected directly).
 */
export function lookupVia(resolve: HostResolver): net.LookupFunction {
  return ((hostname: string, options: LookupOptions | number | LookupCallback, callback?: LookupCallback) => {
    const cb = (typeof options === 'function' ? options : callback) as LookupCallback
    const o: LookupOptions = typeof options === 'object' && options ? options : typeof options === 'number' ? { family: options } : {}
    const fam = o.family === 4 || o.family === 'IPv4' ? 4 : o.family === 6 || o.family === 'IPv6' ? 6 : 0
    resolve(hostname).then((found) => {
      const list = fam ? found.filter((a) => a.family === fam) : found
      if (!list.length) {
        const err: NodeJS.ErrnoException = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })
        cb(err, o.all ? [] : '', undefined)
        return
      }
      if (o.all) cb(null, list.map((a) => ({ address: a.address, family: a.family })))
      else cb(null, list[0].address, list[0].family)
    }, (err: NodeJS.ErrnoException) => cb(err, o.all ? [] : '', undefined))
  }) as net.LookupFunction
}

/**
 * A not-yet-connected socket whose `connect(port, host)` (the form node-postgres
 * uses) resolves `host` through `lookup`. `connect(path)` (Unix sockets) is unchanged.
 */
export function pinnedSocket(lookup: net.LookupFunction): net.Socket {
  const socket = new net.Socket()
  const connect = socket.connect.bind(socket) as (...args: unknown[]) => net.Socket
  Object.defineProperty(socket, 'connect', {
    configurable: true,
    writable: true,
    value: (...args: unknown[]) =>
      typeof args[0] === 'number'
        ? connect({ port: args[0], host: typeof args[1] === 'string' ? args[1] : 'localhost', lookup }, ...args.slice(2))
        : connect(...args),
  })
  return socket
}

/**
 * Opens a TCP connection to `host:port` through `resolve`, trying each
 * returned address in turn (for drivers that take a whole connect function,
 * such as tedious's `options.connector`).
 */
export async function connectResolved(o: { host: string; port: number; localAddress?: string }, resolve: HostResolver, signal?: AbortSignal): Promise<net.Socket> {
  signal?.throwIfAborted()
  const addresses = await resolve(o.host)
  if (!addresses.length) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${o.host}`), { code: 'ENOTFOUND' })
  const errors: unknown[] = []
  for (const a of addresses) {
    signal?.throwIfAborted()
    try {
      return await new Promise<net.Socket>((resolveSocket, reject) => {
        const socket = net.connect({ host: a.address, port: o.port, family: a.family, localAddress: o.localAddress })
        const cleanup = () => {
          socket.removeListener('error', onError)
          socket.removeListener('connect', onConnect)
          signal?.removeEventListener('abort', onAbort)
        }
        const onError = (err: Error) => { cleanup(); socket.destroy(); reject(err) }
        const onConnect = () => { cleanup(); resolveSocket(socket) }
        const onAbort = () => { cleanup(); socket.destroy(); reject(signal?.reason) }
        socket.once('error', onError)
        socket.once('connect', onConnect)
        signal?.addEventListener('abort', onAbort, { once: true })
      })
    } catch (err) {
      signal?.throwIfAborted()
      errors.push(err)
    }
  }
  throw new AggregateError(errors, `could not connect to ${o.host}:${o.port}`)
}
