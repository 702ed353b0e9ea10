// Postgres/Redshift error → ConnectorError, by SQLSTATE first, then by the
// node-postgres client's own connection messages.
import { ConnectorError, type ConnectionType } from '../connector'
import { messageOf, networkError, queryFailed } from '../shared/errors'
import { timeoutError, cancelledError, type QueryLifetime } from '../shared/lifetime'
import { CLEARTEXT_REFUSED } from './strict-client'

function sqlState(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err) {
    const c = (err as { code: unknown }).code
    if (typeof c === 'string' && /^[0-9A-Z]{5}$/.test(c)) return c
  }
  return undefined
}

export function mapPgError(dialect: ConnectionType, err: unknown, timeoutMs: number, life?: QueryLifetime): ConnectorError {
  if (err instanceof ConnectorError) return err
  if (life?.stopped) return life.error()
  const state = sqlState(err)
  const msg = messageOf(err)
  if (state) {
    switch (state) {
      case '28P01':
      case '28000':
        return new ConnectorError('auth_failed', dialect, 'authentication failed: check the user name and password of this connection', err)
      case '3D000':
        return new ConnectorError('invalid_config', dialect, 'the database named in this connection does not exist', err)
      case '57014':
        // Postgres says "statement timeout"; Redshift reports its statement_timeout
        // as "Query (150) canceled on user's request", so also go by the clock.
        if (/statement timeout/i.test(msg) || (life && life.elapsedMs >= timeoutMs * 0.95)) return timeoutError(dialect, timeoutMs, err)
        return cancelledError(dialect, err)
      case '25006':
        return new ConnectorError('permission_denied', dialect, `the session is read-only and the database refused the statement: ${msg}`, err)
      case '42501':
        return new ConnectorError('permission_denied', dialect, `the database refused access: ${msg}`, err)
      case '53400':
        // configuration_limit_exceeded: this query went past a limit the server sets (temp_file_limit), not the server's fault
        return queryFailed(dialect, err, 'the query went past a limit the database sets')
      case '53300':
      case '57P01':
      case '57P02':
      case '57P03':
        return new ConnectorError('unreachable', dialect, `the database server is not accepting connections right now: ${msg}`, err)
    }
    if (state.startsWith('08')) return new ConnectorError('unreachable', dialect, `lost the connection to the database server: ${msg}`, err)
    return queryFailed(dialect, err)
  }
  if ((err as { code?: unknown } | null)?.code === CLEARTEXT_REFUSED) {
    return new ConnectorError('auth_failed', dialect, 'refused to send the password: the server asked for it in clear text over a connection without TLS; turn on config.ssl', err)
  }
  const net = networkError(dialect, err)
  if (net) return net
  if (/timeout expired|connection timeout|Connection terminated due to connection timeout/i.test(msg)) {
    return new ConnectorError('unreachable', dialect, 'cannot reach the database server (connection timed out)', err)
  }
  if (/Connection terminated|connection ended|Client has encountered a connection error/i.test(msg)) {
    return new ConnectorError('unreachable', dialect, 'lost the connection to the database server', err)
  }
  if (/does not support SSL/i.test(msg)) {
    return new ConnectorError('invalid_config', dialect, 'the server does not accept TLS connections; set config.ssl to "disable" to connect without TLS', err)
  }
  if (/SASL|password must be a string|password authentication/i.test(msg)) {
    return new ConnectorError('auth_failed', dialect, 'authentication failed: the server requires a password for this user', err)
  }
  if (/certificate|self.signed|TLS|SSL/i.test(msg)) {
    return new ConnectorError('invalid_config', dialect, 'TLS negotiation with the database server failed; check the ssl settings and CA certificate', err)
  }
  return queryFailed(dialect, err, 'the query failed')
}
