// The caller's address (audit log, anonymous rate limits): the socket's peer,
// or, when NEXATRON_TRUST_PROXY says a proxy sets it, the last X-Forwarded-For
// hop. A proxy appends the address it saw to whatever X-Forwarded-For the
// client sent (nginx's $proxy_add_x_forwarded_for), so every hop before the
// last is the client's own words: reading the first let a client pick its
// address (a fresh login budget per attempt, any IP in the audit log).
import type { Context } from 'hono'
import { getConnInfo } from '@hono/node-server/conninfo'

/** The hop the trusted proxy appended, or undefined when there is none. */
function proxiedAddress(c: Context): string | undefined {
  const hops = c.req.header('x-forwarded-for')?.split(',').map((h) => h.trim()).filter(Boolean)
  return hops?.at(-1)
}

export function clientIp(c: Context, trustProxy: boolean): string | null {
  if (trustProxy) {
    const fwd = proxiedAddress(c)
    if (fwd) return fwd
  }
  try {
    return getConnInfo(c).remote.address ?? null
  } catch {
    return null // app.request() (tests) has no socket
  }
}
