// The Dialect seam: small hooks with defaults in a base class; each database
// overrides only what differs. Capability flags replace `if (dialect === ...)`.
import type { DatePart, DialectName, TimeGrain } from '../types'
import type { Select } from './select-ast'

/** Which percentile aggregates the engine has as plain aggregate functions. */
export interface PercentileSupport {
  continuous: boolean
  discrete: boolean
  approximateContinuous: boolean
  approximateDiscrete: boolean
}

export interface DialectCapabilities {
  /** WITH name AS (...) is supported (ClickHouse 18.16: no). */
  ctes: boolean
  /** FULL OUTER JOIN is supported (MySQL/MariaDB: no; emulate). */
  fullOuterJoin: boolean
  /** Bind parameters are supported; when false, values are inlined as escaped literals. */
  bindParameters: boolean
  /** Boolean columns can be used directly as predicates (SQL Server: no, `x = 1`). */
  booleanPredicates: boolean
  /** Window functions (OVER (...)) exist (ClickHouse 18.16: no). */
  windowFunctions: boolean
  /** More than one JOIN in one SELECT (ClickHouse 18.16: no; joins are nested). */
  multipleJoins: boolean
  /** JOIN ... ON accepts non-equality conditions (ClickHouse 18.16: no). */
  nonEquiJoins: boolean
  /**
   * Key joins are written USING (...) and joins are wrapped in a subquery
   * before aggregating (ClickHouse 18.16, whose ON joins drop right-hand keys).
   */
  keyJoinsByUsing: boolean
  /**
   * An alias equal to a column name replaces that column everywhere in the
   * SELECT (ClickHouse 18.16): such aliases are renamed and restored outside.
   */
  aliasesShadowColumns: boolean
  /**
   * Functions and aggregates may be applied to a join's columns in the same
   * SELECT (ClickHouse 18.16: no, some give wrong results over join_use_nulls
   * outputs, so joins are isolated in a subquery that only passes columns).
   */
  exprsOverJoins: boolean
  /**
   * Unmatched rows of an outer join get the column type's default (0, '')
   * unless the column is Nullable (ClickHouse with its default
   * join_use_nulls=0): outer-joined sides are passed through `nullable()`.
   */
  outerJoinsFillDefaults: boolean
  /**
   * An outer join's ON key columns read as one merged column, as with USING
   * (ClickHouse 18.16, same-named or not): a row only one side has reads the
   * other side's key instead of NULL. Keys read outside the ON come from a
   * non-key copy of the column.
   */
  outerJoinKeysMerge: boolean
  /**
   * `/` over integers or decimals gives a DECIMAL rounded to a few digits
   * (MariaDB/MySQL, div_precision_increment=4): a derived metric's expression
   * with a division reads its inputs as DOUBLE.
   */
  decimalDivision: boolean
  /**
   * SUM/AVG/MIN/MAX over no rows give the type's default (0, nan) instead of
   * NULL unless their argument is Nullable (ClickHouse 18.16): their input is
   * passed through `nullable()`.
   */
  emptyAggregatesGiveDefaults: boolean
  percentile: PercentileSupport
}

/**
 * Rewrites the structure of each SELECT before it renders (see
 * Dialect.selectRewriter). The columns its expressions read are ref tokens
 * (column-ref.ts): a rewriter finds and moves them with those helpers, and
 * the renderer quotes them after it returns.
 */
export interface SelectRewriter {
  rewrite(q: Select): Select
}

export interface Dialect {
  readonly name: DialectName
  readonly capabilities: DialectCapabilities
  /** Quote an identifier, doubling the quote character inside. */
  quoteIdentifier(name: string): string
  /**
   * Reference a physical name taken from the model (table, schema, column).
   * Same as quoteIdentifier except on engines that fold unquoted names (Snowflake),
   * where quoting a lower-case name would miss an upper-case stored object.
   */
  sourceIdentifier(name: string): string
  /** A schema-qualified relation from its parts (database, schema, table), each part quoted. */
  qualifiedRelation(parts: string[]): string
  /** Bind placeholder for the 1-based parameter index: `$1`, `?`, `@p1`. */
  placeholder(index: number): string
  /** Escaped SQL literal for dialects without bind parameters (and for DDL-free rendering). */
  literal(value: string | number | boolean | null | Date): string
  dateTrunc(grain: TimeGrain, expr: string): string
  extract(part: DatePart, expr: string): string
  /** `expr` plus `n` units of `grain`; `n` may be a number or an SQL integer expression. */
  dateAdd(expr: string, n: number | string, grain: TimeGrain): string
  castToTimestamp(expr: string): string
  /** A time column as compared with timestamp bounds (range predicates). */
  comparableTime(expr: string): string
  percentile(expr: string, p: number, discrete: boolean, approximate?: boolean): string
  /** Wraps a complete SELECT with LIMIT/OFFSET (TOP / OFFSET..FETCH on mssql). */
  limitOffset(sql: string, limit?: number, offset?: number, hasOrderBy?: boolean): string
  /**
   * One ORDER BY term with PostgreSQL's NULL placement (NULLs last ascending,
   * first descending) on every engine. `source` is the select expression an
   * output alias `expr` stands for (MySQL resolves a name inside an ORDER BY
   * expression against the FROM columns, not the aliases).
   */
  orderByTerm(expr: string, desc: boolean, source?: string): string
  /** Name of the double-precision type (`DOUBLE PRECISION`, `FLOAT64`, `Float64`...). */
  doubleTypeName(): string
  randomUuid(): string
  /** CAST(expr AS <double>). */
  castToDouble(expr: string): string
  /** 1 when the boolean expression is true, else 0 (for sum_boolean). */
  booleanToInt(expr: string): string
  /** Turns a boolean-valued column into a predicate (`x` or `x = 1`). */
  booleanPredicate(expr: string): string
  /** Equality that treats two NULLs as equal. */
  nullSafeEquals(left: string, right: string): string
  /** Keyword(s) introducing a join of the given kind (`LEFT OUTER JOIN`, ClickHouse `ALL LEFT JOIN`). */
  joinKeyword(kind: 'inner' | 'left' | 'right' | 'full' | 'cross'): string
  /**
   * A non-NULL text encoding of a join key, for engines whose joins drop NULL
   * keys (ClickHouse 18.16): equal values, and NULL with NULL, encode equally.
   */
  nullSafeKey?(expr: string): string
  /** The expression typed so it can hold NULL (ClickHouse `toNullable`), before an outer join. */
  nullable?(expr: string): string
  /** A number unique to each row of a SELECT (`ROW_NUMBER() OVER (ORDER BY ...)`). */
  rowNumber(orderBy: string): string
  /**
   * Aggregate returning the value of `value` on the row where `orderBy` (compared
   * in order, as a tuple) is smallest (`first`) or largest (`last`); only used
   * where window functions are missing.
   */
  argExtreme?(which: 'first' | 'last', value: string, orderBy: string[]): string
  /**
   * For engines that cannot run some SELECT shapes as written (ClickHouse
   * 18.16: one join per SELECT, merged outer-join keys...): a rewriter of each
   * SELECT's structure, made once per rendered statement (it may number the
   * subqueries it adds). Absent: SELECTs render as built. ClickHouse's
   * (clickhouse-select.ts) applies the rewrites its capability flags ask for:
   * multipleJoins, exprsOverJoins, outerJoinsFillDefaults, outerJoinKeysMerge,
   * aliasesShadowColumns; those flags mean nothing without a rewriter.
   */
  selectRewriter?(): SelectRewriter
}
