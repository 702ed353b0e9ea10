// Every answer is what its Content-Type says: JSON, CSV and event streams carry
// text tenants wrote (questions, labels, values), and a browser allowed to
// sniff could render such text as HTML. The console and /docs also get the
// rest of their headers (routes/console/security-headers.ts).
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'

export const noSniff = (): MiddlewareHandler<AppEnv> =>
  async function noSniffMiddleware(c, next) {
    // set before the handler, so error answers and streams made later carry it too
    c.header('X-Content-Type-Options', 'nosniff')
    await next()
  }
