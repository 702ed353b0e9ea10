// Closes a connection whose client stopped reading its answer.
//
// Answers stream with backpressure: when the client does not read, the
// socket's buffers fill and the server stops pulling rows, which keeps memory
// flat. But the request then waits forever: its concurrency slot (one of
// NEXATRON_MAX_CONCURRENT_QUERIES_PER_KEY / _PER_TENANT), its open stream and
// the answer it holds stay taken for as long as the client keeps the TCP
// connection open without reading (a zero receive window is kept alive by the
// kernel indefinitely). A few such connections would hold a tenant's slots for
// good. So: while a response has bytes waiting that the kernel will not take,
// and none has been taken for `stallMs`, the connection is destroyed, which
// aborts the request (the query is cancelled, the slot released).
//
// Only a stalled write counts: a long query that has nothing to send yet, or
// an SSE stream idling between keep-alives, has no bytes waiting and is never
// cut.
import type { Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

interface Watched { socket: Socket; flushed: number; since: number }

/** Bytes the kernel has accepted from this socket (bytesWritten also counts what is still queued in Node). */
const flushedBytes = (s: Socket) => s.bytesWritten - s.writableLength

export function closeStalledWrites(server: Server, stallMs: number, now: () => number = Date.now): () => void {
  const watched = new Map<ServerResponse, Watched>()
  server.on('request', (_req, res: ServerResponse) => {
    const socket = res.socket
    if (!socket) return
    watched.set(res, { socket, flushed: flushedBytes(socket), since: now() })
    res.once('close', () => watched.delete(res))
  })
  const check = () => {
    const t = now()
    for (const [res, w] of watched) {
      const flushed = flushedBytes(w.socket)
      if (w.socket.destroyed) { watched.delete(res); continue }
      if (w.socket.writableLength === 0 || flushed !== w.flushed) { w.flushed = flushed; w.since = t; continue }
      if (t - w.since >= stallMs) {
        watched.delete(res)
        w.socket.destroy()
      }
    }
  }
  const timer = setInterval(check, Math.max(25, Math.min(1_000, Math.floor(stallMs / 4))))
  timer.unref()
  server.once('close', () => clearInterval(timer))
  return () => clearInterval(timer)
}
