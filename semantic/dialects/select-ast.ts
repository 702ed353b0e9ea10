// The compiler's SQL AST: nested SELECTs whose columns are referenced by name
// through a subquery alias. It lives with the dialects because both sides
// read it: the compiler builds it (compiler/sql.ts renders it), and a dialect
// may rewrite a SELECT's structure before it is rendered (Dialect.selectRewriter,
// ClickHouse 18.16), as Kysely's dialects supply their own query compiler.
// Expressions are SQL text in which every column read through an alias is a
// ref token (column-ref.ts), so a rewrite finds and replaces columns without
// reading SQL; the clauses and the outer-join keys are structure.

export interface SelectItem {
  expr: string
  alias: string
}

export type Source =
  | { kind: 'table'; sql: string; alias: string }
  | { kind: 'query'; query: Query; alias: string }

export type JoinKind = 'inner' | 'left' | 'right' | 'full' | 'cross'

export interface Join {
  kind: JoinKind
  source: Source
  /**
   * Key equalities `left = right` between two column refs (column-ref.ts),
   * rendered as the first ON conditions. Kept apart from `on` because
   * ClickHouse 18.16 merges an outer join's key columns (clickhouse-select.ts).
   */
  keys?: Array<{ left: string; right: string }>
  /** Further ANDed conditions (after `keys`); both empty for cross joins. */
  on: string[]
  /** Left side of the key equality (used to emulate FULL OUTER JOIN where it is missing). */
  leftKey?: string
  /** Join USING these column names instead of ON conditions. */
  using?: string[]
}

export interface Select {
  type: 'select'
  /** Named subqueries rendered as WITH (only used where the dialect has CTEs). */
  with?: Array<{ name: string; query: Query }>
  distinct?: boolean
  items: SelectItem[]
  from: Source
  joins: Join[]
  where: string[]
  groupBy: string[]
  orderBy: Array<{ expr: string; desc: boolean }>
  /** Only honoured on the outermost query (rendered through Dialect.limitOffset). */
  limit?: number
}

export interface Union {
  type: 'union'
  all: boolean
  parts: Select[]
}

export type Query = Select | Union

export function select(partial: Partial<Select> & { items: SelectItem[]; from: Source }): Select {
  return { type: 'select', joins: [], where: [], groupBy: [], orderBy: [], ...partial }
}
