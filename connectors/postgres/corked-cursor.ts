// pg-cursor writes each protocol message with its own socket write: Parse,
// Bind, Describe and Flush to open the portal, Execute and Flush per batch,
// Close and Sync at the end — ten system calls for a one-row answer, where
// pg's own Query corks the socket and sends them in one. On a virtualised
// host a loopback write costs a few hundred microseconds of CPU, so the
// messages of each step are corked into one write here (the protocol bytes
// are unchanged; only how many writes carry them).
import Cursor from 'pg-cursor'

interface CorkableConnection { stream: { cork?: () => void; uncork?: () => void } }

// The private hooks pg-cursor sends its messages from (stable across pg-cursor 2.x).
interface CursorInternals {
  connection: CorkableConnection | null
  submit(connection: CorkableConnection): void
  _getRows(rows: number, cb: unknown): void
  _closePortal(): void
}

function corked<T>(connection: CorkableConnection | null, send: () => T): T {
  const stream = connection?.stream
  stream?.cork?.()
  try {
    return send()
  } finally {
    stream?.uncork?.()
  }
}

/** A pg-cursor Cursor whose messages go out one write per step. */
export class CorkedCursor<R = any> extends Cursor<R> {} // any: pg-cursor's own default row type

// Assigned on the prototype rather than declared: pg-cursor's types declare
// these hooks as properties (or not at all), not as overridable methods.
const base = Cursor.prototype as unknown as CursorInternals
const proto = CorkedCursor.prototype as unknown as CursorInternals
proto.submit = function (this: CursorInternals, connection) {
  corked(connection, () => base.submit.call(this, connection))
}
proto._getRows = function (this: CursorInternals, rows, cb) {
  corked(this.connection, () => base._getRows.call(this, rows, cb))
}
proto._closePortal = function (this: CursorInternals) {
  corked(this.connection, () => base._closePortal.call(this))
}
