// One error type for the whole HTTP surface, one table from code to status.
export const ERROR_STATUS = {
  validation_error: 400,
  invalid_json: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  request_timeout: 408,
  conflict: 409,
  in_use: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  unknown_metric: 422,
  unknown_dimension: 422,
  unknown_measure: 422,
  invalid_query: 422,
  invalid_filter: 422,
  invalid_model: 422,
  invalid_config: 422,
  fan_out_join: 422,
  unsupported: 422,
  question_not_understood: 422,
  ambiguous_question: 422,
  sql_refused: 422,
  query_failed: 422,
  query_timeout: 422,
  query_cancelled: 422,
  connection_failed: 422,
  auth_failed: 422,
  permission_denied: 422,
  host_not_allowed: 422,
  elevated_login: 422,
  llm_invalid_plan: 422,
  llm_refused: 422,
  rate_limited: 429,
  too_many_concurrent_queries: 429,
  too_many_queued_queries: 429,
  server_busy: 503,
  internal_error: 500,
  service_unavailable: 503,
  unreachable: 503,
  pool_exhausted: 503,
  llm_unavailable: 503,
} as const

export type ErrorCode = keyof typeof ERROR_STATUS
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode]

export interface ErrorDetail {
  path?: string
  issue: string
  suggestions?: string[]
  [k: string]: unknown
}

export class AppError extends Error {
  readonly status: ErrorStatus
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
    this.name = 'AppError'
    this.status = ERROR_STATUS[code]
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetail[]; request_id: string }
}

/** At most this many details go out; the rest are counted in one last `more_issues` detail. */
export const MAX_ERROR_DETAILS = 20
const MAX_MESSAGE_CHARS = 2_000

/** Bounds a text taken from the request (a field name, a path) before it goes into an answer. */
export function clip(s: string, max = 64): string {
  return s.length > max ? `${s.slice(0, max)}…` : s
}

/**
 * The envelope. Whatever an error carries, the answer stays small: at most
 * MAX_ERROR_DETAILS details (plus a count of the others) and a bounded message,
 * so no input can be echoed back in bulk.
 */
export function errorBody(err: AppError, requestId: string): ErrorBody {
  const details: ErrorDetail[] = err.details.slice(0, MAX_ERROR_DETAILS).map(clipDetail)
  if (err.details.length > MAX_ERROR_DETAILS) details.push({ issue: 'more_issues', count: err.details.length - MAX_ERROR_DETAILS })
  return { error: { code: err.code, message: clip(err.message, MAX_MESSAGE_CHARS), details, request_id: requestId } }
}

function clipDetail(d: ErrorDetail): ErrorDetail {
  const out: ErrorDetail = { ...d }
  for (const [k, v] of Object.entries(d)) if (typeof v === 'string') out[k] = clip(v, 1_000)
  return out
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`)
