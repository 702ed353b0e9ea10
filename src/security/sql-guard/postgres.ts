// Postgres and Redshift front end: the real Postgres parser (libpg-query,
// compiled to WASM) and a walk over its parse tree that accepts only node
// types on an allow list. Anything the walk does not know is refused, so a
// new Postgres feature is closed until someone decides it is safe.
import { loadModule, parseSync, scanSync } from 'libpg-query'
import type { DialectName } from '../../../semantic/types'
import { refuse, Refusal, show } from './errors'
import { assertUniqueCtes, CteScope, foldPart } from './names'
import type { FunctionRef, NamePart, RelationRef, StatementFacts } from './types'

// The WASM module loads once, when the guard is first imported (~20 ms).
await loadModule()

type Obj = Record<string, unknown>

// Node types an analytical SELECT is made of. Everything else (DML, DDL,
// utility statements, XML/JSON constructors, table functions over XML...) is refused.
const ALLOWED_NODES = new Set([
  'SelectStmt', 'ResTarget', 'ColumnRef', 'A_Star', 'A_Const', 'ParamRef', 'A_Expr', 'BoolExpr', 'NullTest',
  'BooleanTest', 'FuncCall', 'TypeCast', 'TypeName', 'SubLink', 'CaseExpr', 'CaseWhen', 'CoalesceExpr', 'MinMaxExpr',
  'SQLValueFunction', 'A_ArrayExpr', 'A_Indirection', 'A_Indices', 'RowExpr', 'CollateClause', 'NamedArgExpr',
  'SortBy', 'WindowDef', 'GroupingSet', 'GroupingFunc', 'String', 'Integer', 'Float', 'Boolean', 'BitString', 'List',
  'RangeVar', 'RangeSubselect', 'JoinExpr', 'RangeFunction', 'RangeTableSample', 'CommonTableExpr', 'Alias',
  'ColumnDef',
])

// Fields whose value is a struct written inline (without a `{ NodeType: ... }` wrapper).
const INLINE_FIELDS = new Set([
  'over', 'alias', 'join_using_alias', 'typeName', 'withClause', 'ival', 'fval', 'sval', 'boolval', 'bsval',
  'search_clause', 'cycle_clause',
])

const STATEMENT_NAMES: Record<string, string> = {
  InsertStmt: 'INSERT', UpdateStmt: 'UPDATE', DeleteStmt: 'DELETE', MergeStmt: 'MERGE', CopyStmt: 'COPY',
  CallStmt: 'CALL', ExecuteStmt: 'EXECUTE', PrepareStmt: 'PREPARE', VariableSetStmt: 'SET', VariableShowStmt: 'SHOW',
  GrantStmt: 'GRANT', GrantRoleStmt: 'GRANT', VacuumStmt: 'VACUUM/ANALYZE', ExplainStmt: 'EXPLAIN', DoStmt: 'DO',
  TransactionStmt: 'transaction control', CreateStmt: 'CREATE TABLE', CreateTableAsStmt: 'CREATE TABLE AS',
  DropStmt: 'DROP', TruncateStmt: 'TRUNCATE', AlterTableStmt: 'ALTER TABLE', LockStmt: 'LOCK', NotifyStmt: 'NOTIFY',
  ListenStmt: 'LISTEN', DeclareCursorStmt: 'DECLARE CURSOR', FetchStmt: 'FETCH', RefreshMatViewStmt: 'REFRESH',
  CreateFunctionStmt: 'CREATE FUNCTION', LoadStmt: 'LOAD', CheckPointStmt: 'CHECKPOINT', DiscardStmt: 'DISCARD',
  ReindexStmt: 'REINDEX', ClusterStmt: 'CLUSTER',
}

// SQL value functions are keywords, not calls: each is reported to the
// function policy under its SQL name, so `current_user` and `current_user()`
// meet the same rule. An op missing here is refused.
const VALUE_FUNCTIONS: Record<string, string> = {
  SVFOP_CURRENT_DATE: 'current_date', SVFOP_CURRENT_TIME: 'current_time', SVFOP_CURRENT_TIME_N: 'current_time',
  SVFOP_CURRENT_TIMESTAMP: 'current_timestamp', SVFOP_CURRENT_TIMESTAMP_N: 'current_timestamp',
  SVFOP_LOCALTIME: 'localtime', SVFOP_LOCALTIME_N: 'localtime', SVFOP_LOCALTIMESTAMP: 'localtimestamp',
  SVFOP_LOCALTIMESTAMP_N: 'localtimestamp', SVFOP_CURRENT_ROLE: 'current_role', SVFOP_CURRENT_USER: 'current_user',
  SVFOP_USER: 'user', SVFOP_SESSION_USER: 'session_user', SVFOP_CURRENT_CATALOG: 'current_catalog',
  SVFOP_CURRENT_SCHEMA: 'current_schema',
}

// Object identifier types look a name up in the catalog: `'other.secret'::regclass`
// says whether a table exists (and its OID) without reading it.
const CATALOG_TYPES = new Set([
  'regclass', 'regcollation', 'regconfig', 'regdictionary', 'regnamespace', 'regoper', 'regoperator', 'regproc',
  'regprocedure', 'regrole', 'regtype',
])

// Built-in scalar types, as the parser names them (`integer` arrives as pg_catalog.int4).
// Any other type name may be a table's row type: `NULL::other.secret` resolves
// the table and `row_to_json(json_populate_record(NULL::other.secret, '{}'))`
// lists its columns without SELECT on it. Such names are checked like relations.
const BUILTIN_TYPES = new Set([
  'bit', 'bool', 'box', 'bpchar', 'bytea', 'char', 'cidr', 'circle', 'date', 'datemultirange', 'daterange', 'float4',
  'float8', 'inet', 'int2', 'int4', 'int4multirange', 'int4range', 'int8', 'int8multirange', 'int8range', 'interval',
  'json', 'jsonb', 'jsonpath', 'line', 'lseg', 'macaddr', 'macaddr8', 'money', 'name', 'numeric', 'nummultirange',
  'numrange', 'oid', 'path', 'point', 'polygon', 'record', 'text', 'time', 'timestamp', 'timestamptz', 'timetz',
  'tsmultirange', 'tsquery', 'tsrange', 'tstzmultirange', 'tstzrange', 'tsvector', 'uuid', 'varbit', 'varchar', 'xml',
  // Redshift's own types.
  'super', 'varbyte', 'geometry', 'geography', 'hllsketch',
])

const nodeType = (o: Obj): string | undefined => {
  const keys = Object.keys(o)
  return keys.length === 1 && /^[A-Z]/.test(keys[0]) ? keys[0] : undefined
}

class PgWalker {
  readonly relations: RelationRef[] = []
  readonly functions: FunctionRef[] = []
  readonly cteNames: NamePart[] = []

  constructor(private readonly dialect: DialectName) {}

  statement(wrapped: Obj): void {
    const type = nodeType(wrapped)
    if (type !== 'SelectStmt') {
      const what = type ? `${STATEMENT_NAMES[type] ?? 'a non-SELECT'} statement (${type})` : 'an unknown statement'
      refuse(`only SELECT queries are allowed; this is ${what}`)
    }
    this.node(wrapped, CteScope.root(), 0)
  }

  private node(wrapped: Obj, scope: CteScope, depth: number): void {
    if (depth > 400) refuse('the statement is nested too deeply')
    const type = nodeType(wrapped)
    if (!type) refuse('unexpected parse tree shape')
    if (!ALLOWED_NODES.has(type)) refuse(`unsupported syntax (${type}) in a read-only query`)
    const n = wrapped[type] as Obj
    switch (type) {
      case 'SelectStmt': return this.select(n, scope, depth)
      case 'RangeVar': return this.rangeVar(n, scope)
      case 'FuncCall': return this.funcCall(n, scope, depth, 'expression')
      case 'RangeFunction': return this.rangeFunction(n, scope, depth)
      case 'CommonTableExpr': refuse('a CTE outside a WITH clause')
      case 'SQLValueFunction': return this.valueFunction(n)
      case 'ColumnRef': this.redshiftNiladic(n); break
      case 'TypeName': this.typeName(n); break
    }
    this.fields(n, scope, depth)
  }

  private fields(n: Obj, scope: CteScope, depth: number, skip: string[] = []): void {
    for (const [key, value] of Object.entries(n)) {
      if (skip.includes(key)) continue
      this.value(key, value, scope, depth + 1)
    }
  }

  private value(key: string, value: unknown, scope: CteScope, depth: number): void {
    if (value === null || typeof value !== 'object') return
    if (Array.isArray(value)) {
      for (const item of value) {
        if (item && typeof item === 'object' && !Array.isArray(item) && Object.keys(item).length === 0) continue
        if (!item || typeof item !== 'object' || Array.isArray(item)) refuse('unexpected parse tree shape')
        this.node(item as Obj, scope, depth)
      }
      return
    }
    const o = value as Obj
    if (Object.keys(o).length === 0) return
    if (nodeType(o)) return this.node(o, scope, depth)
    if (key === 'typeName') this.typeName(o)
    if (INLINE_FIELDS.has(key)) return this.fields(o, scope, depth)
    if (key === 'intoClause') refuse('SELECT ... INTO creates a table; it is not allowed')
    refuse(`unsupported syntax (${key}) in a read-only query`)
  }

  private select(n: Obj, outer: CteScope, depth: number): void {
    if (n.intoClause) refuse('SELECT ... INTO creates a table; it is not allowed')
    if (Array.isArray(n.lockingClause) && n.lockingClause.length > 0) {
      refuse('locking clauses (FOR UPDATE / FOR SHARE) are not allowed')
    }
    let scope = outer
    const withClause = n.withClause as Obj | undefined
    if (withClause) scope = this.withClause(withClause, outer, depth)
    // Set operations: both branches are SELECTs written inline, in the WITH's scope.
    for (const branch of ['larg', 'rarg']) {
      if (n[branch]) this.select(n[branch] as Obj, scope, depth + 1)
    }
    this.fields(n, scope, depth, ['withClause', 'larg', 'rarg'])
  }

  private withClause(w: Obj, outer: CteScope, depth: number): CteScope {
    const ctes = (w.ctes as Obj[] | undefined) ?? []
    const recursive = w.recursive === true
    const defs = ctes.map((c) => {
      if (nodeType(c) !== 'CommonTableExpr') refuse('unexpected parse tree shape in WITH')
      return c.CommonTableExpr as Obj
    })
    // Parser output is already case-folded; names stay exact.
    const names = defs.map((d) => foldPart({ value: String(d.ctename), quoted: true }, this.dialect))
    assertUniqueCtes(names)
    defs.forEach((d, i) => {
      this.cteNames.push({ value: String(d.ctename), quoted: true })
      const query = d.ctequery as Obj
      if (nodeType(query) !== 'SelectStmt') {
        const inner = nodeType(query) ?? 'unknown'
        refuse(`data-modifying CTE (${STATEMENT_NAMES[inner] ?? inner} inside WITH) is not allowed`)
      }
      // A CTE sees the CTEs before it; with RECURSIVE, all of them (itself included).
      const visible = outer.with(recursive ? names : names.slice(0, i))
      this.fields(d, visible, depth + 1)
    })
    return outer.with(names)
  }

  private rangeVar(n: Obj, scope: CteScope): void {
    const parts: NamePart[] = [n.catalogname, n.schemaname, n.relname]
      .filter((p): p is string => typeof p === 'string' && p !== '')
      .map((value) => ({ value, quoted: true }))
    if (parts.length === 1 && scope.has(foldPart(parts[0], this.dialect))) return
    this.relations.push({ parts })
  }

  private funcCall(n: Obj, scope: CteScope, depth: number, position: 'expression' | 'from'): void {
    const parts = ((n.funcname as Obj[] | undefined) ?? []).map((p) => {
      const s = (p.String as Obj | undefined)?.sval
      if (typeof s !== 'string') refuse('unexpected function name shape')
      return { value: s, quoted: true }
    })
    if (parts.length === 0) refuse('unexpected function name shape')
    this.functions.push({ parts, position })
    this.fields(n, scope, depth, ['funcname'])
  }

  private valueFunction(n: Obj): void {
    const name = VALUE_FUNCTIONS[String(n.op)]
    if (!name) refuse(`unsupported SQL value function (${show(String(n.op))})`)
    this.functions.push({ parts: [{ value: name, quoted: false }], position: 'expression' })
  }

  /** Redshift's `current_user_id` is a function written without parentheses: the grammar sees a column. */
  private redshiftNiladic(n: Obj): void {
    if (this.dialect !== 'redshift') return
    const fields = (n.fields as Obj[] | undefined) ?? []
    const only = fields.length === 1 ? (fields[0].String as Obj | undefined)?.sval : undefined
    if (typeof only === 'string' && only.toLowerCase() === 'current_user_id') {
      this.functions.push({ parts: [{ value: only, quoted: false }], position: 'expression' })
    }
  }

  private typeName(n: Obj): void {
    const names = ((n.names as Obj[] | undefined) ?? []).map((part) => (part.String as Obj | undefined)?.sval)
    if (names.length === 0 || names.some((part) => typeof part !== 'string')) refuse('unexpected parse tree shape in a type name')
    const parts = names as string[]
    const last = parts[parts.length - 1]
    if (CATALOG_TYPES.has(last.toLowerCase())) {
      refuse(`the type ${show(last)} looks up catalog objects by name; it is not allowed`)
    }
    const builtin = BUILTIN_TYPES.has(last) && (parts.length === 1 || (parts.length === 2 && parts[0] === 'pg_catalog'))
    // The parser has already folded unquoted names: compare them as written.
    if (!builtin) this.relations.push({ parts: parts.map((value) => ({ value, quoted: true })) })
  }

  private rangeFunction(n: Obj, scope: CteScope, depth: number): void {
    if (n.is_rowsfrom) refuse('ROWS FROM (...) is not allowed')
    for (const item of (n.functions as Obj[] | undefined) ?? []) {
      const list = (item.List as Obj | undefined)?.items as Obj[] | undefined
      if (!list) refuse('unexpected parse tree shape in a FROM function')
      const [call, coldefs] = list
      if (nodeType(call) !== 'FuncCall') refuse('only function calls are allowed as FROM functions')
      this.funcCall(call.FuncCall as Obj, scope, depth + 1, 'from')
      // A column definition list (`AS t(a int)`) only names and types columns.
      if (coldefs && Object.keys(coldefs).length > 0) this.value('coldeflist', coldefs, scope, depth + 1)
    }
    this.fields(n, scope, depth, ['functions'])
  }
}

export function analysePostgres(sql: string, dialect: 'postgres' | 'redshift'): StatementFacts {
  let tree: { stmts?: Array<{ stmt?: Obj }> }
  try {
    tree = parseSync(sql) as unknown as { stmts?: Array<{ stmt?: Obj }> }
  } catch (e) {
    const msg = e instanceof Error ? e.message : 'unknown error'
    refuse(`syntax error: ${msg.slice(0, 160)}`)
  }
  const stmts = tree.stmts ?? []
  if (stmts.length === 0) refuse('the statement is empty')
  if (stmts.length > 1) refuse('more than one statement: stacked statements are not allowed; send exactly one statement')
  checkLiterals(sql, dialect)
  const walker = new PgWalker(dialect)
  const stmt = stmts[0].stmt
  if (!stmt) refuse('the statement is empty')
  walker.statement(stmt)
  return { relations: walker.relations, functions: walker.functions, cteNames: walker.cteNames }
}

// String literals whose meaning depends on a session setting are refused:
// with standard_conforming_strings off (and always on Redshift) a backslash
// escapes the closing quote, so `'\'; DROP ...'` would end somewhere else than
// where the parser thinks. E'...' strings are unambiguous and stay allowed on
// Postgres. Redshift also gets no dollar quoting.
function checkLiterals(sql: string, dialect: 'postgres' | 'redshift'): void {
  let tokens: Array<{ text: string; tokenName: string }>
  try {
    tokens = scanSync(sql).tokens
  } catch {
    throw new Refusal('the statement could not be tokenized')
  }
  for (const t of tokens) {
    if (t.tokenName !== 'SCONST' && t.tokenName !== 'USCONST') continue
    const escaped = /^[eE]'/.test(t.text)
    if (t.text.startsWith('$')) {
      if (dialect === 'redshift') refuse('dollar-quoted strings are not allowed on Redshift')
      continue
    }
    if (t.text.includes('\\') && (dialect === 'redshift' || !escaped)) {
      refuse(`a backslash in the string literal ${show(t.text.slice(0, 40))} is not allowed: its meaning depends on standard_conforming_strings; pass the value as a parameter${dialect === 'postgres' ? " or use E'...'" : ''}`)
    }
  }
}
