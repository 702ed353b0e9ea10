// MySQL/MariaDB, BigQuery, Snowflake and SQL Server front end:
// engine-faithful lexing (lexer.ts), token checks, then node-sql-parser on the
// re-emitted text, and an allow-list walk over its AST.
//
// node-sql-parser is a PEG grammar, not the engine: its trees are loose
// (`SELECT TOP (@p) a` reads as a function TOP with alias a) and differ per
// dialect. So the walk is explicit about every SELECT clause and FROM item
// shape it accepts, refuses unknown expression node types, and cross-checks
// the parser's own list of tables against the relations the walk found.
import { createRequire } from 'node:module'
import type { DialectName } from '../../../semantic/types'
import { canonicalize, type Canonical } from './canonical'
import { refuse, show } from './errors'
import { lex } from './lexer'
import { assertUniqueCtes, CteScope, foldPart } from './names'
import { checkTokens } from './token-checks'
import type { FunctionRef, NamePart, RelationRef, StatementFacts } from './types'

export type ParserDialect = 'mysql' | 'bigquery' | 'snowflake' | 'mssql'

interface ParseResult {
  tableList: string[]
  ast: unknown
}
interface NodeSqlParser {
  parse(sql: string, opts: { database: string; parseOptions?: { includeLocations?: boolean } }): ParseResult
}

// node-sql-parser is CommonJS without ESM named exports. It is a few hundred
// milliseconds of loading, wanted only by the engines parsed here: loaded with
// the first statement that needs it (as their drivers are), not at start.
let parser: NodeSqlParser | undefined
function loadParser(): NodeSqlParser {
  if (!parser) {
    const { Parser } = createRequire(import.meta.url)('node-sql-parser') as { Parser: new () => NodeSqlParser }
    parser = new Parser()
  }
  return parser
}

const DATABASE: Record<ParserDialect, string> = { mysql: 'mysql', bigquery: 'bigquery', snowflake: 'snowflake', mssql: 'transactsql' }

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

// SQL Server table hints that take no more locks than a plain read (see tableHints).
const LOCK_FREE_HINTS = new Set(['NOLOCK', 'READUNCOMMITTED', 'READCOMMITTED', 'READPAST', 'NOWAIT', 'FORCESEEK', 'FORCESCAN', 'NOEXPAND'])

// Keys a SELECT node may carry (across the four grammars). Unknown keys with
// a value are refused; these are checked one by one below.
const SELECT_KEYS = new Set([
  'with', 'type', 'options', 'distinct', 'columns', 'into', 'from', 'where', 'groupby', 'having', 'orderby', 'limit',
  'locking_read', 'window', 'collate', '_next', 'set_op', 'as_struct_val', 'for_sys_time_as_of', 'qualify', '_orderby',
  '_limit', '_parentheses', 'parentheses_symbol', 'top', 'for', 'parentheses', 'loc',
])
// Expression node types of an analytical query.
const EXPR_TYPES = new Set([
  'column_ref', 'number', 'bigint', 'single_quote_string', 'double_quote_string', 'backticks_quote_string',
  'natural_string', 'hex_string', 'full_hex_string', 'bit_string', 'bool', 'boolean', 'null', 'star', 'binary_expr',
  'unary_expr', 'case', 'when', 'else', 'cast', 'convert', 'interval', 'expr_list', 'origin', 'default', 'array',
  'struct', 'extract', 'window', 'expr', 'datatype', 'date', 'time', 'timestamp', 'datetime', 'json', 'unnest',
  // BigQuery `SELECT * EXCEPT (...)` / `REPLACE (...)`; Snowflake FLATTEN arguments (the library spells it "flattern").
  'except', 'replace', 'flattern', 'input',
])
// `type` values that mark containers rather than expressions (ORDER BY items, DISTINCT).
const CONTAINER_TYPES = new Set(['ASC', 'DESC', 'asc', 'desc', 'DISTINCT', 'ALL', 'distinct', 'all'])
const TABLE_ITEM_KEYS = new Set([
  'db', 'table', 'as', 'join', 'on', 'using', 'surround', 'operator', 'catalog', 'schema', 'server', 'table_hint',
  'temporal_table', 'prefix', 'loc',
])

/**
 * Whether a name was quoted, read from our own tokens at the location the
 * parser reports, never from the parser's metadata: in Snowflake `orders` and
 * `"orders"` are different tables, and a parser that lost the quotes would
 * fold one into the other.
 */
export class NameLocator {
  constructor(private readonly canonical: Canonical) {}

  /** The dotted name starting at `offset`, which must spell `values`. */
  at(loc: unknown, values: string[]): NamePart[] {
    const offset = isObj(loc) && isObj(loc.start) && typeof loc.start.offset === 'number' ? loc.start.offset : -1
    const parts: NamePart[] = []
    let at = offset
    for (let i = 0; i < values.length; i++) {
      const piece = this.canonical.idents.get(at)
      if (!piece || piece.value !== values[i]) refuse('a name in the statement could not be located; the statement is refused to be safe')
      parts.push({ value: piece.value, quoted: piece.quoted })
      at = piece.start + (piece.quoted ? piece.value.length + 2 : piece.value.length)
      if (i < values.length - 1) {
        if (!this.canonical.dots.has(at)) refuse('a name in the statement could not be located; the statement is refused to be safe')
        at += 1
      }
    }
    return parts
  }
}

class NspWalker {
  readonly relations: RelationRef[] = []
  readonly functions: FunctionRef[] = []
  readonly cteNames: NamePart[] = []
  /** `db::table` keys in node-sql-parser's tableList format, for the cross-check. */
  readonly seenTables = new Set<string>()

  constructor(private readonly dialect: ParserDialect, private readonly locator?: NameLocator) {}

  /**
   * Name parts of a dotted name whose first part starts at `loc`. Only
   * Snowflake folds case, so only there does quoting matter and is located.
   */
  private nameParts(values: string[], loc: unknown, parserSaysQuoted: (i: number) => boolean): NamePart[] {
    if (this.dialect !== 'snowflake') return values.map((value) => ({ value, quoted: true }))
    if (this.locator) return this.locator.at(loc, values)
    return values.map((value, i) => ({ value, quoted: parserSaysQuoted(i) }))
  }

  select(n: unknown, scope: CteScope, depth: number): void {
    if (depth > 200) refuse('the statement is nested too deeply')
    if (!isObj(n)) refuse('unexpected parse tree shape')
    if (n.type !== 'select') refuse(`only SELECT queries are allowed; this is ${show(String(n.type ?? 'unknown'))}`)
    for (const [k, v] of Object.entries(n)) {
      if (!SELECT_KEYS.has(k) && v !== null && v !== undefined) refuse(`unsupported clause (${k}) in a read-only query`)
    }
    if (isObj(n.into) && Object.entries(n.into).some(([k, v]) => k !== 'position' && v !== null && v !== undefined)) {
      refuse('SELECT ... INTO (tables, variables or files) is not allowed')
    }
    if (n.into !== null && n.into !== undefined && !isObj(n.into)) refuse('SELECT ... INTO is not allowed')
    if (n.locking_read) refuse('locking clauses (FOR UPDATE / LOCK IN SHARE MODE) are not allowed')
    if (n.for) refuse('FOR XML / FOR JSON / FOR BROWSE clauses are not allowed')
    if (n.options !== null && n.options !== undefined && !(Array.isArray(n.options) && n.options.length === 0)) {
      refuse('SELECT options (SQL_CALC_FOUND_ROWS, HIGH_PRIORITY...) are not allowed')
    }
    let inner = scope
    if (n.with !== null && n.with !== undefined && !Array.isArray(n.with)) refuse('unexpected WITH shape')
    if (Array.isArray(n.with) && n.with.length > 0) inner = this.withList(n.with, scope, depth)
    if (n.from !== null && n.from !== undefined) {
      if (!Array.isArray(n.from)) refuse('unexpected FROM shape')
      this.from(n.from, inner, depth)
    }
    for (const key of ['columns', 'where', 'groupby', 'having', 'orderby', 'limit', 'window', 'collate', 'qualify',
      'top', 'distinct', 'for_sys_time_as_of', '_orderby', '_limit', 'as_struct_val']) {
      this.expr(n[key], inner, depth + 1)
    }
    if (n._next !== null && n._next !== undefined) {
      // A WITH at the head of a set operation covers every branch, unless the
      // head is parenthesized, in which case the WITH belongs to the head only.
      const parenthesized = Boolean(n.parentheses_symbol || n._parentheses || n.parentheses)
      this.select(n._next, parenthesized ? scope : inner, depth + 1)
    }
  }

  private withList(items: unknown[], outer: CteScope, depth: number): CteScope {
    const defs = items.map((i) => {
      if (!isObj(i)) refuse('unexpected WITH shape')
      return i
    })
    const parts = defs.map((d) => this.cteName(d.name, d.loc))
    const names = parts.map((p) => foldPart(p, this.dialect))
    assertUniqueCtes(names)
    const recursive = defs.some((d) => d.recursive === true)
    defs.forEach((d, i) => {
      this.cteNames.push(parts[i])
      const stmt = d.stmt
      const ast = isObj(stmt) ? stmt.ast : undefined
      if (!isObj(ast) || ast.type !== 'select') refuse('data-modifying CTEs (WITH ... INSERT/UPDATE/DELETE) are not allowed')
      this.select(ast, outer.with(recursive ? names : names.slice(0, i)), depth + 1)
    })
    return outer.with(names)
  }

  private cteName(name: unknown, loc: unknown): NamePart {
    if (typeof name === 'string') return this.nameParts([name], loc, () => false)[0]
    if (isObj(name) && typeof name.value === 'string') {
      const quoted = name.type === 'double_quote_string' || name.type === 'backticks_quote_string'
      return this.nameParts([name.value], loc, () => quoted)[0]
    }
    refuse('unexpected CTE name shape')
  }

  private from(items: unknown[], scope: CteScope, depth: number): void {
    for (const item of items) {
      if (!isObj(item)) refuse('unexpected FROM item')
      if (item.type === 'dual') continue
      const expr = item.expr
      if (isObj(expr) && isObj(expr.ast)) {
        this.select(expr.ast, scope, depth + 1)
      } else if (item.type === 'unnest') {
        this.functions.push({ parts: [{ value: 'unnest', quoted: false }], position: 'from' })
        this.expr(item.expr, scope, depth + 1)
      } else if (item.type === 'expr' && isObj(expr) && (expr.type === 'function' || expr.type === 'flatten')) {
        this.functions.push({ parts: this.functionName(expr.name), position: 'from' })
        this.expr(expr.args, scope, depth + 1)
      } else if (typeof item.table === 'string' && item.type === undefined) {
        this.table(item, scope)
      } else {
        refuse('unsupported FROM item in a read-only query')
      }
      if (item.operator) refuse('PIVOT / UNPIVOT operators are not allowed')
      this.expr(item.on, scope, depth + 1)
      this.expr(item.using, scope, depth + 1)
      this.expr(item.temporal_table, scope, depth + 1)
      this.tableHints(item.table_hint)
      this.expr(item.table_hint, scope, depth + 1)
    }
  }

  // SQL Server table hints: a read-only session is not what stops
  // `WITH (UPDLOCK)`, `XLOCK` or `TABLOCK` from taking update, exclusive or
  // table locks that block writers for as long as the query runs (there is no
  // read-only session on SQL Server at all). Only hints that take no more locks
  // than a plain read are accepted.
  private tableHints(hint: unknown): void {
    if (hint === null || hint === undefined) return
    const items = isObj(hint) && Array.isArray(hint.expr) ? hint.expr : null
    if (!items) refuse('unexpected table hint shape')
    for (const h of items) {
      const inner = isObj(h) && isObj(h.expr) ? h.expr : null
      const name = inner && typeof inner.value === 'string' ? inner.value.trim().toUpperCase() : null
      if (!name || !LOCK_FREE_HINTS.has(name)) refuse(`the table hint ${show(name ?? '?')} is not allowed: only hints that take no extra locks are (${[...LOCK_FREE_HINTS].join(', ')})`)
    }
  }

  private table(item: Obj, scope: CteScope): void {
    for (const [k, v] of Object.entries(item)) {
      if (!TABLE_ITEM_KEYS.has(k) && v !== null && v !== undefined) refuse(`unsupported table reference (${k})`)
    }
    const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)
    const server = str(item.server), db = str(item.db), catalog = str(item.catalog), schema = str(item.schema)
    const table = str(item.table)
    if (!table) refuse('unexpected table reference shape')
    if (catalog && db && catalog !== db) refuse('unexpected table reference shape')
    const surround = isObj(item.surround) ? item.surround : {}
    const values: string[] = []
    const keys: string[] = []
    const add = (value: string | undefined, key: string) => { if (value) { values.push(value); keys.push(key) } }
    add(server, 'server')
    if (schema) { add(db ?? catalog, 'db'); add(schema, 'schema') } else add(db, 'db')
    add(table, 'table')
    const parts = this.nameParts(values, item.loc, (i) => typeof surround[keys[i]] === 'string' && surround[keys[i]] !== '')
    this.seenTables.add(`${[server, db ?? catalog, schema].filter(Boolean).join('.') || 'null'}::${table}`)
    if (parts.length === 1 && scope.has(foldPart(parts[0], this.dialect))) return
    this.relations.push({ parts })
  }

  private functionName(name: unknown): NamePart[] {
    if (typeof name === 'string' && name !== '') return [{ value: name, quoted: false }]
    if (isObj(name)) {
      const parts: NamePart[] = []
      const schema = name.schema
      if (isObj(schema) && typeof schema.value === 'string') parts.push({ value: schema.value, quoted: false })
      else if (typeof schema === 'string') parts.push({ value: schema, quoted: false })
      if (Array.isArray(name.name)) {
        for (const p of name.name) {
          if (!isObj(p) || typeof p.value !== 'string') refuse('unexpected function name shape')
          parts.push({ value: p.value, quoted: false })
        }
      }
      if (parts.length > 0) return parts
    }
    refuse('unexpected function name shape')
  }

  private expr(n: unknown, scope: CteScope, depth: number): void {
    if (depth > 400) refuse('the statement is nested too deeply')
    if (n === null || n === undefined || typeof n !== 'object') return
    if (Array.isArray(n)) {
      for (const x of n) this.expr(x, scope, depth + 1)
      return
    }
    const o = n as Obj
    if ('ast' in o) return this.select(o.ast, scope, depth + 1)
    const type = o.type
    if (type === 'select') return this.select(o, scope, depth + 1)
    let skip: string | undefined
    switch (type) {
      case 'function':
        this.functions.push({ parts: this.functionName(o.name), position: 'expression' })
        skip = 'name'
        break
      case 'aggr_func':
      case 'window_func':
        this.functions.push({ parts: this.functionName(o.name), position: 'expression' })
        skip = 'name'
        break
      case 'column_ref':
        // `seq.NEXTVAL` looks like a column but advances a sequence (Snowflake has
        // no read-only session; MariaDB reads it so in Oracle mode) and names an
        // object outside the allow list: the qualifier is never checked as a relation.
        if ((this.dialect === 'snowflake' || this.dialect === 'mysql') && o.table && typeof o.column === 'string' && /^(nextval|currval)$/i.test(o.column)) {
          refuse(`${show(`${String(o.table)}.${o.column}`)} reads a sequence, which is not allowed`)
        }
        break
      default:
        if (type === undefined || type === null || (typeof type === 'string' && CONTAINER_TYPES.has(type))) {
          // A container (select column, ORDER BY item, window spec): no table references may hide here.
          if ('table' in o && !('column' in o) && typeof o.table === 'string') refuse('unexpected table reference')
        } else if (typeof type !== 'string' || !EXPR_TYPES.has(type)) {
          refuse(`unsupported syntax (${show(String(type))}) in a read-only query`)
        }
    }
    for (const [k, v] of Object.entries(o)) {
      if (k === skip || k === 'surround' || k === 'tableList' || k === 'columnList') continue
      if (typeof v === 'object' && v !== null) this.expr(v, scope, depth + 1)
    }
  }
}

export function analyseWithNodeSqlParser(sql: string, dialect: ParserDialect): StatementFacts {
  const tokens = checkTokens(lex(sql, dialect), dialect)
  const canonical = canonicalize(tokens, dialect)
  return analyseParsed(canonical.text, dialect, new NameLocator(canonical))
}

/**
 * Parse and walk text that is already canonical (no lexing, no token checks).
 * Exported so tests can prove the AST layer refuses on its own.
 */
export function analyseParsed(text: string, dialect: ParserDialect, locator?: NameLocator): StatementFacts {
  let result: ParseResult
  try {
    result = loadParser().parse(text, { database: DATABASE[dialect], parseOptions: { includeLocations: true } })
  } catch (e) {
    if (e instanceof RangeError) refuse('the statement is nested too deeply')
    const found = isObj(e) && typeof e.found === 'string' ? ` near ${show(e.found)}` : ''
    refuse(`syntax error${found}: the statement could not be parsed as ${dialect} SQL`)
  }
  let ast = result.ast
  if (Array.isArray(ast)) {
    if (ast.length !== 1) refuse('more than one statement: stacked statements are not allowed')
    ast = ast[0]
  }
  const walker = new NspWalker(dialect, locator)
  walker.select(ast, CteScope.root(), 0)
  // Cross-check: every table the parser saw must be one the walk placed.
  for (const entry of result.tableList ?? []) {
    const [kind, db, table] = entry.split('::')
    if (kind.toLowerCase() !== 'select') refuse(`only SELECT queries are allowed; the statement ${kind.toUpperCase()}s ${show(table ?? '')}`)
    if (!walker.seenTables.has(`${db}::${table}`)) refuse(`the table reference ${show(`${db}.${table}`)} is in an unsupported position`)
  }
  return { relations: walker.relations, functions: walker.functions, cteNames: walker.cteNames }
}
