// The domain's error: a code from one closed list, a message safe to show, and
// located details. It is data only: which HTTP status and headers a code gets
// is the HTTP layer's business (src/http/errors.ts), so services, stores, the
// CLI and the job worker raise and record errors without knowing about HTTP.

/** Every error code Nexatron answers with. src/http/errors.ts maps each one to a status. */
export const ERROR_CODES = [
  'validation_error',
  'invalid_json',
  'bad_request',
  'unauthorized',
  'forbidden',
  'access_denied',
  'password_login_disabled',
  'not_found',
  'sso_not_configured',
  'request_timeout',
  'conflict',
  'in_use',
  'payload_too_large',
  'unsupported_media_type',
  'unprocessable',
  'unknown_metric',
  'unknown_dimension',
  'unknown_measure',
  'invalid_query',
  'invalid_filter',
  'invalid_model',
  'invalid_config',
  'fan_out_join',
  'unsupported',
  'question_not_understood',
  'ambiguous_question',
  'sql_refused',
  'query_failed',
  'query_timeout',
  'query_cancelled',
  'connection_failed',
  'auth_failed',
  'permission_denied',
  'host_not_allowed',
  'elevated_login',
  'llm_invalid_plan',
  'llm_refused',
  'rate_limited',
  /** A monthly quota of the tenant's plan is spent (details name it). */
  'quota_exceeded',
  /** Creating this would exceed the plan's connections or seats. */
  'plan_limit_reached',
  'too_many_concurrent_queries',
  'too_many_queued_queries',
  'server_busy',
  'internal_error',
  'service_unavailable',
  'unreachable',
  'pool_exhausted',
  'llm_unavailable',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

export interface ErrorDetail {
  path?: string
  issue: string
  suggestions?: string[]
  [k: string]: unknown
}

export class AppError extends Error {
  /** Seconds after which a retry may succeed (busy, rate limited); the HTTP layer sends it as Retry-After. */
  readonly retryAfterS?: number

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    opts: { retryAfterS?: number } = {},
  ) {
    super(message)
    this.name = 'AppError'
    if (opts.retryAfterS !== undefined) this.retryAfterS = opts.retryAfterS
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`)

/** Bounds a text taken from the request (a field name, a path) before it goes into an error. */
export function clip(s: string, max = 64): string {
  return s.length > max ? `${s.slice(0, max)}…` : s
}

/** At most this many details are kept; the rest are counted in one last `more_issues` detail. */
export const MAX_ERROR_DETAILS = 20
const MAX_MESSAGE_CHARS = 2_000

/** An error as it is recorded (query history) and, with a request id added, answered. */
export interface ErrorRecord {
  code: ErrorCode
  message: string
  details: ErrorDetail[]
}

/**
 * The error as data, bounded: at most MAX_ERROR_DETAILS details (plus a count
 * of the others), each text and the message clipped, so no input can be
 * echoed back (or stored) in bulk.
 */
export function errorRecord(err: AppError): ErrorRecord {
  const details: ErrorDetail[] = err.details.slice(0, MAX_ERROR_DETAILS).map(clipDetail)
  if (err.details.length > MAX_ERROR_DETAILS) details.push({ issue: 'more_issues', count: err.details.length - MAX_ERROR_DETAILS })
  return { code: err.code, message: clip(err.message, MAX_MESSAGE_CHARS), details }
}

function clipDetail(d: ErrorDetail): ErrorDetail {
  const out: ErrorDetail = { ...d }
  for (const [k, v] of Object.entries(d)) if (typeof v === 'string') out[k] = clip(v, 1_000)
  return out
}
