// The libraries' errors (semantic, connectors, planners, guard) as the
// domain's error (src/errors.ts), each with a message that is safe to show.
// The query runner records them; the HTTP layer answers them.
import { SemanticError } from '../semantic/types'
import { ConnectorError } from '../connectors/connector'
import { PlanningError } from './planner/planner'
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
    // A database's error text repeats what the query held (a value, a time bound,
    // a model's SQL): the client gets our words and its shape, not those values.
    const message = err.code === 'query_failed' || err.code === 'permission_denied' ? databaseText(err.message) : err.message
    return new AppError(CONNECTOR_CODES[err.code] ?? 'query_failed', message, [{ issue: err.code, dialect: err.dialect }])
  }
  if (err instanceof PlanningError) return new AppError(err.code, err.message, err.details)
  // The SQL guard's error, matched by shape so this file needs no import of it.
  if (err instanceof Error && err.name === 'SqlGuardError') {
    const reasons = (err as Error & { reasons?: string[] }).reasons ?? []
    return new AppError('sql_refused', err.message, reasons.map((r) => ({ issue: r })))
  }
  return null
}

const MAX_DATABASE_TEXT = 240

/** A quoted run kept as written: a short identifier (a column, a table, a type). */
function identifierLike(s: string): boolean {
  if (s.length === 0 || s.length > 63) return false
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f
    const digit = c >= 0x30 && c <= 0x39
    if (!(letter || (i > 0 && (digit || c === 0x2e || c === 0x24)))) return false
  }
  return true
}

/**
 * Database error text fit for a client: every quoted run ('...', "...",
 * `...`) that is not a short identifier becomes "…", control characters and
 * runs of whitespace become one space, and the whole is bounded. One pass,
 * no regular expression over the text.
 */
export function databaseText(text: string): string {
  const t = text.length > 4_000 ? text.slice(0, 4_000) : text
  let out = ''
  let space = false
  for (let i = 0; i < t.length && out.length <= MAX_DATABASE_TEXT; ) {
    const ch = t[i]
    if (ch === '"' || ch === "'" || ch === '`') {
      const close = t.indexOf(ch, i + 1)
      const inner = close < 0 ? t.slice(i + 1) : t.slice(i + 1, close)
      out += ch + (identifierLike(inner) ? inner : '…') + ch
      i = close < 0 ? t.length : close + 1
      space = false
      continue
    }
    const c = ch.charCodeAt(0)
    if (c <= 0x20 || c === 0x7f) {
      if (!space && out.length > 0) out += ' '
      space = true
    } else {
      out += ch
      space = false
    }
    i++
  }
  out = out.trimEnd()
  return out.length > MAX_DATABASE_TEXT ? `${out.slice(0, MAX_DATABASE_TEXT)}…` : out
}
