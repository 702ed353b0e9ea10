// A hostile BigQuery endpoint for attack tests: an HTTP server a connection's
// `api_endpoint` points at, which forwards every request to the local
// stand-in (bigquery-server.ts) and lets a subclass answer some requests
// itself (an oversized result page, a redirect), chosen by the SQL text of
// the job a request is about.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { BigQueryTestServer } from './bigquery-server'

export abstract class BigQueryInterposer {
  private server?: http.Server

  constructor(protected readonly upstream: BigQueryTestServer) {}

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
   * `sql`: the SQL of the job the request inserts (POST .../jobs) or reads
   * (GET .../queries/{jobId}), else undefined.
   */
  protected abstract intercept(url: URL, sql: string | undefined, res: http.ServerResponse): Promise<boolean>

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = Buffer.concat(chunks)
    const url = new URL(req.url ?? '/', 'http://localhost')
    let sql: string | undefined
    const results = /\/queries\/([^/]+)$/.exec(url.pathname)
    if (req.method === 'GET' && results) sql = this.upstream.jobs.find((j) => j.jobId === decodeURIComponent(results[1]))?.sql
    if (req.method === 'POST' && url.pathname.endsWith('/jobs') && body.length) {
      try {
        sql = String((JSON.parse(body.toString('utf8')) as { configuration?: { query?: { query?: string } } }).configuration?.query?.query ?? '')
      } catch {
        sql = undefined
      }
    }
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

/** Streams `head`, then `bytes` of filler, then `tail`, respecting backpressure; `progress` gets the filler written so far. */
export async function streamBody(res: http.ServerResponse, head: string, bytes: number, tail: string, progress: (sent: number) => void = () => {}): Promise<void> {
  const piece = Buffer.alloc(2 ** 20, 'x')
  let sent = 0
  res.write(head)
  while (sent < bytes && !res.destroyed) {
    const n = Math.min(piece.length, bytes - sent)
    if (!res.write(n === piece.length ? piece : piece.subarray(0, n))) {
      await new Promise<void>((resolve) => { res.once('drain', resolve); res.once('close', resolve) })
    }
    sent += n
    progress(sent)
  }
  if (!res.destroyed) res.end(tail)
}
