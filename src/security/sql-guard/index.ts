// The SQL guard: the first of Nexatron's three layers against a query being
// turned against its database (see README.md in this folder). Every
// statement sent to a connector passes through `guardSql` first.
//
//   guardSql(sql, { dialect, allowedRelations }) -> { relations }  or throws SqlGuardError
//
// It accepts exactly one read-only SELECT (set operations, subqueries and
// CTEs allowed) that reads only allowed relations and calls no denied
// function, parsed with a real parser for the dialect. Whatever it cannot
// analyse is refused: the guard fails closed.
import { DIALECT_NAMES } from '../../../semantic/types'
import { analyseClickHouse } from './clickhouse'
import { Refusal, SqlGuardError, show } from './errors'
import { FunctionPolicy } from './function-policy'
import { displayName, foldPart, RelationMatcher } from './names'
import { isSystemRelation } from './system-relations'
import { analyseWithNodeSqlParser } from './node-sql-parser'
import { analysePostgres } from './postgres'
import type { GuardOptions, GuardResult, StatementFacts } from './types'

export { SqlGuardError } from './errors'
export { configurableFunctions, invalidAllowFunctions } from './function-policy'
export type { GuardOptions, GuardResult } from './types'

// Parsing is synchronous and PEG grammars cost ~10-50 ms per KB on a loaded core:
// the bound keeps one hostile statement from stalling the event loop. Compiled
// queries are a few KB; callers may raise it per connection.
const DEFAULT_MAX_LENGTH = 20_000

// Characters that are invisible or reorder text (Trojan Source), and controls
// other than tab/newline/carriage return: no legitimate query needs them, and
// engines disagree on whether they separate tokens.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb]/

function precheck(sql: string, maxLength: number): void {
  if (typeof sql !== 'string') throw new Refusal('the statement is not text')
  if (sql.length > maxLength) throw new Refusal(`the statement is longer than ${maxLength} characters`)
  if (sql.trim() === '') throw new Refusal('the statement is empty')
  const m = FORBIDDEN_CHARS.exec(sql)
  if (m) {
    const code = m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')
    throw new Refusal(`invisible or control character U+${code} at offset ${m.index}`)
  }
  // Lone surrogates: not valid Unicode, and drivers re-encode them unpredictably.
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(sql)) {
    throw new Refusal('the statement is not valid Unicode')
  }
}

function analyse(sql: string, opts: GuardOptions): StatementFacts {
  switch (opts.dialect) {
    case 'postgres':
    case 'redshift':
      return analysePostgres(sql, opts.dialect)
    case 'clickhouse':
      return analyseClickHouse(sql)
    case 'mysql':
    case 'bigquery':
    case 'snowflake':
    case 'mssql':
      return analyseWithNodeSqlParser(sql, opts.dialect)
  }
}

/** As written, and an unqualified name also where the engine resolves it (a connection whose database is `system` reads `system.users` as `users`). */
function systemRelation(folded: string[], defaultSchema: string | undefined, dialect: GuardOptions['dialect']): boolean {
  if (isSystemRelation(folded, dialect)) return true
  return folded.length === 1 && defaultSchema !== undefined && isSystemRelation([defaultSchema, ...folded], dialect)
}

/**
 * Checks one statement. Returns the physical relations it reads (folded,
 * dotted, sorted) or throws SqlGuardError with every reason found.
 * Misconfiguration (unknown dialect, a non-configurable function in
 * allowFunctions, a malformed allowed relation) throws a plain Error.
 */
export function guardSql(sql: string, opts: GuardOptions): GuardResult {
  return createGuard(opts)(sql)
}

/**
 * `guardSql` with `opts` read once: the allow list is parsed here, not per
 * statement, so checking many statements against one layer (an import's
 * expression probes, one per model) costs the statements, not statements
 * times the layer's tables.
 */
export function createGuard(opts: GuardOptions): (sql: string) => GuardResult {
  if (!(DIALECT_NAMES as readonly string[]).includes(opts.dialect)) throw new Error(`unknown SQL dialect: ${String(opts.dialect)}`)
  const matcher = new RelationMatcher(opts.allowedRelations, opts.dialect, opts.defaultSchema)
  const functions = new FunctionPolicy(opts.dialect, opts.allowFunctions)
  return (sql) => checkStatement(sql, opts, matcher, functions)
}

function checkStatement(sql: string, opts: GuardOptions, matcher: RelationMatcher, functions: FunctionPolicy): GuardResult {
  let facts: StatementFacts
  try {
    precheck(sql, opts.maxLength ?? DEFAULT_MAX_LENGTH)
    facts = analyse(sql, opts)
  } catch (e) {
    if (e instanceof Refusal) throw new SqlGuardError([e.reason])
    if (e instanceof RangeError) throw new SqlGuardError(['the statement is nested too deeply'])
    // Anything else (a parser crash, a stack overflow on absurd nesting) is
    // still a refusal: the guard never lets through what it could not analyse.
    throw new SqlGuardError(['the statement could not be analysed'])
  }

  const reasons: string[] = []
  const relations = new Set<string>()
  for (const ref of facts.relations) {
    const name = displayName(ref.parts, opts.dialect)
    if (!matcher.isAllowed(ref.parts)) reasons.push(`the relation ${show(name)} is not on this connection's allow list`)
    // A layer may name a catalog (whoever writes it is not always an admin); it is still never data.
    else if (systemRelation(ref.parts.map((p) => foldPart(p, opts.dialect)), matcher.defaultSchema, opts.dialect)) reasons.push(`the relation ${show(name)} is a system catalog, which is never data`)
    else relations.add(name)
  }
  const allowedNames = matcher.allowedTableNames()
  for (const cte of facts.cteNames) {
    const folded = cte.value.toLowerCase()
    if (allowedNames.has(folded)) reasons.push(`the CTE ${show(cte.value)} shadows the allowed relation of the same name; rename the CTE`)
  }
  for (const fn of facts.functions) {
    const verdict = functions.check(fn.parts.map((p) => p.value), fn.position)
    if (!verdict.allowed && verdict.reason) reasons.push(verdict.reason)
  }
  if (reasons.length > 0) throw new SqlGuardError([...new Set(reasons)])
  return { relations: [...relations].sort() }
}
