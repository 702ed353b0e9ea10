// snowflake-sdk errors -> ConnectorError. Snowflake's own messages are safe to
// show (they name objects, never secrets); network errors are reduced to their
// code so no URL with a token or account detail leaks through.
import { ConnectorError, type ConnectorErrorCode } from '../connector'
import { SnowflakeAnswerTooLarge } from './answer-cap'
import { SnowflakeHostRefused } from './outbound'

interface SdkErrorLike {
  code?: string | number
  sqlState?: string
  message?: string
  cause?: { code?: string }
}

/** SDK-side codes for "could not talk to Snowflake at all" (401001, 402001). */
const NETWORK_CODES = new Set(['401001', '402001'])
const NETWORK_ERRNOS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'ERR_SOCKET_CONNECTION_TIMEOUT'])

export function classifySnowflakeError(err: unknown): ConnectorErrorCode {
  const e = (err ?? {}) as SdkErrorLike
  const code = e.code === undefined ? '' : String(e.code)
  if (code === '000604') return 'cancelled'
  if (code === '000630') return 'timeout'
  // 390100 wrong credentials, 390101 not authorized, 390102 disabled user,
  // 390144 / 394304 invalid JWT or key pair.
  if (['390100', '390101', '390102', '390144', '394304', '390318', '390302'].includes(code)) return 'auth_failed'
  if (code === '390201' || code === '390189') return 'permission_denied'
  if (code === '003001' || code === '003011' || e.sqlState === '42501') return 'permission_denied'
  if (NETWORK_CODES.has(code) || NETWORK_ERRNOS.has(e.cause?.code ?? '') || NETWORK_ERRNOS.has(code)) return 'unreachable'
  return 'query_failed'
}

export function toConnectorError(err: unknown, context: 'login' | 'query'): ConnectorError {
  if (err instanceof ConnectorError) return err
  // An answer over the byte cap (answer-cap.ts) reaches us as the SDK's network error's cause.
  const refused = err instanceof SnowflakeAnswerTooLarge ? err : (err as { cause?: unknown } | undefined)?.cause
  if (refused instanceof SnowflakeAnswerTooLarge) return new ConnectorError('query_failed', 'snowflake', refused.message)
  // A host the network policy refused (outbound.ts), a cause or two down (SDK error > axios error > ours).
  for (let c: unknown = err, depth = 0; c && depth < 4; c = (c as { cause?: unknown }).cause, depth++) {
    if (c instanceof SnowflakeHostRefused) return new ConnectorError('unreachable', 'snowflake', `Snowflake sent the connection to a refused address: ${c.message}`)
  }
  const e = (err ?? {}) as SdkErrorLike
  const code = classifySnowflakeError(err)
  const sfCode = e.code === undefined ? '' : ` (${e.code})`
  let message: string
  switch (code) {
    case 'auth_failed':
      message = `Snowflake rejected the credentials${sfCode}: ${e.message ?? 'authentication failed'}`
      break
    case 'unreachable':
      message = `Cannot reach Snowflake${e.cause?.code ? ` (${e.cause.code})` : sfCode}; check the account identifier, access_url and network policy`
      break
    case 'cancelled':
      message = 'The query was cancelled'
      break
    case 'timeout':
      message = `The query exceeded its statement timeout${sfCode}`
      break
    default:
      message = context === 'login' ? `Snowflake login failed${sfCode}: ${e.message ?? 'unknown error'}` : `Snowflake error${sfCode}: ${e.message ?? 'unknown error'}`
  }
  // The raw SDK error can carry the HTTP request (the login body holds the
  // password), so only its codes travel on as the cause.
  return new ConnectorError(code, 'snowflake', message, { code: e.code, sqlState: e.sqlState, errno: e.cause?.code })
}
