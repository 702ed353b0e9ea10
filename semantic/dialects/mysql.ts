// MySQL 8 and MariaDB 10.11: no FULL OUTER JOIN, no DATE_TRUNC, no percentile aggregates.
import type { DatePart, DialectName, TimeGrain } from '../types'
import { BaseDialect, DEFAULT_CAPABILITIES } from './base'
import type { DialectCapabilities } from './dialect'

const FORMAT_BY_GRAIN: Partial<Record<TimeGrain, string>> = {
  year: '%Y-01-01',
  month: '%Y-%m-01',
  hour: '%Y-%m-%d %H:00:00',
  minute: '%Y-%m-%d %H:%i:00',
  second: '%Y-%m-%d %H:%i:%s',
}

const INTERVAL_UNIT: Partial<Record<TimeGrain, string>> = {
  microsecond: 'MICROSECOND', second: 'SECOND', minute: 'MINUTE', hour: 'HOUR',
  day: 'DAY', week: 'WEEK', month: 'MONTH', quarter: 'QUARTER', year: 'YEAR',
}

export class MysqlDialect extends BaseDialect {
  readonly name: DialectName = 'mysql'
  override readonly capabilities: DialectCapabilities = {
    ...DEFAULT_CAPABILITIES,
    fullOuterJoin: false,
    decimalDivision: true,
    percentile: { continuous: false, discrete: false, approximateContinuous: false, approximateDiscrete: false },
  }
  protected override quoteChars: [string, string] = ['`', '`']

  override placeholder(_index: number): string {
    return '?'
  }

  /** MySQL/MariaDB sort NULL as the smallest value: placed explicitly, as PostgreSQL does. */
  override orderByTerm(expr: string, desc: boolean, source?: string): string {
    const t = source ?? expr
    return desc ? `${t} IS NULL DESC, ${expr} DESC` : `${t} IS NULL, ${expr}`
  }

  protected override escapeString(value: string): string {
    // Backslash is an escape character in MySQL string literals (unless NO_BACKSLASH_ESCAPES).
    return super.escapeString(value).split('\\').join('\\\\')
  }

  protected override booleanLiteral(value: boolean): string {
    return value ? '1' : '0'
  }

  // Every truncation returns DATETIME so results compare and join uniformly.
  override dateTrunc(grain: TimeGrain, expr: string): string {
    const fmt = FORMAT_BY_GRAIN[grain]
    if (fmt) return `CAST(DATE_FORMAT(${expr}, '${fmt}') AS DATETIME)`
    switch (grain) {
      case 'quarter': return `CAST(MAKEDATE(YEAR(${expr}), 1) + INTERVAL (QUARTER(${expr}) - 1) QUARTER AS DATETIME)`
      case 'week': return `CAST(DATE(${expr}) - INTERVAL WEEKDAY(${expr}) DAY AS DATETIME)`
      case 'day': return `CAST(DATE(${expr}) AS DATETIME)`
      case 'millisecond': return `(CAST(${expr} AS DATETIME(6)) - INTERVAL (MICROSECOND(${expr}) % 1000) MICROSECOND)`
      default: return `CAST(${expr} AS DATETIME(6))`
    }
  }

  override extract(part: DatePart, expr: string): string {
    switch (part) {
      case 'year': return `YEAR(${expr})`
      case 'quarter': return `QUARTER(${expr})`
      case 'month': return `MONTH(${expr})`
      case 'week': return `WEEKOFYEAR(${expr})`
      case 'day': return `DAYOFMONTH(${expr})`
      case 'dow': return `(WEEKDAY(${expr}) + 1)`
      case 'doy': return `DAYOFYEAR(${expr})`
    }
  }

  override dateAdd(expr: string, n: number | string, grain: TimeGrain): string {
    if (grain === 'millisecond') return `DATE_ADD(${expr}, INTERVAL (${this.amount(n)} * 1000) MICROSECOND)`
    if (grain === 'nanosecond') return `DATE_ADD(${expr}, INTERVAL (${this.amount(n)} DIV 1000) MICROSECOND)`
    return `DATE_ADD(${expr}, INTERVAL ${this.amount(n)} ${INTERVAL_UNIT[grain]})`
  }

  override castToTimestamp(expr: string): string {
    return `CAST(${expr} AS DATETIME(6))`
  }

  override percentile(_expr: string, p: number, discrete: boolean, approximate = false): string {
    this.checkPercentile(p)
    return this.unsupportedPercentile(`${approximate ? 'approximate ' : ''}${discrete ? 'discrete' : 'continuous'}`)
  }

  override doubleTypeName(): string {
    return 'DOUBLE'
  }

  override randomUuid(): string {
    return 'UUID()'
  }

  override nullSafeEquals(left: string, right: string): string {
    return `${left} <=> ${right}`
  }
}
