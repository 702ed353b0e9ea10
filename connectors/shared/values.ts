// Value conventions shared by every engine (see Column.json_type):
// integers within 2^53 as numbers, 64-bit integers and decimals as strings,
// dates and timestamps as ISO 8601 strings, booleans as booleans, binary as
// base64, non-finite floats as null (JSON has no NaN/Infinity).
import type { Column, ColumnType } from '../connector'

export function jsonTypeOf(type: ColumnType): Column['json_type'] {
  switch (type) {
    case 'integer':
    case 'float':
      return 'number'
    case 'boolean':
      return 'boolean'
    case 'json':
      return 'object'
    default:
      return 'string'
  }
}

export function column(name: string, type: ColumnType, dbType?: string): Column {
  const c: Column = { name, type, json_type: jsonTypeOf(type) }
  if (dbType !== undefined) c.db_type = dbType
  return c
}

/** A float from its text form; NaN and infinities become null. */
export function finiteOrNull(text: string): number | null {
  const n = Number(text)
  return Number.isFinite(n) ? n : null
}

/**
 * `YYYY-MM-DD hh:mm:ss[.ffffff][±hh[:mm]]` (as Postgres, MySQL and ClickHouse
 * print them) to ISO 8601: a `T` separator, `+00` offsets as `Z`, and BC years
 * (Postgres' ` BC` suffix) as signed ISO years. Anything else (infinity, zero
 * dates) is returned unchanged.
 */
export function isoTimestamp(text: string): string {
  // Fast path for the forms Postgres prints for nearly every row
  // (`YYYY-MM-DD hh:mm:ss` and the same with `+00`): no regex per value on
  // large results. Anything else takes the general path below.
  const n = text.length
  if ((n === 19 || (n === 22 && text.endsWith('+00'))) && plainDateTime(text)) {
    return `${text.slice(0, 10)}T${text.slice(11, 19)}${n === 22 ? 'Z' : ''}`
  }
  let s = text
  let bc = false
  if (s.endsWith(' BC')) { bc = true; s = s.slice(0, -3) }
  const m = /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?|Z)?$/.exec(s)
  if (!m) return text
  const [, y, mo, d, time, sign, oh, om, os] = m
  let zone = ''
  if (s.endsWith('Z')) zone = 'Z'
  else if (sign) {
    if (oh === '00' && (om ?? '00') === '00' && (os ?? '00') === '00') zone = 'Z'
    else zone = `${sign}${oh}:${om ?? '00'}${os && os !== '00' ? `:${os}` : ''}`
  }
  return `${isoYear(y, bc)}-${mo}-${d}T${time}${zone}`
}

const DIGIT_AT = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]

/** `YYYY-MM-DD hh:mm:ss` at the start of `t` (digits and separators checked, as the regex would). */
function plainDateTime(t: string): boolean {
  if (t[4] !== '-' || t[7] !== '-' || t[10] !== ' ' || t[13] !== ':' || t[16] !== ':') return false
  for (const i of DIGIT_AT) {
    const c = t.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

/** `YYYY-MM-DD[ BC]` to an ISO 8601 date. */
export function isoDate(text: string): string {
  const bc = text.endsWith(' BC')
  const s = bc ? text.slice(0, -3) : text
  const m = /^(\d{4,})-(\d{2})-(\d{2})$/.exec(s)
  if (!m) return text
  return `${isoYear(m[1], bc)}-${m[2]}-${m[3]}`
}

// ISO 8601 has a year 0 (= 1 BC); years beyond 9999 need a sign.
function isoYear(y: string, bc: boolean): string {
  if (!bc) return y.length > 4 ? `+${y}` : y
  const n = Number(y) - 1
  return n === 0 ? '0000' : `-${String(n).padStart(4, '0')}`
}

/** Postgres `bytea` hex output (`\x0102`) or raw bytes to base64. */
export function base64(value: Uint8Array | string): string {
  if (typeof value === 'string') {
    if (value.startsWith('\\x')) return Buffer.from(value.slice(2), 'hex').toString('base64')
    return Buffer.from(value, 'utf8').toString('base64')
  }
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')
}

/** Makes any driver-parsed value JSON-safe (Dates to ISO, bigint to string, bytes to base64). */
export function jsonSafe(value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString()
  if (value instanceof Uint8Array) return base64(value)
  if (Array.isArray(value)) return value.map(jsonSafe)
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = jsonSafe(v)
    return out
  }
  return value
}
