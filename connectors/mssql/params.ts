// Bound values as typed sp_executesql parameters. mssql would guess a type
// from each value; explicit types keep plans stable and values exact.
import sql from 'mssql'
import { ConnectorError } from '../connector'

export interface TypedParam {
  type: sql.ISqlType | (() => sql.ISqlType)
  value: unknown
}

export function paramOf(value: unknown, index: number): TypedParam {
  const invalid = (why: string) => new ConnectorError('query_failed', 'mssql', `invalid query parameter: parameter ${index + 1} ${why}`)
  if (value === null || value === undefined) return { type: sql.NVarChar(1), value: null }
  // Sized to the value (not nvarchar(max)) so comparisons with indexed columns stay sargable.
  if (typeof value === 'string') return { type: value.length > 4000 ? sql.NVarChar(sql.MAX) : sql.NVarChar(Math.max(1, value.length)), value }
  if (typeof value === 'boolean') return { type: sql.Bit, value }
  if (typeof value === 'bigint') return { type: sql.BigInt, value: value.toString() }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalid('is not a finite number')
    if (Number.isInteger(value)) return { type: value >= -2147483648 && value <= 2147483647 ? sql.Int : sql.BigInt, value }
    return { type: sql.Float, value }
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalid('is an invalid date')
    return { type: sql.DateTimeOffset(3), value }
  }
  if (Buffer.isBuffer(value)) return { type: value.length > 8000 ? sql.VarBinary(sql.MAX) : sql.VarBinary(Math.max(1, value.length)), value }
  throw invalid(`has an unsupported type (${typeof value})`)
}
