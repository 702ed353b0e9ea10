// The caller's address for the audit log: the socket's peer, or the first
// X-Forwarded-For hop when NEXATRON_TRUST_PROXY says a proxy sets it.
import type { Context } from 'hono'
import { getConnInfo } from '@hono/node-server/conninfo'

export function clientIp(c: Context, trustProxy: boolean): string | null {
  if (trustProxy) {
    const fwd = c.req.header('x-forwarded-for')?.split(',')[0]?.trim()
    if (fwd) return fwd
  }
  try {
    return getConnInfo(c).remote.address ?? null
  } catch {
    return null // app.request() (tests) has no socket
  }
}
