// Amazon Redshift: PostgreSQL 8 heritage with its own date functions.
import type { DatePart, DialectName, TimeGrain } from '../types'
import { BaseDialect, DEFAULT_CAPABILITIES } from './base'
import type { DialectCapabilities } from './dialect'

export class RedshiftDialect extends BaseDialect {
  readonly name: DialectName = 'redshift'
  override readonly capabilities: DialectCapabilities = {
    ...DEFAULT_CAPABILITIES,
    // PERCENTILE_DISC is a window function only; APPROXIMATE PERCENTILE_DISC is an aggregate.
    percentile: { continuous: true, discrete: false, approximateContinuous: false, approximateDiscrete: true },
  }

  // Redshift always reads a backslash in a string literal as an escape
  // (literals are for display: values run as parameters).
  protected override escapeString(value: string): string {
    return super.escapeString(value).split('\\').join('\\\\')
  }

  override dateTrunc(grain: TimeGrain, expr: string): string {
    // Redshift timestamps stop at microseconds.
    if (grain === 'nanosecond') return expr
    return `DATE_TRUNC('${grain}', ${expr})`
  }

  override extract(part: DatePart, expr: string): string {
    // Redshift's dow is 0 = Sunday; map to ISO (Monday = 1 .. Sunday = 7).
    if (part === 'dow') return `CASE WHEN EXTRACT(dow FROM ${expr}) = 0 THEN 7 ELSE EXTRACT(dow FROM ${expr}) END`
    return `EXTRACT(${part} FROM ${expr})`
  }

  override dateAdd(expr: string, n: number | string, grain: TimeGrain): string {
    const q = this.quarterAsMonths(n, grain)
    if (q.grain === 'nanosecond') return `DATEADD(microsecond, ${this.amount(q.n)} / 1000, ${expr})`
    return `DATEADD(${q.grain}, ${this.amount(q.n)}, ${expr})`
  }

  override percentile(expr: string, p: number, discrete: boolean, approximate = false): string {
    const pct = this.checkPercentile(p)
    if (approximate && discrete) return `APPROXIMATE PERCENTILE_DISC(${pct}) WITHIN GROUP (ORDER BY ${expr})`
    if (approximate) return this.unsupportedPercentile('approximate continuous')
    if (discrete) return this.unsupportedPercentile('discrete')
    return `PERCENTILE_CONT(${pct}) WITHIN GROUP (ORDER BY ${expr})`
  }

  override randomUuid(): string {
    // Redshift has no UUID generator; a random md5 is unique enough for row tagging.
    return 'MD5(RANDOM()::VARCHAR)'
  }
}
