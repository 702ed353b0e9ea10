// Renders the row filters a restricted model carries as the WHERE of the
// subquery the compiler reads its table through. Column references are the
// model's own expressions (unqualified, as everywhere a model's table is
// read); attribute values go through `param` (bind parameters, or escaped
// literals on engines without them), never into the text.
import type { Dialect } from '../dialects/dialect'
import { sqlFragmentProblem } from '../sql-fragment'
import { SemanticError } from '../types'
import type { AttributeScalar, ResolvedRowFilter } from './types'

export interface RowFilterHooks {
  param: (v: AttributeScalar) => string
  /** A relation a semi-join reads (rendered, and recorded for the SQL guard). */
  relation: (rel: { alias: string; schema_name?: string; database?: string }) => string
}

/**
 * A model column. Expressions are parenthesised where they meet operators
 * (`inSelect` false), but not as a select item: some parsers (the SQL guard's
 * for MySQL) refuse `SELECT (x) FROM`.
 */
function columnSql(dialect: Dialect, policy: string, c: { column: string; expr?: string }, inSelect = false): string {
  if (c.expr === undefined) return dialect.sourceIdentifier(c.column)
  if (sqlFragmentProblem(c.expr)) throw new SemanticError('invalid_model', `the expr of "${c.column}" used by access policy "${policy}" is not a single SQL expression`)
  return inSelect || /^[A-Za-z_][A-Za-z0-9_]*$/.test(c.expr.trim()) ? c.expr.trim() : `(${c.expr})`
}

export function rowFilterCondition(filters: readonly ResolvedRowFilter[], dialect: Dialect, hooks: RowFilterHooks): string {
  const param = hooks.param
  return filters.map((f) => {
    const text = f.parts.map((p) => {
      if ('sql' in p) return p.sql
      if ('in_relation' in p) {
        const inner = p.filters.length ? ` WHERE ${rowFilterCondition(p.filters, dialect, hooks)}` : ''
        return `${columnSql(dialect, f.policy, p)} IN (SELECT ${columnSql(dialect, f.policy, p.key, true)} FROM ${hooks.relation(p.in_relation)}${inner})`
      }
      if ('column' in p) return columnSql(dialect, f.policy, p)
      if ('value' in p) return param(p.value)
      // An empty list matches nothing (IN () is not SQL).
      return p.list.length ? `(${p.list.map(param).join(', ')})` : '(NULL)'
    }).join('')
    return `(${text})`
  }).join(' AND ')
}
