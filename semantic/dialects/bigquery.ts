// Google BigQuery (GoogleSQL): DATETIME functions, positional `?` parameters.
import type { DatePart, DialectName, TimeGrain } from '../types'
import { BaseDialect, DEFAULT_CAPABILITIES } from './base'
import type { DialectCapabilities } from './dialect'

export class BigQueryDialect extends BaseDialect {
  readonly name: DialectName = 'bigquery'
  override readonly capabilities: DialectCapabilities = {
    ...DEFAULT_CAPABILITIES,
    // PERCENTILE_CONT/DISC are analytic-only in BigQuery; APPROX_QUANTILES is an aggregate.
    percentile: { continuous: false, discrete: false, approximateContinuous: false, approximateDiscrete: true },
  }
  protected override quoteChars: [string, string] = ['`', '`']

  override quoteIdentifier(name: string): string {
    this.checkIdentifier(name)
    // Backticks and backslashes inside a quoted identifier are backslash-escaped.
    return '`' + name.split('\\').join('\\\\').split('`').join('\\`') + '`'
  }

  override placeholder(_index: number): string {
    return '?'
  }

  protected override escapeString(value: string): string {
    if (value.includes('\u0000')) return super.escapeString(value)
    return value.split('\\').join('\\\\').split("'").join("\\'").split('\n').join('\\n')
  }

  // All truncations work on DATETIME so DATE, DATETIME and TIMESTAMP columns mix.
  override dateTrunc(grain: TimeGrain, expr: string): string {
    if (grain === 'nanosecond') return `CAST(${expr} AS DATETIME)`
    const unit = grain === 'week' ? 'ISOWEEK' : grain.toUpperCase()
    return `DATETIME_TRUNC(CAST(${expr} AS DATETIME), ${unit})`
  }

  override extract(part: DatePart, expr: string): string {
    switch (part) {
      case 'dow': return `(MOD(EXTRACT(DAYOFWEEK FROM ${expr}) + 5, 7) + 1)`
      case 'doy': return `EXTRACT(DAYOFYEAR FROM ${expr})`
      case 'week': return `EXTRACT(ISOWEEK FROM ${expr})`
      default: return `EXTRACT(${part.toUpperCase()} FROM ${expr})`
    }
  }

  override dateAdd(expr: string, n: number | string, grain: TimeGrain): string {
    if (grain === 'nanosecond') return `DATETIME_ADD(CAST(${expr} AS DATETIME), INTERVAL DIV(${this.amount(n)}, 1000) MICROSECOND)`
    return `DATETIME_ADD(CAST(${expr} AS DATETIME), INTERVAL ${this.amount(n)} ${grain.toUpperCase()})`
  }

  override castToTimestamp(expr: string): string {
    return `CAST(${expr} AS DATETIME)`
  }

  override percentile(expr: string, p: number, discrete: boolean, approximate = false): string {
    this.checkPercentile(p)
    if (approximate && discrete) return `APPROX_QUANTILES(${expr}, 10000)[OFFSET(${Math.round(p * 10000)})]`
    return this.unsupportedPercentile(`${approximate ? 'approximate ' : ''}${discrete ? 'discrete' : 'continuous'}`)
  }

  override doubleTypeName(): string {
    return 'FLOAT64'
  }

  override randomUuid(): string {
    return 'GENERATE_UUID()'
  }
}
