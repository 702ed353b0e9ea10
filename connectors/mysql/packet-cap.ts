// Bounds on what a MySQL or MariaDB server may make us buffer.
//
// A protocol packet is at most 16 MiB; a longer one arrives as a run of full
// 16 MiB packets ended by a shorter one, and mysql2 keeps every piece until
// that last one, then joins them: a value of any size (a server a tenant
// points a connection at, or a `repeat()` its max_allowed_packet allows) was
// held whole before anything looked at it. An error packet that reaches a
// connection idle in the pool is parsed outside mysql2's try/catch, so one
// whose message was longer than V8's string limit (~512 MiB) threw inside the
// socket's data handler: an uncaught exception, the process gone for every
// tenant. The row cap counts rows, not bytes, and the row stream buffers a
// thousand rows before it pushes back. So the sizes the packet headers
// announce are checked as they arrive, before the bodies are kept: one logical
// packet may not exceed MAX_LOGICAL_PACKET_BYTES, and the packets of one
// result set (up to its EOF or error packet) not MAX_RESULT_BYTES.
export const MAX_LOGICAL_PACKET_BYTES = 64 * 2 ** 20
export const MAX_RESULT_BYTES = 256 * 2 ** 20

const FULL = 0xffffff
/** EOF (0xfe, under 9 bytes: a row starting with 0xfe carries an 8-byte length) and ERR (0xff) end a result set. */
const endsResult = (first: number, length: number) => (first === 0xfe && length < 9) || first === 0xff
const MiB = (n: number) => `${Math.round(n / 2 ** 20)} MiB`

/** Follows the packet framing (a 3-byte little-endian length, a sequence byte, the body) over the raw byte stream. */
export class MysqlPacketCap {
  private readonly header = Buffer.alloc(4)
  private have = 0
  private skip = 0
  /** Bytes of the logical packet in progress (a run of full packets). */
  private logical = 0
  private resultBytes = 0
  /** The next body byte is the first of a logical packet: its marker decides whether a result set ends. */
  private atFirstByte = false
  private length = 0

  constructor(private readonly maxPacket = MAX_LOGICAL_PACKET_BYTES, private readonly maxResult = MAX_RESULT_BYTES) {}

  /** Reads one chunk; answers why the server must be cut off, or null. */
  push(chunk: Buffer): string | null {
    let i = 0
    while (i < chunk.length) {
      if (this.skip > 0) {
        if (this.atFirstByte) {
          this.atFirstByte = false
          if (endsResult(chunk[i], this.length)) this.resultBytes = 0
        }
        const n = Math.min(this.skip, chunk.length - i)
        this.skip -= n
        i += n
        continue
      }
      this.header[this.have++] = chunk[i++]
      if (this.have < 4) continue
      this.have = 0
      const length = this.header.readUIntLE(0, 3)
      const continuing = this.logical > 0
      this.logical += length
      if (this.logical > this.maxPacket) return `the database sent a row or message over the ${MiB(this.maxPacket)} a single one may take; refused`
      this.resultBytes += length
      if (this.resultBytes > this.maxResult) return `the database sent over ${MiB(this.maxResult)} of rows in one answer; refused (lower the rows or the width of the answer)`
      this.atFirstByte = !continuing && length > 0
      this.length = length
      if (length < FULL) this.logical = 0
      this.skip = length
    }
    return null
  }
}
