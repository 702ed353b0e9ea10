// ClickHouse error → ConnectorError, from the server's `Code: N` (the client
// only parses the newer message format, so we read the code ourselves).
import { ConnectorError, type ConnectionType } from '../connector'
import { messageOf, networkError, scrub } from '../shared/errors'
import { cancelledError, timeoutError, type QueryLifetime } from '../shared/lifetime'

export function chErrorCode(err: unknown): number | undefined {
  if (err && typeof err === 'object' && 'code' in err) {
    const c = Number((err as { code: unknown }).code)
    if (Number.isInteger(c) && c > 0) return c
  }
  const m = /Code: (\d+)/.exec(messageOf(err))
  return m ? Number(m[1]) : undefined
}

/** The human part of a ClickHouse exception message. */
export function chMessage(err: unknown): string {
  const msg = messageOf(err)
  const m = /DB::Exception: ([\s\S]*?)(?:, e\.what\(\) = [\s\S]*)?$/.exec(msg.trim())
  return scrub((m ? m[1] : msg).trim()).slice(0, 2000)
}

export function mapChError(dialect: ConnectionType, err: unknown, timeoutMs: number, life?: QueryLifetime, testing = false): ConnectorError {
  if (err instanceof ConnectorError) return err
  if (life?.stopped) return life.error()
  const code = chErrorCode(err)
  switch (code) {
    case 516: case 193: case 192: case 194:
      return new ConnectorError('auth_failed', dialect, 'authentication failed: check the user name and password of this connection', err)
    case 81:
      if (testing) return new ConnectorError('invalid_config', dialect, 'the database named in this connection does not exist', err)
      break
    case 164:
      return new ConnectorError('permission_denied', dialect, `the session is read-only and the database refused the statement: ${chMessage(err)}`, err)
    case 497: case 291:
      return new ConnectorError('permission_denied', dialect, `the database refused access: ${chMessage(err)}`, err)
    case 159:
      return timeoutError(dialect, timeoutMs, err)
    case 394:
      return cancelledError(dialect, err)
    case 202:
      return new ConnectorError('unreachable', dialect, `the database server is busy: ${chMessage(err)}`, err)
  }
  if (code !== undefined) return new ConnectorError('query_failed', dialect, `the database rejected the query: ${chMessage(err)}`, err)
  const net = networkError(dialect, err)
  if (net) return net
  const msg = messageOf(err)
  // An HTTP error without a ClickHouse exception body: something else answered (a proxy, another service).
  if (msg.trim() === '') return new ConnectorError('unreachable', dialect, 'the server did not answer like ClickHouse; check host, port, path and ssl', err)
  if (/timeout/i.test(msg)) return new ConnectorError('unreachable', dialect, 'cannot reach the database server (timed out)', err)
  if (/socket hang up|ECONNRESET/i.test(msg)) return new ConnectorError('unreachable', dialect, 'lost the connection to the database server', err)
  // A JavaScript error (ours or the client's, on an answer it did not expect)
  // says nothing useful to the caller and must not leak: name the likely cause.
  if (err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError) {
    return new ConnectorError('query_failed', dialect, 'the query failed on an answer the client did not expect; check that host, port, path and ssl point at ClickHouse', err)
  }
  return new ConnectorError('query_failed', dialect, `the query failed: ${scrub(msg).slice(0, 2000)}`, err)
}
