// A hostile BigQuery endpoint for attack tests: an HTTP server a connection's
// `api_endpoint` points at, which forwards every request to the local
// stand-in (bigquery-server.ts) and lets a subclass answer some requests
// itself (an oversized result page, a redirect), chosen by the SQL text of
// the job a request is about.
import type http from 'node:http'
import type { BigQueryTestServer } from './bigquery-server'
import { HttpInterposer } from './http-interposer'

export abstract class BigQueryInterposer extends HttpInterposer {
  constructor(protected readonly upstream: BigQueryTestServer) { super(() => upstream.url) }

  /** The SQL of the job a request inserts (POST .../jobs) or reads (GET .../queries/{jobId}). */
  protected sqlOf(req: http.IncomingMessage, url: URL, body: Buffer): string | undefined {
    const results = /\/queries\/([^/]+)$/.exec(url.pathname)
    if (req.method === 'GET' && results) return this.upstream.jobs.find((j) => j.jobId === decodeURIComponent(results[1]))?.sql
    if (req.method === 'POST' && url.pathname.endsWith('/jobs') && body.length) {
      try {
        return String((JSON.parse(body.toString('utf8')) as { configuration?: { query?: { query?: string } } }).configuration?.query?.query ?? '')
      } catch {
        return undefined
      }
    }
    return undefined
  }
}
