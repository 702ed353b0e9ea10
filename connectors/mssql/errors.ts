// mssql / tedious errors -> ConnectorError. SQL Server's messages are safe to
// show; the raw error objects are not passed on (they can hold the config).
import { ConnectorError, type ConnectorErrorCode } from '../connector'
import { policyRefusal } from '../shared/errors'

interface MssqlErrorLike {
  name?: string
  code?: string
  number?: number
  message?: string
  originalError?: { code?: string; number?: number; message?: string; errors?: Array<{ code?: string }> }
}

/** SQL Server error numbers for missing privileges. */
const PERMISSION_NUMBERS = new Set([229, 230, 262, 297, 300, 916, 15247])

function flatten(err: unknown): MssqlErrorLike {
  const e = (err ?? {}) as MssqlErrorLike
  // Error fields are not enumerable: copy them one by one.
  return {
    name: e.name,
    message: e.message ?? e.originalError?.message,
    code: e.code ?? e.originalError?.code,
    number: e.number ?? e.originalError?.number,
    originalError: e.originalError,
  }
}

export function classifyMssqlError(err: unknown): ConnectorErrorCode {
  const e = flatten(err)
  const inner = e.originalError?.errors?.map((x) => x.code) ?? []
  if (e.code === 'ECANCEL') return 'cancelled'
  if (e.code === 'ELOGIN') return /cannot open database/i.test(e.message ?? '') ? 'permission_denied' : 'auth_failed'
  if (e.code === 'ESOCKET' || e.code === 'EINSTLOOKUP' || e.code === 'ECONNCLOSED' || (e.code === 'ETIMEOUT' && e.name === 'ConnectionError') || inner.includes('ECONNREFUSED')) return 'unreachable'
  if (e.code === 'ETIMEOUT') return 'timeout'
  if (e.name === 'TimeoutError' || /operation timed out for an unknown reason/i.test(e.message ?? '')) return 'pool_exhausted'
  if (e.number !== undefined && PERMISSION_NUMBERS.has(e.number)) return 'permission_denied'
  return 'query_failed'
}

export function toConnectorError(err: unknown): ConnectorError {
  if (err instanceof ConnectorError) return err
  const refused = policyRefusal('mssql', err)
  if (refused) return refused
  const e = flatten(err)
  const code = classifyMssqlError(err)
  const detail = (e.message ?? 'unknown error').split('\n')[0].slice(0, 500)
  const tag = e.number !== undefined ? ` ${e.number}` : e.code ? ` ${e.code}` : ''
  let message: string
  switch (code) {
    case 'auth_failed':
      message = `SQL Server rejected the login: ${detail}`
      break
    case 'unreachable':
      message = `Cannot reach SQL Server (${e.code ?? 'network error'}); check host, port, instance and firewall`
      break
    case 'cancelled':
      message = 'The query was cancelled'
      break
    case 'timeout':
      message = 'The query timed out'
      break
    case 'pool_exhausted':
      message = 'All SQL Server connections of this connection are busy; try again shortly'
      break
    default:
      message = `SQL Server error${tag}: ${detail}`
  }
  return new ConnectorError(code, 'mssql', message, { code: e.code, number: e.number })
}
