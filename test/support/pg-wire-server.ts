// A PostgreSQL wire-protocol server just large enough for the connector to
// open a session and start a cursor (no TLS, trust auth): simple queries
// (BEGIN READ ONLY; SET LOCAL ...) complete, and the first Execute of each
// bound portal gets a one-text-column RowDescription followed by what
// the test asks for: rows, one DataRow announcing a huge value (and then
// sending it, as a server would), or a connection reset. It is not a SQL
// engine; it stands in for a warehouse that misbehaves on purpose.
import net from 'node:net'
import type { AddressInfo } from 'node:net'

export type OnExecute =
  | { rows: string[] }
  | { hugeValueBytes: number }
  | { reset: true }

function msg(code: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5)
  head.write(code, 0, 'latin1')
  head.writeUInt32BE(body.length + 4, 1)
  return Buffer.concat([head, body])
}
const int16 = (n: number) => { const b = Buffer.alloc(2); b.writeInt16BE(n); return b }
const int32 = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b }
const cstr = (s: string) => Buffer.from(`${s}\0`)

const rowDescription = () => msg('T', Buffer.concat([int16(1), cstr('v'), int32(0), int16(0), int32(25), int16(-1), int32(-1), int16(0)]))
const dataRow = (v: string) => { const b = Buffer.from(v); return msg('D', Buffer.concat([int16(1), int32(b.length), b])) }
const ready = () => msg('Z', Buffer.from('I'))

export class PgWireServer {
  private server = net.createServer((s) => this.serve(s))
  onExecute: OnExecute = { rows: ['1'] }
  /** Bytes of a huge value actually written before the client went away. */
  hugeBytesSent = 0

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    return this
  }
  get port(): number { return (this.server.address() as AddressInfo).port }
  async stop(): Promise<void> { await new Promise<void>((resolve) => this.server.close(() => resolve())) }

  private serve(socket: net.Socket) {
    socket.on('error', () => {})
    let buf = Buffer.alloc(0)
    let started = false
    let bound = false
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk])
      for (;;) {
        if (!started) {
          if (buf.length < 4) return
          const len = buf.readUInt32BE(0)
          if (buf.length < len) return
          buf = buf.subarray(len)
          started = true
          socket.write(Buffer.concat([msg('R', int32(0)), msg('K', Buffer.concat([int32(4242), int32(99)])), ready()]))
          continue
        }
        if (buf.length < 5) return
        const code = String.fromCharCode(buf[0])
        const len = buf.readUInt32BE(1)
        if (buf.length < len + 1) return
        buf = buf.subarray(len + 1)
        if (code === 'Q') socket.write(Buffer.concat([msg('C', cstr('SET')), ready()]))
        else if (code === 'S') socket.write(ready())
        else if (code === 'C') socket.write(msg('3', Buffer.alloc(0)))
        else if (code === 'X') socket.end()
        else if (code === 'B') bound = true
        else if (code === 'E' && bound) { bound = false; this.execute(socket) }
        else if (code === 'E') socket.write(msg('C', cstr('SELECT 0')))
      }
    })
  }

  private execute(socket: net.Socket) {
    const then = this.onExecute
    socket.write(Buffer.concat([msg('1', Buffer.alloc(0)), msg('2', Buffer.alloc(0)), rowDescription()]))
    if ('reset' in then) return void socket.resetAndDestroy()
    if ('rows' in then) return void socket.write(Buffer.concat([...then.rows.map(dataRow), msg('C', cstr(`SELECT ${then.rows.length}`))]))
    // One DataRow announcing the whole value, then the value in 1 MiB pieces, paced by the socket.
    const total = then.hugeValueBytes
    const head = Buffer.alloc(5 + 2 + 4)
    head.write('D', 0, 'latin1')
    head.writeUInt32BE(4 + 2 + 4 + total, 1)
    head.writeInt16BE(1, 5)
    head.writeInt32BE(total, 7)
    socket.write(head)
    const piece = Buffer.alloc(2 ** 20, 'x')
    const pump = () => {
      while (this.hugeBytesSent < total && !socket.destroyed) {
        const n = Math.min(piece.length, total - this.hugeBytesSent)
        this.hugeBytesSent += n
        if (!socket.write(n === piece.length ? piece : piece.subarray(0, n))) return void socket.once('drain', pump)
      }
    }
    pump()
  }
}
