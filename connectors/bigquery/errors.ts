// @google-cloud/bigquery (ApiError) and google-auth-library (GaxiosError)
// errors -> ConnectorError. The raw errors carry the HTTP request, including
// the bearer token, so only codes and BigQuery's own message travel on.
import { ConnectorError, type ConnectorErrorCode } from '../connector'
import { BigQueryAnswerTooLarge } from './answer-cap'
import { BigQueryHostRefused } from './outbound'

interface ApiErrorLike {
  code?: number | string
  status?: number
  message?: string
  errors?: Array<{ reason?: string; message?: string }>
  response?: { status?: number; data?: { error?: string | { status?: string } } }
}

const NETWORK_ERRNOS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'UND_ERR_CONNECT_TIMEOUT'])

function reasonsOf(e: ApiErrorLike): string[] {
  return (e.errors ?? []).map((x) => x.reason ?? '').filter(Boolean)
}

export function classifyBigQueryError(err: unknown): ConnectorErrorCode {
  const e = (err ?? {}) as ApiErrorLike
  const reasons = reasonsOf(e)
  const status = typeof e.code === 'number' ? e.code : e.response?.status ?? e.status
  const oauth = e.response?.data?.error
  if (typeof e.code === 'string' && NETWORK_ERRNOS.has(e.code)) return 'unreachable'
  if (reasons.includes('stopped')) return 'cancelled'
  if (reasons.includes('timeout') || reasons.includes('jobTimeout')) return 'timeout'
  if (status === 401 || reasons.includes('authError') || reasons.includes('unauthorized')) return 'auth_failed'
  // OAuth token endpoint: a revoked/invalid service-account key.
  if (oauth === 'invalid_grant' || oauth === 'invalid_client' || oauth === 'unauthorized_client') return 'auth_failed'
  if (reasons.includes('accessDenied') || (status === 403 && !reasons.some((r) => r === 'bytesBilledLimitExceeded' || r.endsWith('Exceeded')))) return 'permission_denied'
  return 'query_failed'
}

export function toConnectorError(err: unknown): ConnectorError {
  if (err instanceof ConnectorError) return err
  // Refusals by the answer cap and the network policy (outbound.ts hands them over as they are).
  if (err instanceof BigQueryAnswerTooLarge) return new ConnectorError('query_failed', 'bigquery', err.message)
  if (err instanceof BigQueryHostRefused) return new ConnectorError('unreachable', 'bigquery', `BigQuery request refused by the network policy: ${err.message}`)
  const e = (err ?? {}) as ApiErrorLike
  const code = classifyBigQueryError(err)
  const reason = reasonsOf(e)[0]
  const detail = firstLine(e.errors?.[0]?.message ?? e.message ?? 'unknown error')
  let message: string
  switch (code) {
    case 'unreachable':
      message = `Cannot reach the BigQuery API (${String(e.code)}); check api_endpoint and the network`
      break
    case 'auth_failed':
      message = `BigQuery rejected the credentials${reason ? ` (${reason})` : ''}: ${detail}`
      break
    case 'cancelled':
      message = 'The query job was cancelled'
      break
    case 'timeout':
      message = `The query job timed out: ${detail}`
      break
    default:
      message = `BigQuery error${reason ? ` (${reason})` : ''}: ${detail}`
  }
  return new ConnectorError(code, 'bigquery', message, { status: typeof e.code === 'number' ? e.code : e.response?.status, reason, errno: typeof e.code === 'string' ? e.code : undefined })
}

function firstLine(s: string): string {
  // Gaxios messages may append the request; BigQuery's own are one line.
  return s.split('\n')[0].slice(0, 500)
}
