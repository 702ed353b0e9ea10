// The HTTP side of errors: one table from the domain's error codes
// (src/errors.ts) to statuses, the headers an error answer carries, and the
// envelope every error is answered with.
import { AppError, errorRecord, type ErrorCode, type ErrorDetail } from '../errors'

// HTTP modules raise the domain's error too: one type from service to answer.
export { AppError, clip, MAX_ERROR_DETAILS, notFound, type ErrorCode, type ErrorDetail } from '../errors'

export const ERROR_STATUS = {
  validation_error: 400,
  invalid_json: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  // A governance policy refuses the caller a metric, dimension or value.
  access_denied: 403,
  password_login_disabled: 403,
  not_found: 404,
  sso_not_configured: 404,
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
  quota_exceeded: 429,
  plan_limit_reached: 403,
  too_many_concurrent_queries: 429,
  too_many_queued_queries: 429,
  server_busy: 503,
  internal_error: 500,
  service_unavailable: 503,
  unreachable: 503,
  pool_exhausted: 503,
  llm_unavailable: 503,
} as const satisfies Record<ErrorCode, number>

export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode]

export const errorStatus = (err: AppError): ErrorStatus => ERROR_STATUS[err.code]

/**
 * An error the HTTP layer raises with a header of its own (the realm of a
 * WWW-Authenticate challenge). Domain code raises AppError, which has none.
 */
export class HttpError extends AppError {
  constructor(code: ErrorCode, message: string, details: ErrorDetail[], readonly headers: Record<string, string>) {
    super(code, message, details)
  }
}

/** The headers an error answer carries: Retry-After from the error's `retryAfterS`, and an HttpError's own. */
export function errorHeaders(err: AppError): Record<string, string> {
  const headers: Record<string, string> = err instanceof HttpError ? { ...err.headers } : {}
  if (err.retryAfterS !== undefined) headers['Retry-After'] = String(err.retryAfterS)
  return headers
}

export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetail[]; request_id: string }
}

/** The envelope: the bounded error record (src/errors.ts) and the request id. */
export function errorBody(err: AppError, requestId: string): ErrorBody {
  return { error: { ...errorRecord(err), request_id: requestId } }
}
