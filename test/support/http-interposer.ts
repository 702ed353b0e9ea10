// A hostile HTTP endpoint for attack tests on the cloud connectors: a server a
// connection's endpoint setting points at, which forwards every request to a
// local stand-in and lets a subclass answer some requests itself (an
// oversized answer, a redirect, URLs of its choosing), chosen by the SQL the
// request is about. Subclasses say how their protocol carries that SQL.
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export abstract class HttpInterposer {
  private server?: http.Server

  constructor(private readonly upstreamUrl: () => string) {}

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

  /** The SQL a request is about, read from its URL and body; undefined for the rest of the protocol. */
  protected abstract sqlOf(req: http.IncomingMessage, url: URL, body: Buffer): string | undefined

  /** Answers a request itself and returns true, or returns false to forward it. */
  protected abstract intercept(url: URL, sql: string | undefined, res: http.ServerResponse): Promise<boolean>

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = Buffer.concat(chunks)
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (await this.intercept(url, this.sqlOf(req, url, body), res)) return
    await this.forward(req, body, res)
  }

  private forward(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): Promise<void> {
    const up = new URL(this.upstreamUrl())
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
      // Whichever comes first; the other listener goes too (one per wait would pile up on a long answer).
      await new Promise<void>((resolve) => {
        const done = () => { res.off('drain', done); res.off('close', done); resolve() }
        res.once('drain', done)
        res.once('close', done)
      })
    }
    sent += n
    progress(sent)
  }
  if (!res.destroyed) res.end(tail)
}
