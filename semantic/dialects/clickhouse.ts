// ClickHouse, down to 18.16: no CTEs, no window functions, one JOIN per SELECT,
// equality-only join conditions, no server-side parameters (values are inlined
// as escaped literals), no toStartOfInterval/toStartOfWeek. SELECT shapes it
// cannot run are rewritten before rendering (clickhouse-select.ts).
import { SemanticError, type DatePart, type DialectName, type TimeGrain } from '../types'
import { BaseDialect } from './base'
import { ClickHouseSelectRewriter } from './clickhouse-select'
import type { DialectCapabilities, SelectRewriter } from './dialect'

const ADD_FUNCTION: Partial<Record<TimeGrain, string>> = {
  second: 'addSeconds', minute: 'addMinutes', hour: 'addHours', day: 'addDays',
  week: 'addWeeks', month: 'addMonths', year: 'addYears',
}

export class ClickHouseDialect extends BaseDialect {
  readonly name: DialectName = 'clickhouse'
  override readonly capabilities: DialectCapabilities = {
    ctes: false,
    fullOuterJoin: true,
    bindParameters: false,
    booleanPredicates: true,
    windowFunctions: false,
    multipleJoins: false,
    nonEquiJoins: false,
    keyJoinsByUsing: true,
    aliasesShadowColumns: true,
    exprsOverJoins: false,
    outerJoinsFillDefaults: true,
    outerJoinKeysMerge: true,
    decimalDivision: false,
    emptyAggregatesGiveDefaults: true,
    percentile: { continuous: false, discrete: false, approximateContinuous: true, approximateDiscrete: false },
  }
  protected override quoteChars: [string, string] = ['`', '`']

  override quoteIdentifier(name: string): string {
    this.checkIdentifier(name)
    return '`' + name.split('\\').join('\\\\').split('`').join('\\`') + '`'
  }

  /** ClickHouse puts NULLs last in both directions; PostgreSQL puts them first descending. */
  override orderByTerm(expr: string, desc: boolean): string {
    return desc ? `${expr} DESC NULLS FIRST` : expr
  }

  override placeholder(_index: number): string {
    throw new SemanticError('unsupported', 'clickhouse takes no bind parameters: values are inlined as literals')
  }

  protected override escapeString(value: string): string {
    if (value.includes('\u0000')) return super.escapeString(value)
    return value.split('\\').join('\\\\').split("'").join("\\'")
  }

  protected override booleanLiteral(value: boolean): string {
    return value ? '1' : '0'
  }

  // Every truncation returns DateTime so Date and DateTime columns compare and join uniformly.
  override dateTrunc(grain: TimeGrain, expr: string): string {
    switch (grain) {
      case 'year': return `toDateTime(toStartOfYear(${expr}))`
      case 'quarter': return `toDateTime(toStartOfQuarter(${expr}))`
      case 'month': return `toDateTime(toStartOfMonth(${expr}))`
      case 'week': return `toDateTime(toMonday(${expr}))`
      case 'day': return `toDateTime(toDate(${expr}))`
      case 'hour': return `toStartOfHour(toDateTime(${expr}))`
      case 'minute': return `toStartOfMinute(toDateTime(${expr}))`
      // DateTime has whole seconds: finer grains are the value itself.
      default: return `toDateTime(${expr})`
    }
  }

  override extract(part: DatePart, expr: string): string {
    switch (part) {
      case 'year': return `toYear(${expr})`
      case 'quarter': return `toQuarter(${expr})`
      case 'month': return `toMonth(${expr})`
      case 'week': return `toISOWeek(${expr})`
      case 'day': return `toDayOfMonth(${expr})`
      case 'dow': return `toDayOfWeek(${expr})`
      case 'doy': return `toDayOfYear(${expr})`
    }
  }

  override dateAdd(expr: string, n0: number | string, grain0: TimeGrain): string {
    // addQuarters does not exist on 18.16: a quarter is three months.
    const { n, grain } = this.quarterAsMonths(n0, grain0)
    const fn = ADD_FUNCTION[grain]
    if (fn) return `${fn}(toDateTime(${expr}), ${this.amount(n)})`
    const perSecond = grain === 'millisecond' ? 1000 : grain === 'microsecond' ? 1_000_000 : 1_000_000_000
    return `addSeconds(toDateTime(${expr}), intDiv(${this.amount(n)}, ${perSecond}))`
  }

  override castToTimestamp(expr: string): string {
    return `toDateTime(${expr})`
  }

  /**
   * ClickHouse 18.16 compares a Date with a DateTime as raw numbers (days vs
   * seconds): time columns are lifted to DateTime before range comparisons.
   */
  override comparableTime(expr: string): string {
    return /^toDateTime\(.*\)$/s.test(expr) ? expr : `toDateTime(${expr})`
  }

  override percentile(expr: string, p: number, discrete: boolean, approximate = false): string {
    const pct = this.checkPercentile(p)
    if (approximate && !discrete) return `quantile(${pct})(${expr})`
    return this.unsupportedPercentile(`${approximate ? 'approximate ' : ''}${discrete ? 'discrete' : 'continuous'}`)
  }

  override doubleTypeName(): string {
    // Nullable: a plain Float64 cannot hold the NULL of NULLIF(x, 0).
    return 'Nullable(Float64)'
  }

  nullable(expr: string): string {
    return `toNullable(${expr})`
  }

  nullSafeKey(expr: string): string {
    return `ifNull(concat('v', toString(${expr})), 'n')`
  }

  override rowNumber(_orderBy: string): string {
    // No window functions: a per-query row counter is unique, which is all callers need.
    return 'rowNumberInAllBlocks()'
  }

  override randomUuid(): string {
    return 'generateUUIDv4()'
  }

  override joinKeyword(kind: 'inner' | 'left' | 'right' | 'full' | 'cross'): string {
    // Old servers require an explicit strictness (ALL keeps SQL semantics: every match).
    switch (kind) {
      case 'inner': return 'ALL INNER JOIN'
      case 'left': return 'ALL LEFT OUTER JOIN'
      case 'right': return 'ALL RIGHT OUTER JOIN'
      case 'full': return 'ALL FULL OUTER JOIN'
      case 'cross': return 'CROSS JOIN'
    }
  }

  /** One join per SELECT, nullable outer-joined sides, copies of merged join keys, unshadowed aliases. */
  selectRewriter(): SelectRewriter {
    return new ClickHouseSelectRewriter(this)
  }

  argExtreme(which: 'first' | 'last', value: string, orderBy: string[]): string {
    const key = orderBy.length === 1 ? orderBy[0] : `tuple(${orderBy.join(', ')})`
    return `${which === 'first' ? 'argMin' : 'argMax'}(${value}, ${key})`
  }
}
