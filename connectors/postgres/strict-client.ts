// The node-postgres Client the connectors use: it refuses to answer a
// server's AuthenticationCleartextPassword request on a connection without
// TLS, so a server that is not the one we meant to reach (a re-pointed host, a
// man in the middle on a plain-TCP connection) cannot collect the password by
// asking for it in clear text. node-postgres has no option for this; the
// handler it dispatches that request to is overridden instead.
import pg from 'pg'

export const CLEARTEXT_REFUSED = 'ECLEARTEXTREFUSED'

interface ClientInternals {
  ssl: unknown
  connection: { emit(event: 'error', err: Error): boolean; stream: { destroy(): void } }
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
  }
}
