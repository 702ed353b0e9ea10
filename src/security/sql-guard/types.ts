// Types shared by the guard's dialect front ends and its policy checks. Each
// front end (Postgres via libpg-query, node-sql-parser dialects, the
// ClickHouse structural parser) reduces one statement to the same facts, and
// the policy (relations, functions) is applied to those facts in one place.
import type { DialectName } from '../../../semantic/types'

export interface GuardOptions {
  dialect: DialectName
  /**
   * Physical relations the statement may read, as dotted names
   * (`orders`, `analytics.orders`, `proj.ds.orders`); parts may be quoted
   * with the dialect's identifier quotes. Matching is exact after the
   * dialect's case folding; see README for the qualification rules.
   */
  allowedRelations: string[]
  /**
   * Functions that are denied by default only because they waste time
   * (`pg_sleep`, MySQL `SLEEP`/`BENCHMARK`, ClickHouse `sleep`...) and may be
   * enabled per connection. Naming a function that is denied for safety
   * (file, network, admin functions) is a configuration error.
   */
  allowFunctions?: string[]
  /**
   * The schema (dataset, database) unqualified names resolve to for this
   * connection. When given, `orders` and `<defaultSchema>.orders` are the
   * same relation for the allow list; when absent, names must match as written.
   */
  defaultSchema?: string
  /** Longest SQL accepted, in characters (default 20 000): bounds parser time. */
  maxLength?: number
}

export interface GuardResult {
  /** Physical relations the statement reads, normalized and dotted, sorted, without duplicates. */
  relations: string[]
}

/** One identifier part with whether it was quoted (case folding depends on it). */
export interface NamePart {
  value: string
  quoted: boolean
}

/** A relation reference the front end could not resolve to a CTE. */
export interface RelationRef {
  parts: NamePart[]
}

export interface FunctionRef {
  /** Name parts as written (schema-qualified calls keep their qualifier). */
  parts: NamePart[]
  /** `from` when called as a table function in a FROM clause. */
  position: 'expression' | 'from'
}

/** What a dialect front end learned about the single statement. */
export interface StatementFacts {
  relations: RelationRef[]
  functions: FunctionRef[]
  /** Names of every CTE defined anywhere in the statement. */
  cteNames: NamePart[]
}
