// A hostile Snowflake endpoint for attack tests: an HTTP server a connection's
// `access_url` points at, which forwards login and session traffic to the
// local stand-in (snowflake-server.ts) and lets a subclass answer some
// requests itself (a query response naming chunk URLs of its choosing, an
// oversized answer, a redirect).
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'
import type { SnowflakeTestServer } from './snowflake-server'

export abstract class SnowflakeInterposer {
  private server?: http.Server

  constructor(private readonly upstream: SnowflakeTestServer) {}

  get url(): string { return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}` }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.route(req, res).catch(() => res.destroy()))
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    return this
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve())
  }

  /**
   * Answers a request itself and returns true, or returns false to forward it.
   * `sql`: the statement of a query request (`/queries/v1/query-request`), else undefined.
   */
  protected abstract intercept(url: URL, sql: string | undefined, res: http.ServerResponse): Promise<boolean>

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = Buffer.concat(chunks)
    const url = new URL(req.url ?? '/', 'http://localhost')
    const sql = url.pathname === '/queries/v1/query-request'
      ? String((JSON.parse(req.headers['content-encoding'] === 'gzip' ? gunzipSync(body).toString('utf8') : body.toString('utf8')) as { sqlText?: string }).sqlText ?? '')
      : undefined
    if (await this.intercept(url, sql, res)) return
    await this.forward(req, body, res)
  }

  private forward(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): Promise<void> {
    const up = new URL(this.upstream.url)
    return new Promise<void>((resolve) => {
      const out = http.request({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers)
        r.pipe(res)
        r.on('end', resolve)
      })
      out.on('error', () => { res.destroy(); resolve() })
      out.end(body)
    })
  }
}
