// Domain errors from the libraries (semantic, connectors, planners, guard) to
// the HTTP envelope. Each carries a message that is safe to show.
import { SemanticError } from '../../semantic/types'
import { ConnectorError } from '../../connectors/connector'
import { PlanningError } from '../planner/planner'
import { AppError, type ErrorCode } from './errors'

const CONNECTOR_CODES: Record<ConnectorError['code'], ErrorCode> = {
  auth_failed: 'auth_failed',
  unreachable: 'unreachable',
  timeout: 'query_timeout',
  cancelled: 'query_cancelled',
  query_failed: 'query_failed',
  permission_denied: 'permission_denied',
  pool_exhausted: 'pool_exhausted',
  invalid_config: 'invalid_config',
}

export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err
  if (err instanceof SemanticError) return new AppError(err.code, err.message, err.details)
  if (err instanceof ConnectorError) {
    return new AppError(CONNECTOR_CODES[err.code] ?? 'query_failed', err.message, [{ issue: err.code, dialect: err.dialect }])
  }
  if (err instanceof PlanningError) return new AppError(err.code, err.message, err.details)
  // The SQL guard's error, matched by shape so this file needs no import of it.
  if (err instanceof Error && err.name === 'SqlGuardError') {
    const reasons = (err as Error & { reasons?: string[] }).reasons ?? []
    return new AppError('sql_refused', err.message, reasons.map((r) => ({ issue: r })))
  }
  return null
}
