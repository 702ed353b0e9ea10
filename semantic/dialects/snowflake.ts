// Snowflake: unquoted names fold to upper case, so model names are quoted only when they must be.
import type { DatePart, DialectName, TimeGrain } from '../types'
import { BaseDialect, DEFAULT_CAPABILITIES } from './base'
import type { DialectCapabilities } from './dialect'

// Snowflake reserved keywords (ANSI + Snowflake), which must be quoted even when simple.
const RESERVED = new Set(`ACCOUNT ALL ALTER AND ANY AS BETWEEN BY CASE CAST CHECK COLUMN CONNECT CONNECTION CONSTRAINT
CREATE CROSS CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER DATABASE DELETE DISTINCT DROP ELSE EXISTS
FALSE FOLLOWING FOR FROM FULL GRANT GROUP GSCLUSTER HAVING ILIKE IN INCREMENT INNER INSERT INTERSECT INTO IS ISSUE JOIN
LATERAL LEFT LIKE LOCALTIME LOCALTIMESTAMP MINUS NATURAL NOT NULL OF ON OR ORDER ORGANIZATION QUALIFY REGEXP REVOKE RIGHT
RLIKE ROW ROWS SAMPLE SCHEMA SELECT SET SOME START TABLE TABLESAMPLE THEN TO TRIGGER TRUE TRY_CAST UNION UNIQUE UPDATE
USING VALUES VIEW WHEN WHENEVER WHERE WITH`.split(/\s+/))

export class SnowflakeDialect extends BaseDialect {
  readonly name: DialectName = 'snowflake'
  override readonly capabilities: DialectCapabilities = {
    ...DEFAULT_CAPABILITIES,
    percentile: { continuous: true, discrete: true, approximateContinuous: true, approximateDiscrete: false },
  }

  /**
   * A simple name from the model is left unquoted so Snowflake resolves it the
   * way dbt created it (case-insensitively); anything else is quoted verbatim.
   */
  override sourceIdentifier(name: string): string {
    if (/^[A-Za-z_][A-Za-z0-9_$]*$/.test(name) && !RESERVED.has(name.toUpperCase())) return name
    return this.quoteIdentifier(name)
  }

  override placeholder(_index: number): string {
    return '?'
  }

  protected override escapeString(value: string): string {
    return super.escapeString(value).split('\\').join('\\\\')
  }

  override dateTrunc(grain: TimeGrain, expr: string): string {
    return `DATE_TRUNC('${grain}', ${expr})`
  }

  override extract(part: DatePart, expr: string): string {
    const name = part === 'dow' ? 'dayofweekiso' : part === 'doy' ? 'dayofyear' : part === 'week' ? 'weekiso' : part
    return `EXTRACT(${name} FROM ${expr})`
  }

  override dateAdd(expr: string, n: number | string, grain: TimeGrain): string {
    return `DATEADD(${grain}, ${this.amount(n)}, ${expr})`
  }

  override percentile(expr: string, p: number, discrete: boolean, approximate = false): string {
    const pct = this.checkPercentile(p)
    if (approximate && !discrete) return `APPROX_PERCENTILE(${expr}, ${pct})`
    if (approximate) return this.unsupportedPercentile('approximate discrete')
    return `${discrete ? 'PERCENTILE_DISC' : 'PERCENTILE_CONT'}(${pct}) WITHIN GROUP (ORDER BY ${expr})`
  }

  override doubleTypeName(): string {
    return 'DOUBLE'
  }

  override randomUuid(): string {
    return 'UUID_STRING()'
  }

  override nullSafeEquals(left: string, right: string): string {
    return `EQUAL_NULL(${left}, ${right})`
  }
}
