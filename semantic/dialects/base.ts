// Defaults shared by the dialects: ANSI SQL as PostgreSQL speaks it. Each
// database file overrides only the hooks where its SQL differs.
import { SemanticError, type DatePart, type DialectName, type TimeGrain } from '../types'
import { TOKEN_CHARS } from './column-ref'
import type { Dialect, DialectCapabilities } from './dialect'

export const DEFAULT_CAPABILITIES: DialectCapabilities = {
  ctes: true,
  fullOuterJoin: true,
  bindParameters: true,
  booleanPredicates: true,
  windowFunctions: true,
  multipleJoins: true,
  nonEquiJoins: true,
  keyJoinsByUsing: false,
  aliasesShadowColumns: false,
  exprsOverJoins: true,
  outerJoinsFillDefaults: false,
  outerJoinKeysMerge: false,
  decimalDivision: false,
  emptyAggregatesGiveDefaults: false,
  percentile: { continuous: true, discrete: true, approximateContinuous: false, approximateDiscrete: false },
}

/** ISO-8601 text of a Date without the zone suffix, as engines parse it. */
export function isoTimestamp(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new SemanticError('invalid_query', 'invalid date value')
  return d.toISOString().replace('T', ' ').replace('Z', '').replace(/\.000$/, '')
}

export function assertFiniteNumber(n: number): string {
  if (!Number.isFinite(n)) throw new SemanticError('invalid_query', `number ${n} cannot be used in SQL`)
  return String(n)
}

export abstract class BaseDialect implements Dialect {
  abstract readonly name: DialectName
  readonly capabilities: DialectCapabilities = DEFAULT_CAPABILITIES

  /** Opening and closing identifier quote characters. */
  protected quoteChars: [string, string] = ['"', '"']

  /**
   * Refuses NUL, and the characters that delimit the compiler's parameter and
   * column-ref tokens (column-ref.ts), so a quoted name can never pass for one.
   */
  protected checkIdentifier(name: string): void {
    if (name.includes('\u0000')) throw new SemanticError('invalid_query', 'identifier contains a NUL character')
    if (TOKEN_CHARS.test(name)) throw new SemanticError('invalid_query', 'identifier contains a control character (U+0001 to U+0003)')
  }

  quoteIdentifier(name: string): string {
    this.checkIdentifier(name)
    const [open, close] = this.quoteChars
    return open + name.split(close).join(close + close) + close
  }

  sourceIdentifier(name: string): string {
    return this.quoteIdentifier(name)
  }

  qualifiedRelation(parts: string[]): string {
    return parts.filter((p) => p !== '').map((p) => this.sourceIdentifier(p)).join('.')
  }

  placeholder(index: number): string {
    return `$${index}`
  }

  /** Escapes the body of a string literal (without the surrounding quotes). */
  protected escapeString(value: string): string {
    if (value.includes('\u0000')) throw new SemanticError('invalid_query', 'string value contains a NUL character')
    return value.split("'").join("''")
  }

  protected stringLiteral(value: string): string {
    return `'${this.escapeString(value)}'`
  }

  protected booleanLiteral(value: boolean): string {
    return value ? 'TRUE' : 'FALSE'
  }

  literal(value: string | number | boolean | null | Date): string {
    if (value === null) return 'NULL'
    if (typeof value === 'number') return assertFiniteNumber(value)
    if (typeof value === 'boolean') return this.booleanLiteral(value)
    if (value instanceof Date) return this.castToTimestamp(this.stringLiteral(isoTimestamp(value)))
    return this.stringLiteral(value)
  }

  dateTrunc(grain: TimeGrain, expr: string): string {
    // PostgreSQL has no nanosecond precision: truncating to it is the identity.
    if (grain === 'nanosecond') return expr
    return `DATE_TRUNC('${grain}', ${expr})`
  }

  /** Name of the date part inside EXTRACT(... FROM x). DOW is ISO (Monday = 1 .. Sunday = 7) everywhere. */
  protected extractPartName(part: DatePart): string {
    if (part === 'dow') return 'isodow'
    return part
  }

  extract(part: DatePart, expr: string): string {
    return `EXTRACT(${this.extractPartName(part)} FROM ${expr})`
  }

  /** Normalises the amount: a number is checked, an expression is parenthesised. */
  protected amount(n: number | string): string {
    return typeof n === 'number' ? assertFiniteNumber(n) : `(${n})`
  }

  /** Quarters become three months: several engines lack a quarter interval. */
  protected quarterAsMonths(n: number | string, grain: TimeGrain): { n: number | string; grain: TimeGrain } {
    if (grain !== 'quarter') return { n, grain }
    return { n: typeof n === 'number' ? n * 3 : `(${n}) * 3`, grain: 'month' }
  }

  dateAdd(expr: string, n: number | string, grain: TimeGrain): string {
    const q = this.quarterAsMonths(n, grain)
    const unit = q.grain === 'nanosecond' ? 'microsecond' : q.grain
    const amount = q.grain === 'nanosecond' ? (typeof q.n === 'number' ? q.n / 1000 : `(${q.n}) / 1000.0`) : q.n
    return `(${expr} + ${this.amount(amount)} * INTERVAL '1 ${unit}')`
  }

  castToTimestamp(expr: string): string {
    return `CAST(${expr} AS TIMESTAMP)`
  }

  /** A time column as compared with timestamp bounds; the raw column keeps indexes usable. */
  comparableTime(expr: string): string {
    return expr
  }

  protected unsupportedPercentile(kind: string): never {
    throw new SemanticError('unsupported', `${kind} percentile aggregation is not supported on ${this.name}`)
  }

  protected checkPercentile(p: number): string {
    if (!(p >= 0 && p <= 1)) throw new SemanticError('invalid_model', `percentile must be between 0 and 1, got ${p}`)
    return assertFiniteNumber(p)
  }

  percentile(expr: string, p: number, discrete: boolean, approximate = false): string {
    const pct = this.checkPercentile(p)
    if (approximate) return this.unsupportedPercentile(discrete ? 'approximate discrete' : 'approximate continuous')
    return `${discrete ? 'PERCENTILE_DISC' : 'PERCENTILE_CONT'}(${pct}) WITHIN GROUP (ORDER BY ${expr})`
  }

  orderByTerm(expr: string, desc: boolean, _source?: string): string {
    return desc ? `${expr} DESC` : expr
  }

  limitOffset(sql: string, limit?: number, offset?: number, _hasOrderBy?: boolean): string {
    let out = sql
    if (limit !== undefined) out += `\nLIMIT ${checkCount(limit)}`
    if (offset !== undefined && offset > 0) out += `\nOFFSET ${checkCount(offset)}`
    return out
  }

  doubleTypeName(): string {
    return 'DOUBLE PRECISION'
  }

  randomUuid(): string {
    return 'GEN_RANDOM_UUID()'
  }

  castToDouble(expr: string): string {
    return `CAST(${expr} AS ${this.doubleTypeName()})`
  }

  booleanToInt(expr: string): string {
    return `CASE WHEN ${expr} THEN 1 ELSE 0 END`
  }

  booleanPredicate(expr: string): string {
    return expr
  }

  rowNumber(orderBy: string): string {
    return `ROW_NUMBER() OVER (ORDER BY ${orderBy})`
  }

  nullSafeEquals(left: string, right: string): string {
    return `(${left} = ${right} OR (${left} IS NULL AND ${right} IS NULL))`
  }

  joinKeyword(kind: 'inner' | 'left' | 'right' | 'full' | 'cross'): string {
    switch (kind) {
      case 'inner': return 'INNER JOIN'
      case 'left': return 'LEFT OUTER JOIN'
      case 'right': return 'RIGHT OUTER JOIN'
      case 'full': return 'FULL OUTER JOIN'
      case 'cross': return 'CROSS JOIN'
    }
  }
}

export function checkCount(n: number): string {
  if (!Number.isInteger(n) || n < 0) throw new SemanticError('invalid_query', `limit/offset must be a non-negative integer, got ${n}`)
  return String(n)
}
