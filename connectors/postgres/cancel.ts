// Stops a running statement on a Postgres-protocol server from outside the
// session that runs it.
import net from 'node:net'
import type pg from 'pg'
import { StrictClient } from './strict-client'

export interface BackendKey { processID: number; secretKey: number }

/**
 * `pg_cancel_backend(pid)` over a fresh, unpooled connection (the pool may be
 * exhausted by the very query we are stopping). When that login fails (the
 * server is at max_connections, say) fall back to the protocol's own
 * CancelRequest, which needs no login.
 */
export async function cancelBackend(config: pg.ClientConfig, key: BackendKey, timeoutMs: number, lookup?: net.LookupFunction): Promise<void> {
  const client = new StrictClient({ ...config, connectionTimeoutMillis: timeoutMs, application_name: 'nexatron-cancel' })
  client.on('error', () => {})
  try {
    await client.connect()
    await client.query('SELECT pg_cancel_backend($1)', [key.processID])
  } catch {
    await cancelRequest(config, key, timeoutMs, lookup)
  } finally {
    await client.end().catch(() => {})
  }
}

/** The wire protocol's CancelRequest: 16 bytes, no authentication, no reply. `lookup` resolves (and checks) the host. */
export function cancelRequest(config: pg.ClientConfig, key: BackendKey, timeoutMs: number, lookup?: net.LookupFunction): Promise<void> {
  return new Promise((resolve) => {
    const host = config.host ?? 'localhost'
    const port = config.port ?? 5432
    const socket = host.startsWith('/') ? net.connect(`${host}/.s.PGSQL.${port}`) : net.connect({ host, port, ...(lookup && { lookup }) })
    const done = () => { socket.destroy(); resolve() }
    socket.setTimeout(timeoutMs, done)
    socket.once('error', done)
    socket.once('connect', () => {
      const buf = Buffer.alloc(16)
      buf.writeInt32BE(16, 0)
      buf.writeInt32BE(80877102, 4)
      buf.writeInt32BE(key.processID, 8)
      buf.writeInt32BE(key.secretKey, 12)
      socket.end(buf, done)
    })
  })
}
