// The Dialect seam: small hooks with defaults in a base class; each database
// overrides only what differs. Capability flags replace `if (dialect === ...)`.
import type { DatePart, DialectName, TimeGrain } from '../types'

export interface DialectCapabilities {
  /** WITH name AS (...) is supported (ClickHouse 18.16: no). */
  ctes: boolean
  /** FULL OUTER JOIN is supported (MySQL/MariaDB: no; emulate). */
  fullOuterJoin: boolean
  /** Bind parameters are supported; when false, values are inlined as escaped literals. */
  bindParameters: boolean
  /** Boolean columns can be used directly as predicates. */
  booleanPredicates: boolean
}

export interface Dialect {
  readonly name: DialectName
  readonly capabilities: DialectCapabilities
  /** Quote an identifier, doubling the quote character inside. */
  quoteIdentifier(name: string): string
  /** Bind placeholder for the 1-based parameter index: `$1`, `?`, `@p1`. */
  placeholder(index: number): string
  /** Escaped SQL literal for dialects without bind parameters (and for DDL-free rendering). */
  literal(value: string | number | boolean | null | Date): string
  dateTrunc(grain: TimeGrain, expr: string): string
  extract(part: DatePart, expr: string): string
  dateAdd(expr: string, n: number | string, grain: TimeGrain): string
  castToTimestamp(expr: string): string
  percentile(expr: string, p: number, discrete: boolean, approximate?: boolean): string
  /** Wraps a complete SELECT with LIMIT/OFFSET (TOP / OFFSET..FETCH on mssql). */
  limitOffset(sql: string, limit?: number, offset?: number, hasOrderBy?: boolean): string
  /** Name of the double-precision type (`DOUBLE PRECISION`, `FLOAT64`, `Float64`...). */
  doubleTypeName(): string
  randomUuid(): string
}
