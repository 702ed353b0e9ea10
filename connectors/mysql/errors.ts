// MySQL/MariaDB error → ConnectorError, by server error number first, then
// by mysql2's client-side codes.
import { ConnectorError, type ConnectionType } from '../connector'
import { messageOf, networkError, queryFailed, scrub } from '../shared/errors'
import { cancelledError, timeoutError, type QueryLifetime } from '../shared/lifetime'

interface MysqlErrorShape { errno?: number; code?: string; fatal?: boolean; sqlMessage?: string }

/** `connecting`: the error came while opening a session (so 1049 means a bad config, not a bad query). */
export function mapMysqlError(dialect: ConnectionType, err: unknown, timeoutMs: number, life?: QueryLifetime, connecting = false): ConnectorError {
  if (err instanceof ConnectorError) return err
  if (life?.stopped) return life.error()
  const e = (err && typeof err === 'object' ? err : {}) as MysqlErrorShape
  const msg = e.sqlMessage ?? messageOf(err)
  switch (e.errno) {
    case 1045:
    case 1698:
    case 1251:
      return new ConnectorError('auth_failed', dialect, 'authentication failed: check the user name and password of this connection', err)
    case 1049:
      if (e.fatal || connecting) return new ConnectorError('invalid_config', dialect, 'the database named in this connection does not exist', err)
      break
    case 1044:
    case 1142:
    case 1143:
    case 1227:
    case 1370:
      return new ConnectorError('permission_denied', dialect, `the database refused access: ${msg}`, err)
    case 1792:
    case 1290:
      return new ConnectorError('permission_denied', dialect, `the session is read-only and the database refused the statement: ${msg}`, err)
    case 1969:
    case 3024:
      return timeoutError(dialect, timeoutMs, err)
    case 1317:
      return cancelledError(dialect, err)
    case 1040:
    case 1203:
    case 1226:
      return new ConnectorError('unreachable', dialect, `the database server is not accepting more connections: ${msg}`, err)
    case 2013:
    case 2006:
      return new ConnectorError('unreachable', dialect, 'lost the connection to the database server', err)
  }
  if ((err as { passwordRefused?: boolean } | null)?.passwordRefused) {
    return new ConnectorError('auth_failed', dialect, msg, err)
  }
  if (e.code === 'HANDSHAKE_NO_SSL_SUPPORT') {
    return new ConnectorError('invalid_config', dialect, 'the server does not accept TLS connections; set config.ssl to "disable" to connect without TLS', err)
  }
  if (e.code === 'PROTOCOL_CONNECTION_LOST' || e.code === 'PROTOCOL_SEQUENCE_TIMEOUT') {
    return new ConnectorError('unreachable', dialect, 'lost the connection to the database server', err)
  }
  const net = networkError(dialect, err)
  if (net) return net
  if (typeof e.errno === 'number') return new ConnectorError('query_failed', dialect, `the database rejected the query: ${scrub(msg)}`, err)
  return queryFailed(dialect, err, 'the query failed')
}
