// SQL Server types -> Nexatron's normalized column types and JSON values.
//
// tedious decodes values itself: int family as numbers, bigint as exact text,
// decimal/numeric/money as JS numbers (it has no exact mode), temporal types
// as Dates (read as UTC: mssql's useUTC). Decimals therefore leave as text
// formatted to the column's scale; values beyond 15 significant digits carry
// tedious's double rounding (documented in README.md).
import type { Column, ColumnType } from '../connector'
import { jsonTypeOf } from '../shared/values'

/** The subset of an `mssql` result column this module reads. */
export interface MssqlColumn {
  name: string
  type?: { name?: string } | ((...args: never[]) => unknown)
  length?: number
  precision?: number
  scale?: number
}

/** Normalizes a SQL Server type name (`int`, `nvarchar`, `datetime2`...). */
export function normalizeMssqlType(name: string): ColumnType {
  switch (name.trim().toLowerCase().replace(/\(.*$/, '')) {
    case 'tinyint': case 'smallint': case 'int':
      return 'integer'
    case 'bigint':
      return 'bigint'
    case 'decimal': case 'numeric': case 'money': case 'smallmoney':
      return 'decimal'
    case 'float': case 'real':
      return 'float'
    case 'bit':
      return 'boolean'
    case 'char': case 'nchar': case 'varchar': case 'nvarchar': case 'text': case 'ntext': case 'uniqueidentifier': case 'xml': case 'time': case 'sysname':
      return 'string'
    case 'date':
      return 'date'
    case 'datetime': case 'datetime2': case 'smalldatetime': case 'datetimeoffset':
      return 'timestamp'
    case 'binary': case 'varbinary': case 'image': case 'timestamp': case 'rowversion':
      return 'binary'
    default:
      return 'unknown'
  }
}

/** `decimal(12,2)`, `nvarchar(100)`, `nvarchar(max)`, `datetime2(3)`. */
export function describeMssqlType(name: string, o: { length?: number | null; precision?: number | null; scale?: number | null } = {}): string {
  const t = name.toLowerCase()
  if ((t === 'decimal' || t === 'numeric') && o.precision != null) return `${t}(${o.precision},${o.scale ?? 0})`
  if (['char', 'nchar', 'varchar', 'nvarchar', 'binary', 'varbinary'].includes(t) && o.length != null) {
    return `${t}(${o.length < 0 || o.length >= 0x3fffffff ? 'max' : o.length})`
  }
  if (['datetime2', 'datetimeoffset', 'time'].includes(t) && o.scale != null) return `${t}(${o.scale})`
  return t
}

export interface ColumnPlan {
  column: Column
  convert: (value: unknown) => unknown
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

function typeName(c: MssqlColumn): string {
  const t = c.type as { name?: string } | undefined
  return (t?.name ?? 'unknown').toLowerCase()
}

export function planColumn(c: MssqlColumn): ColumnPlan {
  const name = typeName(c)
  const type = normalizeMssqlType(name)
  // Result metadata gives lengths in bytes (nvarchar(100) -> 200) and 0xFFFF for (max).
  const bytes = c.length
  const length = bytes == null ? null : bytes === 0xffff ? -1 : name === 'nvarchar' || name === 'nchar' ? bytes / 2 : bytes
  const column: Column = { name: c.name, type, db_type: describeMssqlType(name, { length, precision: c.precision, scale: c.scale }), json_type: jsonTypeOf(type) }
  const scale = c.scale ?? (name === 'money' || name === 'smallmoney' ? 4 : 0)
  let convert: (v: unknown) => unknown
  switch (type) {
    case 'integer': convert = (v) => Number(v); break
    case 'bigint': convert = (v) => String(v); break
    case 'decimal': convert = (v) => (typeof v === 'number' ? v.toFixed(Math.min(scale, 100)) : String(v)); break
    case 'float': convert = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null); break
    case 'boolean': convert = (v) => Boolean(v); break
    case 'date': convert = (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v)); break
    // datetimeoffset is an instant (UTC, with Z); datetime/datetime2/smalldatetime
    // are wall-clock times without zone: ISO 8601 without offset, like Postgres.
    case 'timestamp': convert = name === 'datetimeoffset'
      ? (v) => (v instanceof Date ? v.toISOString() : String(v))
      : (v) => (v instanceof Date ? v.toISOString().slice(0, -1) : String(v))
      break
    case 'binary': convert = (v) => (Buffer.isBuffer(v) ? v.toString('base64') : String(v)); break
    default:
      convert = name === 'time'
        ? (v) => (v instanceof Date ? `${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:${pad(v.getUTCSeconds())}${v.getUTCMilliseconds() ? `.${pad(v.getUTCMilliseconds(), 3)}` : ''}` : String(v))
        : (v) => (typeof v === 'object' && !Buffer.isBuffer(v) ? v : String(v))
  }
  return { column, convert }
}

export function convertRow(plans: ColumnPlan[], row: unknown[]): unknown[] {
  const out = new Array<unknown>(plans.length)
  for (let i = 0; i < plans.length; i++) {
    const v = row[i]
    out[i] = v === null || v === undefined ? null : plans[i].convert(v)
  }
  return out
}
