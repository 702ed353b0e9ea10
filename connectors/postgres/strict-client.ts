// The node-postgres Client the connectors use: it refuses to answer a
// server's AuthenticationCleartextPassword request on a connection without
// TLS, so a server that is not the one we meant to reach (a re-pointed host, a
// man in the middle on a plain-TCP connection) cannot collect the password by
// asking for it in clear text. node-postgres has no option for this; the
// handler it dispatches that request to is overridden instead.
//
// It also checks the size of each message the server announces before
// node-postgres buffers it (message-cap.ts), and hears the client's own
// 'error' event: an oversized value or a dropped connection fails the answer
// on this connection instead of ending the process.
import { EventEmitter } from 'node:events'
import pg from 'pg'
import { BackendMessageCap } from './message-cap'

export const CLEARTEXT_REFUSED = 'ECLEARTEXTREFUSED'
export const MESSAGE_TOO_LARGE = 'EMESSAGETOOLARGE'

interface ClientInternals {
  ssl: unknown
  connection: { emit(event: 'error', err: Error): boolean; stream: { destroy(): void }; attachListeners(stream: NodeJS.EventEmitter): void }
  _handleAuthCleartextPassword(msg: unknown): void
}

export class StrictClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config)
    const self = this as unknown as ClientInternals
    const answer = self._handleAuthCleartextPassword.bind(this)
    self._handleAuthCleartextPassword = (msg: unknown) => {
      if (self.ssl) return answer(msg)
      const err = Object.assign(new Error('the server asked for the password in clear text over a connection without TLS; refused (turn on config.ssl)'), { code: CLEARTEXT_REFUSED })
      self.connection.emit('error', err)
      self.connection.stream.destroy()
    }
    // A connection that breaks (a reset, the backend terminated, the size check below) fails the query it
    // carries: node-postgres hands the error to that query and also emits it on the client, where pg-pool
    // listens only while the client is idle. Unheard, that emit was an uncaught exception: the process gone.
    this.on('error', () => {})
    // node-postgres parses what the socket emits ('data' and 'end'); it now reads from a relay the size check feeds.
    const attach = self.connection.attachListeners.bind(self.connection)
    self.connection.attachListeners = (stream) => {
      const cap = new BackendMessageCap()
      const relay = new EventEmitter()
      let refused = false
      stream.on('data', (chunk: Buffer) => {
        if (refused) return
        const problem = cap.push(chunk)
        if (problem === null) return void relay.emit('data', chunk)
        refused = true
        self.connection.emit('error', Object.assign(new Error(problem), { code: MESSAGE_TOO_LARGE }))
        self.connection.stream.destroy()
      })
      stream.on('end', () => relay.emit('end'))
      attach(relay)
    }
  }
}
