// Microsoft SQL Server (2017+; approximate percentiles need 2022): no boolean
// predicates, TOP / OFFSET..FETCH, DATEADD/DATEDIFF instead of DATE_TRUNC.
import type { DatePart, DialectName, TimeGrain } from '../types'
import { BaseDialect, DEFAULT_CAPABILITIES, checkCount } from './base'
import type { DialectCapabilities } from './dialect'

export class MssqlDialect extends BaseDialect {
  readonly name: DialectName = 'mssql'
  override readonly capabilities: DialectCapabilities = {
    ...DEFAULT_CAPABILITIES,
    booleanPredicates: false,
    // PERCENTILE_CONT/DISC exist only as window functions; APPROX_PERCENTILE_* are aggregates (2022+).
    percentile: { continuous: false, discrete: false, approximateContinuous: true, approximateDiscrete: true },
  }
  protected override quoteChars: [string, string] = ['[', ']']

  override placeholder(index: number): string {
    return `@p${index}`
  }

  protected override stringLiteral(value: string): string {
    return `N'${this.escapeString(value)}'`
  }

  protected override booleanLiteral(value: boolean): string {
    return value ? '1' : '0'
  }

  // DATEADD(unit, DATEDIFF(unit, 0, x), 0) truncates without DATETRUNC (2022+ only).
  // Day 0 (1900-01-01) is a Monday, which anchors ISO weeks.
  override dateTrunc(grain: TimeGrain, expr: string): string {
    switch (grain) {
      case 'year': case 'quarter': case 'month': case 'day': case 'hour': case 'minute':
        return `DATEADD(${grain}, DATEDIFF(${grain}, 0, ${expr}), 0)`
      case 'week':
        return `DATEADD(day, -(DATEDIFF(day, 0, ${expr}) % 7), DATEADD(day, DATEDIFF(day, 0, ${expr}), 0))`
      case 'second': case 'millisecond': {
        // Counting from midnight keeps DATEDIFF within INT range.
        const midnight = `CAST(CAST(${expr} AS DATE) AS DATETIME2)`
        return `DATEADD(${grain}, DATEDIFF(${grain}, ${midnight}, ${expr}), ${midnight})`
      }
      default:
        return `CAST(${expr} AS DATETIME2)`
    }
  }

  override extract(part: DatePart, expr: string): string {
    switch (part) {
      case 'dow': return `(((DATEPART(weekday, ${expr}) + @@DATEFIRST + 5) % 7) + 1)`
      case 'doy': return `DATEPART(dayofyear, ${expr})`
      case 'week': return `DATEPART(iso_week, ${expr})`
      default: return `DATEPART(${part}, ${expr})`
    }
  }

  override dateAdd(expr: string, n: number | string, grain: TimeGrain): string {
    return `DATEADD(${grain}, ${this.amount(n)}, ${expr})`
  }

  override castToTimestamp(expr: string): string {
    return `CAST(${expr} AS DATETIME2)`
  }

  override percentile(expr: string, p: number, discrete: boolean, approximate = false): string {
    const pct = this.checkPercentile(p)
    if (!approximate) return this.unsupportedPercentile(discrete ? 'discrete' : 'continuous')
    return `${discrete ? 'APPROX_PERCENTILE_DISC' : 'APPROX_PERCENTILE_CONT'}(${pct}) WITHIN GROUP (ORDER BY ${expr})`
  }

  override limitOffset(sql: string, limit?: number, offset?: number, hasOrderBy?: boolean): string {
    if (limit === undefined && (offset === undefined || offset === 0)) return sql
    // OFFSET..FETCH needs an ORDER BY; ordering by a constant keeps the engine's order.
    let out = hasOrderBy ? sql : `${sql}\nORDER BY (SELECT NULL)`
    out += `\nOFFSET ${checkCount(offset ?? 0)} ROWS`
    if (limit !== undefined) out += ` FETCH NEXT ${checkCount(limit)} ROWS ONLY`
    return out
  }

  override doubleTypeName(): string {
    return 'FLOAT'
  }

  override randomUuid(): string {
    return 'NEWID()'
  }

  override booleanToInt(expr: string): string {
    return `CASE WHEN ${expr} = 1 THEN 1 ELSE 0 END`
  }

  override booleanPredicate(expr: string): string {
    return `${expr} = 1`
  }
}
