// Snowflake types -> Nexatron's normalized column types and JSON values.
//
// NUMBER columns are fetched as their exact decimal text (fetchAsString
// 'Number') so nothing is rounded through a JS double: integers that always fit
// in 2^53 (precision <= 15) become numbers, wider integers and decimals stay
// strings and their column says so. Snowflake's integer default NUMBER(38,0)
// is therefore a `bigint`, like Postgres int8 and BigQuery INT64.
import type { Column, ColumnType } from '../connector'
import { jsonTypeOf } from '../shared/values'

/** Largest NUMBER precision whose every value is a safe JS integer (10^15 < 2^53). */
const SAFE_INTEGER_PRECISION = 15

/**
 * Normalizes a Snowflake type, given either the result-set type (`fixed`,
 * `real`, `text`, `timestamp_ntz`...) or an INFORMATION_SCHEMA data type
 * (`NUMBER`, `FLOAT`, `TEXT`, `TIMESTAMP_NTZ`...).
 */
export function normalizeSnowflakeType(dbType: string, precision?: number | null, scale?: number | null): ColumnType {
  const t = dbType.trim().toLowerCase().replace(/\(.*$/, '')
  switch (t) {
    case 'fixed':
    case 'number':
    case 'numeric':
    case 'decimal':
      if ((scale ?? 0) > 0) return 'decimal'
      return precision != null && precision <= SAFE_INTEGER_PRECISION ? 'integer' : 'bigint'
    case 'int': case 'integer': case 'bigint': case 'smallint': case 'tinyint': case 'byteint':
      return 'bigint' // aliases of NUMBER(38,0)
    case 'real': case 'float': case 'float4': case 'float8': case 'double': case 'double precision':
      return 'float'
    case 'text': case 'varchar': case 'char': case 'character': case 'string': case 'time':
      return 'string'
    case 'boolean':
      return 'boolean'
    case 'date':
      return 'date'
    case 'timestamp': case 'timestamp_ltz': case 'timestamp_ntz': case 'timestamp_tz': case 'datetime':
      return 'timestamp'
    case 'variant': case 'object': case 'array': case 'map':
      return 'json'
    case 'binary': case 'varbinary':
      return 'binary'
    default:
      return 'unknown'
  }
}

/** Readable db_type: `NUMBER(38,0)`, `TIMESTAMP_NTZ(9)`, `TEXT`. */
export function describeSnowflakeType(type: string, precision?: number | null, scale?: number | null): string {
  const t = type.toUpperCase()
  if (t === 'FIXED' || t === 'NUMBER') return `NUMBER(${precision ?? 38},${scale ?? 0})`
  if (t === 'REAL') return 'FLOAT'
  if (t.startsWith('TIMESTAMP') && scale != null) return `${t}(${scale})`
  return t
}

/** The subset of snowflake-sdk's Column this module reads. */
export interface SdkColumn {
  getName(): string
  getType(): string
  getScale(): number
  getPrecision(): number
}

export interface ColumnPlan {
  column: Column
  convert: (value: unknown) => unknown
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

function toIsoDate(v: unknown): unknown {
  return v instanceof Date ? v.toISOString().slice(0, 10) : String(v)
}
/** An instant (TIMESTAMP_LTZ/TZ) in UTC. */
function toIsoTimestamp(v: unknown): unknown {
  return v instanceof Date ? v.toISOString() : String(v)
}
/** TIMESTAMP_NTZ is wall-clock time without a zone: ISO 8601 without an offset, like Postgres' timestamp. */
function toIsoLocalTimestamp(v: unknown): unknown {
  return v instanceof Date ? v.toISOString().slice(0, -1) : String(v)
}
/** TIME values arrive as SDK time objects whose epoch is midnight UTC. */
function toTimeString(v: unknown): unknown {
  if (v instanceof Date) {
    const ms = v.getUTCMilliseconds()
    return `${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:${pad(v.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ''}`
  }
  return String(v)
}
/** JSON has no NaN or Infinity; such floats travel as null. */
function toFiniteNumber(v: unknown): number | null {
  const n = typeof v === 'number' ? v : Number(v)
  return Number.isFinite(n) ? n : null
}

/** Column metadata and a value converter for one result column. */
export function planColumn(c: SdkColumn): ColumnPlan {
  const wire = c.getType()
  const precision = c.getPrecision()
  const scale = c.getScale()
  const type = normalizeSnowflakeType(wire, precision, scale)
  const column: Column = { name: c.getName(), type, db_type: describeSnowflakeType(wire, precision, scale), json_type: jsonTypeOf(type) }
  const lower = wire.toLowerCase()
  let convert: (value: unknown) => unknown
  switch (type) {
    case 'integer': convert = (v) => Number(v); break
    case 'bigint': case 'decimal': convert = (v) => String(v); break
    case 'float': convert = toFiniteNumber; break
    case 'date': convert = toIsoDate; break
    case 'timestamp': convert = lower === 'timestamp_ntz' ? toIsoLocalTimestamp : toIsoTimestamp; break
    case 'binary': convert = (v) => (Buffer.isBuffer(v) ? v.toString('base64') : String(v)); break
    case 'boolean': convert = (v) => (typeof v === 'boolean' ? v : String(v).toUpperCase() === 'TRUE' || v === '1'); break
    case 'json': convert = (v) => v; break
    default:
      convert = lower === 'time' ? toTimeString : (v) => (typeof v === 'object' ? v : String(v))
  }
  return { column, convert }
}

/** Converts one row in place order; null stays null whatever the type. */
export function convertRow(plans: ColumnPlan[], row: unknown[]): unknown[] {
  const out = new Array<unknown>(plans.length)
  for (let i = 0; i < plans.length; i++) {
    const v = row[i]
    out[i] = v === null || v === undefined ? null : plans[i].convert(v)
  }
  return out
}

/** Bind values the SDK accepts: string, number, boolean, null. */
export function toSnowflakeBind(value: unknown, index: number): string | number | boolean | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'string' || typeof value === 'boolean') return value
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`parameter ${index + 1} is not a finite number`)
    return value
  }
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Date) return value.toISOString()
  throw new TypeError(`parameter ${index + 1} has an unsupported type (${typeof value})`)
}
