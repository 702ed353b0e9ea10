// Makes a response tedious cannot parse fail its connection instead of the
// process.
//
// tedious parses each response's tokens in a generator wrapped with
// Readable.from, and listens to that stream for 'data' and 'end' only. What
// the parser throws (a token type it does not know, a length past the data, a
// value longer than V8's string limit, e.g. an nvarchar(max) of 600 million
// characters) is emitted as that stream's 'error' with no listener: an
// uncaught exception that ended the process for every tenant, while the
// request waited for an answer that never came. Here each connection's parser
// streams get that listener, and the error is handled as a broken socket: the
// request in flight fails with it, the connection ends, the pool drops it.
import type { Connection } from 'tedious'

interface ConnectionInternals {
  createTokenStreamParser(message: unknown, handler: unknown): { parser: NodeJS.EventEmitter }
  _onSocketError(err: Error): void
  socket?: { destroy(): void }
}

export const UNPARSABLE_ANSWER = 'EUNPARSABLE'

/** For mssql's `beforeConnect`: runs on each tedious connection before it logs in. */
export function failOnParseErrors(connection: Connection): void {
  const self = connection as unknown as ConnectionInternals
  const create = self.createTokenStreamParser.bind(connection)
  let failed = false
  self.createTokenStreamParser = (message, handler) => {
    const parser = create(message, handler)
    parser.parser.on('error', (err: Error) => {
      if (failed) return
      failed = true
      const reason = Object.assign(new Error(`the database sent an answer that could not be read (${err.message}); refused`), { code: UNPARSABLE_ANSWER, cause: err })
      self._onSocketError(reason)
      self.socket?.destroy()
    })
    return parser
  }
}
