// A MySQL-protocol server just large enough for the connector to open a
// session (mysql2's own server side does the handshake, native password):
// SELECT VERSION(), the session SETs, START TRANSACTION, ROLLBACK and KILL
// complete, and any other statement gets a one-text-column result with what
// the test asks for: rows, a connection reset after the column list, or one
// row holding a huge value, sent in 16 MiB
// protocol packets as a server would, paced by the socket. `errorWhileIdle`
// makes the server send, after an answer, an unsolicited error packet of that
// many bytes (a server may send one on an idle connection before closing it).
// It is not a SQL engine; it stands in for a warehouse that misbehaves.
import type { AddressInfo } from 'node:net'
import mysql from 'mysql2'

export type OnQuery = { rows: string[] } | { hugeValueBytes: number } | { reset: true }

const MAX_PACKET = 0xffffff

interface ServerConnection {
  stream: import('node:net').Socket
  sequenceId: number
  serverHandshake(args: object): void
  writeOk(args?: object): void
  writeColumns(columns: object[]): void
  writeTextRow(values: unknown[]): void
  writeEof(): void
  writeTextResult(rows: object[], columns: object[]): void
  on(event: string, fn: (...args: never[]) => void): void
}

const column = { catalog: 'def', schema: 's', table: 't', orgTable: 't', name: 'v', orgName: 'v', characterSet: 45, columnLength: 0xffffffff, columnType: 0xfd, flags: 0, decimals: 0 }

export class MysqlServer {
  private server = (mysql as unknown as { createServer(): { listen(port: number, host: string, cb: () => void): void; close(cb: () => void): void; _server: import('node:net').Server; on(e: 'connection', fn: (c: ServerConnection) => void): void } }).createServer()
  onQuery: OnQuery = { rows: ['1'] }
  /** Bytes of an unsolicited error packet to send once the next answer is done; 0 for none. */
  errorWhileIdle = 0
  /** Bytes of a huge value actually written before the client went away. */
  hugeBytesSent = 0

  async start(): Promise<this> {
    this.server.on('connection', (c) => this.serve(c))
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    return this
  }
  get port(): number { return (this.server._server.address() as AddressInfo).port }
  async stop(): Promise<void> { await new Promise<void>((resolve) => this.server.close(() => resolve())) }

  private serve(conn: ServerConnection) {
    conn.stream.on('error', () => {})
    conn.on('error', () => {})
    conn.serverHandshake({
      protocolVersion: 10, serverVersion: '10.11.9-MariaDB', connectionId: 7, statusFlags: 2, characterSet: 45,
      capabilityFlags: 0xf7ff & ~0x0800 /* no SSL */, authCallback: (_: unknown, cb: (err: null, code?: number) => void) => cb(null),
    })
    // mysql2's server side announces a statement that starts with SET as 'stmt_prepare'.
    conn.on('stmt_prepare', () => { conn.sequenceId = 1; conn.writeOk(); conn.sequenceId = 0 })
    conn.on('query', (sql: string) => {
      // Each command's answer numbers its packets from 1 (the command itself was 0).
      conn.sequenceId = 1
      // The next command will come numbered 0 again.
      const answered = () => { conn.sequenceId = 0 }
      if (/^\s*SELECT VERSION\(\)/i.test(sql)) return void (conn.writeTextResult([{ v: '10.11.9-MariaDB' }], [column]), answered())
      if (/^\s*(SET|START|ROLLBACK|KILL)\b/i.test(sql)) return void (conn.writeOk(), answered())
      const q = this.onQuery
      if ('rows' in q) {
        conn.writeColumns([column])
        for (const v of q.rows) conn.writeTextRow([v])
        conn.writeEof()
        answered()
        return void this.afterAnswer(conn)
      }
      if ('reset' in q) return void (conn.writeColumns([column]), conn.stream.resetAndDestroy())
      conn.writeColumns([column])
      this.sendHuge(conn, q.hugeValueBytes)
    })
  }

  /** One text row of `bytes` bytes: a length-encoded string split into 16 MiB packets. */
  private sendHuge(conn: ServerConnection, bytes: number) {
    const head = Buffer.alloc(9)
    head[0] = 0xfe
    head.writeBigUInt64LE(BigInt(bytes), 1)
    const payload = head.length + bytes
    const fill = Buffer.alloc(MAX_PACKET, 'x')
    this.hugeBytesSent = 0
    let left = payload
    let first = true
    const socket = conn.stream
    socket.once('close', () => { left = -1 })
    const frame = (n: number) => {
      const h = Buffer.alloc(4)
      h.writeUIntLE(n, 0, 3)
      h[3] = conn.sequenceId & 0xff
      conn.sequenceId = (conn.sequenceId + 1) & 0xff
      return h
    }
    const pump = () => {
      while (left >= 0) {
        const n = Math.min(MAX_PACKET, left)
        const body = first ? Buffer.concat([head, fill.subarray(0, n - head.length)]) : fill.subarray(0, n)
        first = false
        left -= n
        this.hugeBytesSent += n
        // A payload that is a multiple of 16 MiB ends with an empty packet; any shorter packet ends it too.
        const done = n < MAX_PACKET
        const ok = socket.write(Buffer.concat([frame(n), body]))
        if (done) { left = -1; conn.writeEof(); conn.sequenceId = 0; return }
        if (!ok) return void socket.once('drain', pump)
      }
    }
    pump()
  }

  private afterAnswer(conn: ServerConnection) {
    const bytes = this.errorWhileIdle
    if (bytes === 0) return
    this.errorWhileIdle = 0
    // After ROLLBACK's OK, when the client has put the connection back in its pool.
    setTimeout(() => {
      const body = Buffer.alloc(bytes + 9, 'e')
      body[0] = 0xff
      body.writeUInt16LE(1927, 1)
      body.write('#08S01', 3, 'latin1')
      const socket = conn.stream
      let at = 0
      let seq = 0
      const pump = () => {
        while (at <= body.length) {
          const n = Math.min(MAX_PACKET, body.length - at)
          const h = Buffer.alloc(4)
          h.writeUIntLE(n, 0, 3)
          h[3] = seq++ & 0xff
          const ok = socket.write(Buffer.concat([h, body.subarray(at, at + n)]))
          at += n
          if (n < MAX_PACKET) return
          if (!ok) return void socket.once('drain', pump)
        }
      }
      pump()
    }, 200)
  }
}
