// A bound on one line of a ClickHouse text answer, checked on the raw
// response before @clickhouse/client sees it.
//
// The client keeps the pieces of a line until its newline comes, then makes
// one string of them inside a stream transform fed by the socket. A line
// longer than V8's string limit (~512 MiB: `repeat(x, 600000000)` in a
// dimension, or a hostile server) threw there, an uncaught exception that
// ended the process for every tenant; a shorter one still held its bytes
// twice. A TSV row is one line (values escape their line breaks), so a line
// over MAX_LINE_BYTES refuses the answer as it grows, and the response is
// dropped.
import { Transform, type TransformCallback } from 'node:stream'

export const MAX_LINE_BYTES = 64 * 2 ** 20

const NEWLINE = 0x0a

export class LineCap extends Transform {
  private sinceNewline = 0

  constructor(private readonly maxLine = MAX_LINE_BYTES) { super() }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let start = 0
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) {
      if (this.sinceNewline + (at - start) > this.maxLine) return callback(this.refusal())
      this.sinceNewline = 0
      start = at + 1
    }
    this.sinceNewline += chunk.length - start
    if (this.sinceNewline > this.maxLine) return callback(this.refusal())
    callback(null, chunk)
  }

  private refusal(): Error {
    return new Error(`the database sent a row over the ${Math.round(this.maxLine / 2 ** 20)} MiB a single one may take; refused`)
  }
}
