// A hostile Snowflake endpoint for attack tests: an HTTP server a connection's
// `access_url` points at, which forwards login and session traffic to the
// local stand-in (snowflake-server.ts) and lets a subclass answer some
// requests itself (a query response naming chunk URLs of its choosing, an
// oversized answer, a redirect).
import type http from 'node:http'
import { gunzipSync } from 'node:zlib'
import type { SnowflakeTestServer } from './snowflake-server'
import { HttpInterposer } from './http-interposer'

export abstract class SnowflakeInterposer extends HttpInterposer {
  constructor(upstream: SnowflakeTestServer) { super(() => upstream.url) }

  /** The statement of a query request (`/queries/v1/query-request`). */
  protected sqlOf(req: http.IncomingMessage, url: URL, body: Buffer): string | undefined {
    if (url.pathname !== '/queries/v1/query-request') return undefined
    return String((JSON.parse(req.headers['content-encoding'] === 'gzip' ? gunzipSync(body).toString('utf8') : body.toString('utf8')) as { sqlText?: string }).sqlText ?? '')
  }
}
