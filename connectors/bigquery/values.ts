// BigQuery types -> Nexatron's normalized column types and JSON values.
//
// The client library parses rows (we ask it to keep INT64 as exact strings):
// INT64 is a 64-bit type, so like Postgres int8 it travels as a string;
// NUMERIC/BIGNUMERIC come as Big.js decimals and leave as exact strings;
// TIMESTAMP arrives as microseconds since the epoch and leaves as ISO 8601 UTC
// with microseconds; DATETIME (civil time) as ISO 8601 without offset, like
// other engines' timestamps without zone; STRUCT and ARRAY become JSON values.
import { BigQueryDate, BigQueryDatetime, BigQueryInt, BigQueryTime, BigQueryTimestamp, Geography } from '@google-cloud/bigquery'
import type { Column, ColumnType } from '../connector'
import { jsonTypeOf } from '../shared/values'

/** A result-schema field as the REST API describes it. */
export interface BqField {
  name?: string | null
  type?: string | null
  mode?: string | null
  fields?: BqField[] | null
  precision?: string | null
  scale?: string | null
}

/**
 * Normalizes a BigQuery type given either a schema field type (`INTEGER`,
 * `FLOAT`, `RECORD`...) or an INFORMATION_SCHEMA data type (`INT64`,
 * `NUMERIC(10, 2)`, `ARRAY<STRING>`, `STRUCT<a INT64>`).
 */
export function normalizeBigQueryType(dbType: string, repeated = false): ColumnType {
  if (repeated) return 'json'
  const t = dbType.trim().toUpperCase()
  if (t.startsWith('ARRAY<') || t.startsWith('STRUCT<') || t.startsWith('RANGE<')) return 'json'
  switch (t.replace(/\(.*$/, '').trim()) {
    case 'INTEGER': case 'INT64': case 'INT': case 'SMALLINT': case 'BIGINT': case 'TINYINT': case 'BYTEINT':
      return 'bigint'
    case 'FLOAT': case 'FLOAT64':
      return 'float'
    case 'NUMERIC': case 'BIGNUMERIC': case 'DECIMAL': case 'BIGDECIMAL':
      return 'decimal'
    case 'BOOLEAN': case 'BOOL':
      return 'boolean'
    case 'STRING': case 'TIME': case 'GEOGRAPHY': case 'INTERVAL':
      return 'string'
    case 'BYTES':
      return 'binary'
    case 'DATE':
      return 'date'
    case 'DATETIME': case 'TIMESTAMP':
      return 'timestamp'
    case 'JSON': case 'RECORD': case 'STRUCT': case 'RANGE':
      return 'json'
    default:
      return 'unknown'
  }
}

function describeField(f: BqField): string {
  const base = (f.type ?? 'UNKNOWN').toUpperCase()
  let t = base === 'RECORD' ? `STRUCT<${(f.fields ?? []).map((x) => `${x.name} ${describeField(x)}`).join(', ')}>` : base
  if ((base === 'NUMERIC' || base === 'BIGNUMERIC') && f.precision) t += `(${f.precision}${f.scale ? `, ${f.scale}` : ''})`
  return f.mode === 'REPEATED' ? `ARRAY<${t}>` : t
}

export function columnOf(f: BqField): Column {
  const type = normalizeBigQueryType(f.type ?? '', f.mode === 'REPEATED')
  return { name: f.name ?? '', type, db_type: describeField(f), json_type: jsonTypeOf(type) }
}

/**
 * DATETIME is civil time without a zone: ISO 8601 without an offset, like
 * Postgres' timestamp (BigQuery already writes `2024-01-31T10:00:00[.ffffff]`).
 */
function datetimeToIso(value: string): string {
  return value.includes('T') ? value : value.replace(' ', 'T')
}

/** BigQuery timestamps have microsecond precision; PreciseDate prints nanoseconds. */
function isoMicros(iso: string): string {
  return iso.replace(/\.(\d{3,6}?)0*Z$/, (_, digits: string) => `.${digits.padEnd(3, '0')}Z`)
}

function isBig(v: object): v is { toFixed(dp?: number): string } {
  // Big.js instances: {s, e, c} with toFixed; not exported by the library.
  return 'c' in v && 'e' in v && 's' in v && typeof (v as { toFixed?: unknown }).toFixed === 'function'
}

/** Converts a value the library parsed, recursively for STRUCT and ARRAY. */
export function toJsonValue(v: unknown, field?: BqField): unknown {
  if (v === null || v === undefined) return null
  // INT64 arrives as text (integerTypeCastFunction keeps it exact), like STRING.
  if (typeof v === 'string') return v
  if (typeof v === 'number') return Number.isFinite(v) ? v : null
  if (typeof v === 'boolean') return v
  if (Array.isArray(v)) {
    const inner = field ? { ...field, mode: 'NULLABLE' } : undefined
    return v.map((x) => toJsonValue(x, inner))
  }
  if (Buffer.isBuffer(v)) return v.toString('base64')
  if (v instanceof BigQueryTimestamp) return isoMicros(v.value)
  if (v instanceof BigQueryDatetime) return datetimeToIso(String(v.value))
  if (v instanceof BigQueryDate || v instanceof BigQueryTime || v instanceof Geography) return String(v.value)
  if (v instanceof BigQueryInt) return String(v.value)
  if (typeof v === 'object') {
    // A parameterized NUMERIC(p, s) keeps its scale (12.50), like other engines' decimals.
    if (isBig(v)) return field?.scale ? v.toFixed(Number(field.scale)) : v.toFixed()
    if (v instanceof Date) return v.toISOString()
    const out: Record<string, unknown> = {}
    const sub = new Map((field?.fields ?? []).map((f) => [f.name ?? '', f]))
    for (const [k, x] of Object.entries(v)) out[k] = toJsonValue(x, sub.get(k))
    return out
  }
  return String(v)
}

/** Top-level row object (keyed by field name, in schema order) -> array of JSON values. */
export function convertRow(fields: BqField[], row: Record<string, unknown>): unknown[] {
  return fields.map((f) => {
    const v = row[f.name ?? '']
    if (v === null || v === undefined) return null
    const type = (f.type ?? '').toUpperCase()
    // TIMESTAMP/DATETIME strings never reach here (the library wraps them); a
    // top-level JSON column was parsed by the library (parseJSON) into a value.
    if (type === 'JSON' && f.mode !== 'REPEATED') return v
    return toJsonValue(v, f)
  })
}
