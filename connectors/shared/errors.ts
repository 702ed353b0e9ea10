// Helpers for turning driver errors into ConnectorError without leaking
// anything sensitive: messages are built here, never copied from connection
// errors (which can carry hosts, users or connection strings).
import { ConnectorError, type ConnectionType } from '../connector'

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
  ECONNABORTED: 'connection aborted',
  EADDRNOTAVAIL: 'address not available',
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_NOT_YET_VALID',
  'ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO',
])

function codeOf(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err) {
    const c = (err as { code: unknown }).code
    return typeof c === 'string' ? c : undefined
  }
  return undefined
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message
  if (typeof err === 'string') return err
  return 'unknown error'
}

/** Walks `cause`, `originalError` and AggregateError members (Node's happy-eyeballs connect errors). */
function* errorChain(err: unknown): Generator<unknown> {
  const seen = new Set<unknown>()
  const stack = [err]
  while (stack.length) {
    const e = stack.pop()
    if (!e || seen.has(e)) continue
    seen.add(e)
    yield e
    if (e instanceof AggregateError) stack.push(...e.errors)
    if (e && typeof e === 'object' && 'cause' in e) stack.push((e as { cause: unknown }).cause)
    // mssql keeps the driver's error here.
    if (e && typeof e === 'object' && 'originalError' in e) stack.push((e as { originalError: unknown }).originalError)
  }
}

/**
 * The network policy's refusal (HostRefusedError, code EHOSTREFUSED, from the
 * resolver a connection goes through) anywhere in `err`'s chain, as an
 * `unreachable` ConnectorError that says why; null if there is none.
 */
export function policyRefusal(dialect: ConnectionType, err: unknown): ConnectorError | null {
  for (const e of errorChain(err)) {
    if (codeOf(e) === 'EHOSTREFUSED') {
      return new ConnectorError('unreachable', dialect, `cannot reach the database server: refused by the network policy (${messageOf(e)})`, err)
    }
  }
  return null
}

/** A ConnectorError for socket-level failures, or null if `err` is not one. */
export function networkError(dialect: ConnectionType, err: unknown): ConnectorError | null {
  const refused = policyRefusal(dialect, err)
  if (refused) return refused
  for (const e of errorChain(err)) {
    const code = codeOf(e)
    if (code && NETWORK_CODES[code]) {
      return new ConnectorError('unreachable', dialect, `cannot reach the database server (${NETWORK_CODES[code]})`, err)
    }
    if (code && TLS_CODES.has(code)) {
      return new ConnectorError('invalid_config', dialect,
        `TLS negotiation with the database server failed (${code}); check the ssl settings and CA certificate`, err)
    }
  }
  return null
}

/** Strips anything that looks like a connection URL with credentials from a message. */
export function scrub(message: string): string {
  return message.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1***@')
}

export function queryFailed(dialect: ConnectionType, err: unknown, prefix = 'the database rejected the query'): ConnectorError {
  return new ConnectorError('query_failed', dialect, `${prefix}: ${scrub(messageOf(err))}`, err)
}
