// Bounds on what a PostgreSQL (or Redshift) server may make us buffer.
//
// node-postgres reads each backend message whole into memory before parsing
// it, and turns a text field into a JS string. A value longer than V8's
// string limit (~512 MiB: `SELECT repeat(x, 600000000)` in a dimension, or a
// hostile server a tenant points a connection at) made its parser throw inside
// the socket's data handler, an uncaught exception that ended the process for
// every tenant; below that limit, a handful of such rows in one batch ran the
// heap out. The row cap counts rows, not bytes. So the size each message
// announces in its header is checked as it arrives, before its body is
// buffered: one message may not exceed MAX_BACKEND_MESSAGE_BYTES, and the rows
// of one fetch (DataRow messages up to the next PortalSuspended,
// CommandComplete or ReadyForQuery) not MAX_FETCH_ROW_BYTES. Either refuses
// the answer and closes that one connection.
export const MAX_BACKEND_MESSAGE_BYTES = 64 * 2 ** 20
export const MAX_FETCH_ROW_BYTES = 256 * 2 ** 20

const DATA_ROW = 0x44 // 'D'
/** Messages that end one fetch of rows: PortalSuspended, CommandComplete, EmptyQueryResponse, ReadyForQuery. */
const FETCH_END = new Set([0x73, 0x43, 0x49, 0x5a])
const MiB = (n: number) => `${Math.round(n / 2 ** 20)} MiB`

/** Follows the backend message framing (a type byte, then an int32 length that counts itself) over the raw byte stream. */
export class BackendMessageCap {
  private readonly header = Buffer.alloc(5)
  private have = 0
  private skip = 0
  private fetchBytes = 0

  constructor(private readonly maxMessage = MAX_BACKEND_MESSAGE_BYTES, private readonly maxFetch = MAX_FETCH_ROW_BYTES) {}

  /** Reads one chunk; answers why the server must be cut off, or null. */
  push(chunk: Buffer): string | null {
    let i = 0
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i)
        this.skip -= n
        i += n
        continue
      }
      this.header[this.have++] = chunk[i++]
      if (this.have < 5) continue
      this.have = 0
      const code = this.header[0]
      const length = this.header.readUInt32BE(1)
      if (length < 4) return 'the database sent a malformed message'
      if (length > this.maxMessage) return `the database sent a row or message of ${MiB(length)}, over the ${MiB(this.maxMessage)} a single one may take; refused`
      if (code === DATA_ROW) {
        this.fetchBytes += length
        if (this.fetchBytes > this.maxFetch) return `the database sent over ${MiB(this.maxFetch)} of rows in one fetch; refused (lower the rows or the width of the answer)`
      } else if (FETCH_END.has(code)) {
        this.fetchBytes = 0
      }
      this.skip = length - 4
    }
    return null
  }
}
